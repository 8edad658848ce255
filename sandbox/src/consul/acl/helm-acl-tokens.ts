/**
 * ACLs as a chart install with `global.acls.manageSystemACLs: true` leaves them: server-acl-init
 * has run (bootstrap token in Secret `<prefix>-bootstrap-acl-token`, the component auth method,
 * a policy, role and binding rule per component), and the mesh gateway and connect-injector pods
 * have logged in through the auth method, so their tokens carry roles, not policies, and no token
 * Secret exists for them (consul-k8s control-plane/subcommand/server-acl-init/command.go).
 */
import { registerSecret } from '../../../../src/secrets/redact.ts';
import { ANONYMOUS_ACCESSOR_ID } from './acl-authorizer.ts';
import { AclStore } from './acl-store.ts';
import { componentAuthMethodName, ServerAclInit } from './server-acl-init.ts';

/** The Helm values behind server-acl-init's flags; defaults are the seed example's peering install. */
export interface HelmAclOptions {
  readonly enabled: boolean;
  /** Simulates charts before consul-k8s#1685, whose mesh gateway policy lacked `peering = "read"`. */
  readonly gatewayPolicyLacksPeeringRead?: boolean | undefined;
  /** The chart's `consul.fullname` (`-resource-prefix`); default `consul-consul` (release `consul`). */
  readonly resourcePrefix?: string | undefined;
  /** `global.adminPartitions.name`, used when the server is enterprise; default `default`. */
  readonly partition?: string | undefined;
  /** `global.peering.enabled`; default true. */
  readonly peering?: boolean | undefined;
  /** `meshGateway.enabled`; default true. */
  readonly meshGateway?: boolean | undefined;
  /** `connectInject.enabled`; default true. */
  readonly connectInject?: boolean | undefined;
  /** `global.enableConsulNamespaces`; default false. */
  readonly enableNamespaces?: boolean | undefined;
  /** `-allow-dns` (`dns.enabled`, by default `connectInject.transparentProxy.defaultEnabled`); default true. */
  readonly allowDns?: boolean | undefined;
}

/** What createHelmAcls needs besides the Helm values. */
export interface HelmAclInput extends Omit<HelmAclOptions, 'enabled'> {
  /** Enterprise servers run with admin partitions (as the sandbox's enterprise installs do). */
  readonly enterprise: boolean;
  readonly nextIndex: () => number;
  readonly datacenter?: string | undefined;
  /** The server pods' IPs (`-set-server-tokens`); default one server on loopback. */
  readonly serverAddresses?: readonly string[] | undefined;
}

/** A Kubernetes Secret server-acl-init wrote (key `token`). */
export interface AclInitSecret {
  readonly name: string;
  readonly key: 'token';
  readonly value: string;
}

/** What an install's ACLs give the rest of the sandbox; every SecretID here is registered as a secret. */
export interface HelmAclTokens {
  /** For Secret `<prefix>-bootstrap-acl-token`. */
  readonly bootstrapToken: string;
  /** The token the mesh gateway pod got by logging in as `<prefix>-mesh-gateway`; throws without a gateway. */
  readonly meshGatewayToken: string;
  /** The token the connect-injector got by logging in as `<prefix>-connect-injector`; throws without it. */
  readonly injectorToken: string;
  readonly resourcePrefix: string;
  /** `<prefix>-k8s-component-auth-method`. */
  readonly componentAuthMethod: string;
  /** The Secrets server-acl-init wrote: the bootstrap token and the tokens of `createACL`. */
  secrets(): readonly AclInitSecret[];
  /** Logs in through the component auth method as a service account; returns the new SecretID. */
  login(serviceAccountName: string, meta?: Readonly<Record<string, string>>): string;
  /** What `helm upgrade` does: server-acl-init runs again and rewrites the policies it owns. */
  rerun(): void;
}

/** The ACL store of an install and its handle. */
export interface HelmAcls {
  readonly store: AclStore;
  readonly bootstrapToken: string;
  readonly tokens: HelmAclTokens;
  login(serviceAccountName: string, meta?: Readonly<Record<string, string>>): string;
  rerun(): void;
}

class HelmAclHandle implements HelmAclTokens {
  readonly componentAuthMethod: string;
  private readonly logins = new Map<string, string>();

  constructor(
    private readonly store: AclStore,
    private readonly job: ServerAclInit,
    readonly resourcePrefix: string,
  ) {
    this.componentAuthMethod = componentAuthMethodName(resourcePrefix);
  }

  get bootstrapToken(): string {
    const token = this.job.secrets.get(this.job.withPrefix('bootstrap-acl-token'));
    if (token === undefined) throw new Error('server-acl-init has not run: there is no bootstrap token');
    return token;
  }

  get meshGatewayToken(): string {
    return this.component('mesh-gateway');
  }

  get injectorToken(): string {
    return this.component('connect-injector');
  }

  secrets(): readonly AclInitSecret[] {
    return [...this.job.secrets].map(([name, value]) => ({ name, key: 'token', value }));
  }

  login(serviceAccountName: string, meta?: Readonly<Record<string, string>>): string {
    const token = this.store.login({
      AuthMethod: this.componentAuthMethod,
      BearerToken: serviceAccountName,
      ...(meta !== undefined && { Meta: meta }),
    });
    registerSecret(token.SecretID);
    return token.SecretID;
  }

  rerun(): void {
    this.job.run();
    registerTokens(this.store);
  }

  /** Logs a component's pod in, as it does when it starts. */
  start(component: 'mesh-gateway' | 'connect-injector'): void {
    this.logins.set(component, this.login(this.job.withPrefix(component), { component }));
  }

  private component(name: string): string {
    const token = this.logins.get(name);
    if (token === undefined) throw new Error(`the install runs no ${name}: no component token exists`);
    return token;
  }
}

function registerTokens(store: AclStore): void {
  for (const token of store.tokens.list()) {
    if (token.AccessorID !== ANONYMOUS_ACCESSOR_ID) registerSecret(token.SecretID);
  }
}

/** Creates a server's ACL store as server-acl-init and the component logins of an install leave it. */
export function createHelmAcls(input: HelmAclInput): HelmAcls {
  const store = new AclStore(input.enterprise, input.nextIndex, input.datacenter ?? 'dc1');
  const resourcePrefix = input.resourcePrefix ?? 'consul-consul';
  const meshGateway = input.meshGateway ?? true;
  const connectInject = input.connectInject ?? true;
  const job = new ServerAclInit(store, {
    resourcePrefix,
    partition: input.enterprise ? (input.partition ?? 'default') : '',
    peering: input.peering ?? true,
    meshGateway,
    connectInject,
    enableNamespaces: input.enableNamespaces ?? false,
    allowDns: input.allowDns ?? true,
    bindingRuleSelector: 'serviceaccount.name!=default',
    gatewayPolicyLacksPeeringRead: input.gatewayPolicyLacksPeeringRead ?? false,
    serverAddresses: input.serverAddresses ?? ['127.0.0.1'],
  });
  const handle = new HelmAclHandle(store, job, resourcePrefix);
  handle.rerun();
  if (connectInject) handle.start('connect-injector');
  if (meshGateway) handle.start('mesh-gateway');
  return {
    store,
    bootstrapToken: handle.bootstrapToken,
    tokens: handle,
    login: (serviceAccountName, meta) => handle.login(serviceAccountName, meta),
    rerun: () => handle.rerun(),
  };
}
