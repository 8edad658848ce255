/**
 * What the consul Helm chart makes of its values: the `consul.fullname` every object name starts
 * with, the names of the objects meshpeer reads, and the switches it checks. Facts from
 * hashicorp/consul-k8s charts/consul/templates/_helpers.tpl (`consul.fullname`),
 * server-service.yaml, server-acl-init-job.yaml and control-plane/subcommand/server-acl-init.
 * Pure: the same values always give the same names.
 */

export type Values = Readonly<Record<string, unknown>>;

/** Where an install's values came from. */
export type InstallSource = 'helm-release' | 'declared' | 'inferred';

/** The chart switches meshpeer checks, with the chart's defaults applied. */
export interface InstallValues {
  readonly peeringEnabled: boolean;
  readonly tlsEnabled: boolean;
  /** `global.tls.httpsOnly` (default true): with TLS on, the server Service has no `http` port. */
  readonly httpsOnly: boolean;
  readonly meshGatewayEnabled: boolean;
  readonly connectInjectEnabled: boolean;
  readonly manageSystemACLs: boolean;
  readonly adminPartitionsEnabled: boolean;
  readonly enableConsulNamespaces: boolean;
  /** `externalServers.enabled`: a partition install's consul-k8s talks to its cluster's servers. */
  readonly externalServersEnabled: boolean;
}

/** One Consul install as meshpeer understands it: its object names and its values. */
export interface InstallFacts {
  readonly source: InstallSource;
  readonly release: string;
  /** The chart's `consul.fullname`: the prefix of the server Service, gateway, CA and ACL objects. */
  readonly fullname: string;
  readonly chartVersion?: string;
  /** The Consul version (the release's appVersion or the `global.image` tag). */
  readonly consulVersion?: string;
  readonly values: InstallValues;
  /** `global.adminPartitions.name`: the one partition the install serves (chart default `default`). */
  readonly partitionName: string;
  /** The Secret holding the CA of the servers' HTTPS certificate (`global.tls.caCert`, else the chart's). */
  readonly caCert: { readonly secret: string; readonly key: string };
  /** For inferred installs: what each value was read from, in plan wording. */
  readonly evidence?: readonly string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at a dotted path, or undefined. */
export function valueAt(values: Values, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), values);
}

/** Helm's `trunc 63 | trimSuffix "-"`. */
function dnsTrim(name: string): string {
  return name.slice(0, 63).replace(/-$/, '');
}

/** `consul.fullname`: fullnameOverride, else global.name, else `<release>-<nameOverride or consul>`. */
export function consulFullname(release: string, values: Values): string {
  const text = (path: string) => {
    const v = valueAt(values, path);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const override = text('fullnameOverride') ?? text('global.name');
  if (override !== undefined) return dnsTrim(override);
  return dnsTrim(`${release}-${text('nameOverride') ?? 'consul'}`);
}

/**
 * The fullname of an install: the one found (release Secret, declared or inferred values), else
 * the one peerings.yaml names, else the chart's default for the release.
 */
export function fullnameOf(
  consul: { readonly release: string; readonly fullname?: string },
  install: InstallFacts | undefined,
): string {
  return install?.fullname ?? consul.fullname ?? consulFullname(consul.release, {});
}

/** The names of the chart's objects that meshpeer reads, for one fullname. */
export function installNames(fullname: string) {
  return {
    /** Headless Service of the servers: ports `https` 8501 (TLS), `http` 8500 (no TLS or not httpsOnly). */
    server: `${fullname}-server`,
    meshGateway: `${fullname}-mesh-gateway`,
    connectInjector: `${fullname}-connect-injector`,
    /** The TLS CA of the servers' HTTPS and gRPC certificates, key `tls.crt`. */
    caCert: `${fullname}-ca-cert`,
    /** server-acl-init's bootstrap token, key `token`. */
    bootstrapAclToken: `${fullname}-bootstrap-acl-token`,
    /** server-acl-init binds the gateways' login tokens to this role (policy `mesh-gateway-policy`). */
    meshGatewayAclRole: `${fullname}-mesh-gateway-acl-role`,
    componentAuthMethod: `${fullname}-k8s-component-auth-method`,
  } as const;
}

/** The CA Secret the chart uses: `global.tls.caCert.secretName/secretKey`, else `<fullname>-ca-cert`. */
export function caCertOf(fullname: string, values: Values): { secret: string; key: string } {
  const name = valueAt(values, 'global.tls.caCert.secretName');
  const key = valueAt(values, 'global.tls.caCert.secretKey');
  return {
    secret: typeof name === 'string' && name !== '' ? name : installNames(fullname).caCert,
    key: typeof key === 'string' && key !== '' ? key : 'tls.crt',
  };
}

/** The chart switches from (effective) values, with the chart's defaults for missing keys. */
export function installValues(values: Values): InstallValues {
  const flag = (path: string, fallback: boolean) => {
    const v = valueAt(values, path);
    return typeof v === 'boolean' ? v : fallback;
  };
  return {
    peeringEnabled: flag('global.peering.enabled', false),
    tlsEnabled: flag('global.tls.enabled', false),
    httpsOnly: flag('global.tls.httpsOnly', true),
    meshGatewayEnabled: flag('meshGateway.enabled', false),
    connectInjectEnabled: flag('connectInject.enabled', true),
    manageSystemACLs: flag('global.acls.manageSystemACLs', false),
    adminPartitionsEnabled: flag('global.adminPartitions.enabled', false),
    enableConsulNamespaces: flag('global.enableConsulNamespaces', false),
    externalServersEnabled: flag('externalServers.enabled', false),
  };
}

/** `global.adminPartitions.name`, the chart's default being `default`. */
export function partitionNameOf(values: Values): string {
  const name = valueAt(values, 'global.adminPartitions.name');
  return typeof name === 'string' && name !== '' ? name : 'default';
}

/** The Consul version in `global.image` (`hashicorp/consul:1.20.1`, `...-enterprise:1.20.1-ent`). */
export function imageVersion(values: Values): string | undefined {
  const image = valueAt(values, 'global.image');
  return typeof image === 'string' ? /:(\d+\.\d+\.\d+)/.exec(image)?.[1] : undefined;
}

/** Which port of the server Service carries the HTTP API, and with which scheme. */
export function serverApiPort(values: Pick<InstallValues, 'tlsEnabled'>): {
  scheme: 'http' | 'https';
  port: 'http' | 'https';
} {
  return values.tlsEnabled ? { scheme: 'https', port: 'https' } : { scheme: 'http', port: 'http' };
}
