/**
 * The slice of Consul's HTTP API meshpeer uses: peerings, config entries, ACL tokens, roles and
 * policies, the catalog's service names, and health of imported services. Error bodies are plain
 * text in Consul; they are kept (they never contain token values) but the request's ACL token never
 * enters a message.
 */
import { retryTransient } from '../io/retry-transient.ts';
import { registerSecret } from '../secrets/redact.ts';
import type { AclPolicy, AclRole, AclToken, NewAclPolicy } from './acl-types.ts';
import type { CatalogServiceNode, ConsulIntention, HealthServiceEntry } from './catalog-types.ts';
import { ConsulError, kubernetesStatus } from './consul-error.ts';
import type { ConsulTransport } from './consul-transport.ts';

export type {
  AclLink,
  AclLinks,
  AclNodeIdentity,
  AclPolicy,
  AclRole,
  AclServiceIdentity,
  AclToken,
  NewAclPolicy,
} from './acl-types.ts';
export type { CatalogServiceNode, ConsulIntention, HealthServiceEntry } from './catalog-types.ts';
export { ConsulError } from './consul-error.ts';

/** A peering as `GET /v1/peerings` returns it (api/peering.go). */
export interface ConsulPeering {
  readonly ID: string;
  readonly Name: string;
  readonly Partition?: string;
  readonly State: string;
  readonly PeerID?: string;
  /** Dialer side only: the acceptor's peering server name (TLS SNI), addresses and CA. */
  readonly PeerServerName?: string;
  readonly PeerServerAddresses?: readonly string[];
  readonly PeerCAPems?: readonly string[];
  readonly DeletedAt?: string;
  /** Raft indexes: an unchanged ModifyIndex means nothing wrote to the peering. */
  readonly CreateIndex?: number;
  readonly ModifyIndex?: number;
  readonly Remote?: { readonly Partition?: string; readonly Datacenter?: string };
  readonly StreamStatus?: {
    readonly ImportedServices?: string[] | null;
    readonly ExportedServices?: string[] | null;
    readonly LastHeartbeat?: string | null;
    readonly LastReceive?: string | null;
    readonly LastSend?: string | null;
  };
}

/** Adds `?ns=` when a namespace is named: Consul CE answers 400 to any `?ns=`, so it is sent only when asked for. */
function withNamespace(path: string, namespace: string | undefined): string {
  if (namespace === undefined) return path;
  return `${path}${path.includes('?') ? '&' : '?'}ns=${encodeURIComponent(namespace)}`;
}

/** Registers a token's SecretID before anything can print it. */
function withSecret(token: AclToken | undefined): AclToken | undefined {
  registerSecret(token?.SecretID);
  return token;
}

/**
 * A Consul HTTP API client for one install (and one ACL token). An install serves one admin
 * partition, so its client sends `?partition=` on peering and ACL calls unless told otherwise.
 */
export class ConsulClient {
  constructor(
    private readonly transport: ConsulTransport,
    private readonly token?: string,
    private readonly defaultPartition = 'default',
  ) {
    registerSecret(token);
  }

  /** GETs are retried on transient failures (the API, or the Kubernetes proxy in front of it). */
  private async call<T>(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    allow404 = false,
  ): Promise<T | undefined> {
    const once = () => this.once<T>(method, path, body, allow404);
    if (method !== 'GET') return once();
    return retryTransient(once, (err) => err instanceof ConsulError && err.transient);
  }

  private async once<T>(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    body: unknown,
    allow404: boolean,
  ): Promise<T | undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token !== undefined) headers['x-consul-token'] = this.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: { status: number; body: string };
    try {
      res = await this.transport.send(
        method,
        path,
        headers,
        body === undefined ? undefined : JSON.stringify(body),
      );
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new ConsulError(
        0,
        `consul unreachable via ${this.transport.description}: ${code ?? (err as Error).message}`,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      // A proxy refusal never means "no such peering": Consul was not reached at all.
      const proxy = kubernetesStatus(res.body);
      if (proxy !== undefined)
        throw new ConsulError(
          0,
          `consul unreachable via ${this.transport.description}: kubernetes service proxy: ${proxy} (${res.status})`,
        );
      if (res.status === 404 && allow404) return undefined;
      throw new ConsulError(
        res.status,
        `consul ${method} ${path.split('?')[0]} failed (${res.status}): ${res.body.trim().slice(0, 300) || 'no body'}`,
      );
    }
    return (res.body.trim() === '' ? undefined : JSON.parse(res.body)) as T | undefined;
  }

  private partition(path: string, partition = this.defaultPartition): string {
    if (partition === 'default') return path;
    return `${path}${path.includes('?') ? '&' : '?'}partition=${encodeURIComponent(partition)}`;
  }

  /** Every peering of a partition. */
  async listPeerings(partition?: string): Promise<ConsulPeering[]> {
    return (await this.call<ConsulPeering[]>('GET', this.partition('/v1/peerings', partition))) ?? [];
  }

  /**
   * The services registered in a partition (the client's unless given) and, on Enterprise, a
   * namespace: name to tags, as `GET /v1/catalog/services` answers (api/catalog.go Services).
   * Consul leaves out the services the token may not read (service:read) instead of refusing.
   */
  async listServices(
    options: { partition?: string; namespace?: string } = {},
  ): Promise<Record<string, string[]>> {
    const path = this.partition('/v1/catalog/services', options.partition);
    // Consul CE answers 400 to any ?ns=, so it is sent only when asked for.
    const ns =
      options.namespace === undefined
        ? ''
        : `${path.includes('?') ? '&' : '?'}ns=${encodeURIComponent(options.namespace)}`;
    return (await this.call<Record<string, string[]>>('GET', `${path}${ns}`)) ?? {};
  }

  /**
   * `?partition=` for a partition named explicitly: unlike `partition()`, it names `default` too
   * when the client serves another partition (Consul would otherwise take the token's own).
   * Consul CE refuses any `?partition=`, and a CE client always serves `default`.
   */
  private inPartition(path: string, partition: string): string {
    if (partition === 'default' && this.defaultPartition === 'default') return path;
    return `${path}${path.includes('?') ? '&' : '?'}partition=${encodeURIComponent(partition)}`;
  }

  /**
   * The instances of a local service as `GET /v1/catalog/service/:name` answers (api/catalog.go
   * Service). ACL: service:read on the service and node:read on each node (agent/consul/acl.go
   * filterServiceNodes); Consul leaves out what the token may not read instead of refusing.
   */
  async catalogService(
    name: string,
    options: { partition?: string; namespace?: string } = {},
  ): Promise<CatalogServiceNode[]> {
    const path = this.inPartition(
      `/v1/catalog/service/${encodeURIComponent(name)}`,
      options.partition ?? this.defaultPartition,
    );
    return (await this.call<CatalogServiceNode[]>('GET', withNamespace(path, options.namespace))) ?? [];
  }

  /**
   * The instances of a service with their checks, `GET /v1/health/service/:name` (api/health.go
   * Service); with `peer`, the instances imported from that peering (agent/health_endpoint.go
   * reads `?peer=`). ACL: service:read and node:read, filtered like the catalog
   * (structs.CheckServiceNode CanRead), so an empty answer may also mean a token that reads too little.
   */
  async healthService(
    name: string,
    options: { peer?: string; partition?: string; namespace?: string } = {},
  ): Promise<HealthServiceEntry[]> {
    let path = this.inPartition(
      `/v1/health/service/${encodeURIComponent(name)}`,
      options.partition ?? this.defaultPartition,
    );
    if (options.peer !== undefined)
      path = `${path}${path.includes('?') ? '&' : '?'}peer=${encodeURIComponent(options.peer)}`;
    return (await this.call<HealthServiceEntry[]>('GET', withNamespace(path, options.namespace))) ?? [];
  }

  /**
   * A config entry (`GET /v1/config/:kind/:name`), or undefined when there is none. ACL: the
   * kind's read permission (mesh:read for `mesh`, service:read for a service's entries).
   */
  readConfigEntry(
    kind: string,
    name: string,
    partition?: string,
  ): Promise<Record<string, unknown> | undefined> {
    const path = this.inPartition(
      `/v1/config/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`,
      partition ?? this.defaultPartition,
    );
    return this.call('GET', path, undefined, true);
  }

  /**
   * The intention with exactly this source and destination, `GET /v1/connect/intentions/exact`
   * (agent/intentions_endpoint.go IntentionGetExact), or undefined when there is none (404). It
   * is the endpoint that takes a peer's source (`peer:<peer>/<name>`): the check endpoint refuses
   * one ("cannot specify a peer here"). ACL: intentions:read on the destination, which
   * service:read grants (acl/policy_authorizer.go loadRules).
   */
  intentionExact(query: {
    readonly source: { readonly peer: string; readonly name: string; readonly namespace?: string };
    readonly destination: { readonly name: string; readonly namespace?: string };
    readonly partition?: string;
  }): Promise<ConsulIntention | undefined> {
    const { source, destination } = query;
    const from = `peer:${source.peer}/${source.namespace === undefined ? '' : `${source.namespace}/`}${source.name}`;
    const to = `${destination.namespace === undefined ? '' : `${destination.namespace}/`}${destination.name}`;
    const path = this.inPartition(
      `/v1/connect/intentions/exact?source=${encodeURIComponent(from)}&destination=${encodeURIComponent(to)}`,
      query.partition ?? this.defaultPartition,
    );
    return this.call('GET', path, undefined, true);
  }

  /** One peering, or undefined when Consul has none by that name. */
  readPeering(name: string, partition?: string): Promise<ConsulPeering | undefined> {
    return this.call<ConsulPeering>(
      'GET',
      this.partition(`/v1/peering/${encodeURIComponent(name)}`, partition),
      undefined,
      true,
    );
  }

  /** A new token for an acceptor-side peering; the caller must treat it as a secret. */
  async generateToken(peerName: string, partition?: string): Promise<string> {
    const res = await this.call<{ PeeringToken: string }>(
      'POST',
      this.partition('/v1/peering/token', partition),
      { PeerName: peerName },
    );
    if (res?.PeeringToken === undefined) throw new ConsulError(500, 'consul returned no peering token');
    registerSecret(res.PeeringToken);
    return res.PeeringToken;
  }

  /** Soft-deletes a peering (Consul answers 200 even when it does not exist). */
  async deletePeering(name: string, partition?: string): Promise<void> {
    await this.call('DELETE', this.partition(`/v1/peering/${encodeURIComponent(name)}`, partition));
  }

  /** The token the client uses: its policy and role links, identities and auth method. */
  async tokenSelf(): Promise<AclToken | undefined> {
    return withSecret(await this.call<AclToken>('GET', '/v1/acl/token/self'));
  }

  /** Another token's details, read with that token itself (any token may read itself). */
  async tokenSelfOf(token: string): Promise<AclToken | undefined> {
    registerSecret(token);
    return new ConsulClient(this.transport, token, this.defaultPartition).tokenSelf();
  }

  /** A token by accessor ID (needs acl:read), or undefined when it does not exist. */
  async readToken(accessorId: string): Promise<AclToken | undefined> {
    const path = this.partition(`/v1/acl/token/${encodeURIComponent(accessorId)}`);
    return withSecret(await this.call<AclToken>('GET', path, undefined, true));
  }

  /** Replaces a token's links and fields with `token` as given (needs acl:write). */
  async updateToken(token: AclToken): Promise<void> {
    registerSecret(token.SecretID);
    await this.call('PUT', this.partition(`/v1/acl/token/${encodeURIComponent(token.AccessorID)}`), token);
  }

  /** One ACL role, or undefined when it does not exist. */
  readRole(id: string): Promise<AclRole | undefined> {
    return this.call('GET', this.partition(`/v1/acl/role/${encodeURIComponent(id)}`), undefined, true);
  }

  /** One ACL role by name, or undefined when it does not exist. */
  readRoleByName(name: string): Promise<AclRole | undefined> {
    return this.call('GET', this.partition(`/v1/acl/role/name/${encodeURIComponent(name)}`), undefined, true);
  }

  /** Replaces a role with `role` as given: send back the whole role read, or its other links are lost. */
  async updateRole(role: AclRole): Promise<void> {
    await this.call('PUT', this.partition(`/v1/acl/role/${encodeURIComponent(role.ID)}`), role);
  }

  /** One ACL policy with its rules, or undefined when it does not exist. */
  readPolicy(id: string): Promise<AclPolicy | undefined> {
    return this.call('GET', this.partition(`/v1/acl/policy/${encodeURIComponent(id)}`), undefined, true);
  }

  /** One ACL policy by name, or undefined when it does not exist. */
  readPolicyByName(name: string): Promise<AclPolicy | undefined> {
    return this.call(
      'GET',
      this.partition(`/v1/acl/policy/name/${encodeURIComponent(name)}`),
      undefined,
      true,
    );
  }

  /** Creates a policy and returns it with the ID Consul gave it (needs acl:write). */
  async createPolicy(policy: NewAclPolicy): Promise<AclPolicy> {
    const created = await this.call<AclPolicy>('PUT', this.partition('/v1/acl/policy'), policy);
    if (created?.ID === undefined) throw new ConsulError(500, 'consul returned no policy');
    return created;
  }

  /**
   * Replaces a policy with `policy` as given (needs acl:write): Consul resets every field left
   * out, so send back the whole policy read (Description, Datacenters) with the new rules.
   */
  async updatePolicy(policy: AclPolicy): Promise<void> {
    await this.call('PUT', this.partition(`/v1/acl/policy/${encodeURIComponent(policy.ID)}`), policy);
  }
}
