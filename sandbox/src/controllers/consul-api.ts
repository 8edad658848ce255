/**
 * The slice of Consul's HTTP API the simulated consul-k8s controllers call, with the injector's
 * ACL token, over HTTPS with the cluster's CA when the API runs on TLS (the chart mounts
 * `<fullname>-ca-cert` into the connect-injector). Failures read like the Go client's
 * (`Unexpected response code: 403 (...)`) because consul-k8s copies those texts into the Synced
 * condition's message.
 */
import { directTransport } from '../../../src/consul/consul-transport.ts';

/** A failed call, with the Go client's error text as message; status 0: Consul unreachable. */
export class ConsulApiError extends Error {
  override readonly name = 'ConsulApiError';
  constructor(
    readonly status: number,
    readonly body: string,
    message: string,
  ) {
    super(message);
  }
}

/** A Consul config entry as the HTTP API carries it. */
export type ConfigEntry = Record<string, unknown> & {
  Kind: string;
  Name: string;
  Meta?: Record<string, string>;
};

/** What the controllers need of a peering read. */
export interface PeeringRead {
  readonly Name: string;
  readonly State: string;
  readonly DeletedAt?: string;
}

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** Transport settings of a ConsulApi. */
export interface ConsulApiOptions {
  readonly timeoutMs?: number;
  /** PEM of the CA that signed the HTTPS API's certificate. */
  readonly ca?: string;
}

/** Consul's HTTP API for one cluster, as the connect-injector's client sees it. */
export class ConsulApi {
  constructor(
    /** The API URL (`apiUrl`), resolved per call: a restarted server may listen elsewhere. */
    private readonly url: () => string,
    private readonly token?: string,
    private readonly options: ConsulApiOptions = {},
  ) {}

  private async call(
    method: Method,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: string }> {
    const base = this.url();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token !== undefined) headers['x-consul-token'] = this.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const { timeoutMs = 10_000, ca } = this.options;
      return await directTransport(base, { timeoutMs, ...(ca !== undefined && { ca }) }).send(
        method,
        path,
        headers,
        body === undefined ? undefined : JSON.stringify(body),
      );
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      const verb = method.charAt(0) + method.slice(1).toLowerCase();
      const host = new URL(base).host;
      const why = code === 'ECONNREFUSED' ? 'connect: connection refused' : code;
      throw new ConsulApiError(0, '', `${verb} "${new URL(path, base).href}": dial tcp ${host}: ${why}`);
    }
  }

  private async ok(method: Method, path: string, body?: unknown): Promise<string> {
    const res = await this.call(method, path, body);
    if (res.status === 200) return res.body;
    throw new ConsulApiError(
      res.status,
      res.body,
      `Unexpected response code: ${res.status} (${res.body.trim()})`,
    );
  }

  /** `POST /v1/peering/token`: a new token (with a new establishment secret) for `peerName`. */
  async generateToken(peerName: string, partition?: string): Promise<string> {
    const body = await this.ok('POST', `/v1/peering/token${query(partition)}`, { PeerName: peerName });
    return String((JSON.parse(body) as { PeeringToken?: string }).PeeringToken ?? '');
  }

  /** `POST /v1/peering/establish`. */
  async establish(peerName: string, token: string, partition?: string): Promise<void> {
    await this.ok('POST', `/v1/peering/establish${query(partition)}`, {
      PeerName: peerName,
      PeeringToken: token,
    });
  }

  /** `GET /v1/peering/:name`; undefined on 404, as the Go client returns nil. */
  async readPeering(peerName: string, partition?: string): Promise<PeeringRead | undefined> {
    const res = await this.call('GET', `/v1/peering/${encodeURIComponent(peerName)}${query(partition)}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200)
      throw new ConsulApiError(
        res.status,
        res.body,
        `Unexpected response code: ${res.status} (${res.body.trim()})`,
      );
    return JSON.parse(res.body) as PeeringRead;
  }

  /** `DELETE /v1/peering/:name` (200 also when absent). */
  async deletePeering(peerName: string, partition?: string): Promise<void> {
    await this.ok('DELETE', `/v1/peering/${encodeURIComponent(peerName)}${query(partition)}`);
  }

  /** `GET /v1/config/:kind/:name`; undefined on 404. */
  async readConfigEntry(kind: string, name: string, partition?: string): Promise<ConfigEntry | undefined> {
    const res = await this.call('GET', `/v1/config/${kind}/${encodeURIComponent(name)}${query(partition)}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200)
      throw new ConsulApiError(
        res.status,
        res.body,
        `Unexpected response code: ${res.status} (${res.body.trim()})`,
      );
    return JSON.parse(res.body) as ConfigEntry;
  }

  /** `PUT /v1/config`: creates or replaces an entry. */
  async writeConfigEntry(entry: ConfigEntry, partition?: string): Promise<void> {
    const body = await this.ok('PUT', `/v1/config${query(partition)}`, entry);
    if (body.trim() === 'false') throw new ConsulApiError(200, body, 'config entry write was not applied');
  }

  /** `DELETE /v1/config/:kind/:name`. */
  async deleteConfigEntry(kind: string, name: string, partition?: string): Promise<void> {
    await this.ok('DELETE', `/v1/config/${kind}/${encodeURIComponent(name)}${query(partition)}`);
  }
}

function query(partition: string | undefined): string {
  return partition === undefined ? '' : `?partition=${encodeURIComponent(partition)}`;
}
