/**
 * A tiny stand-in for Consul's HTTP API, enough to unit-test the simulated consul-k8s controllers:
 * peering token/establish/read/delete with single-use establishment secrets (shared between fakes
 * through a registry), config entries, an optional required ACL token, and a request log.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Establishment secrets issued by every fake, and whether they were used. */
export class TokenRegistry {
  readonly secrets = new Map<string, boolean>();
}

/** One request the fake received. */
export interface FakeRequest {
  method: string;
  path: string;
  partition?: string;
  token?: string;
  body?: unknown;
}

type Answer = [number, unknown];

interface Peering {
  Name: string;
  State: string;
  Partition?: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A running fake Consul. */
export class FakeConsul {
  readonly requests: FakeRequest[] = [];
  readonly peerings = new Map<string, Peering>();
  readonly entries = new Map<string, Record<string, unknown>>();
  /** When set, config-entry writes are refused with 403 and this text (a token without `mesh:write`). */
  refuseConfigWrites: string | undefined;
  private server: Server | undefined;

  constructor(
    readonly registry = new TokenRegistry(),
    readonly requiredToken?: string,
  ) {}

  /** Starts listening on loopback. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  /** The base URL. */
  get url(): string {
    const address = this.server?.address();
    return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }

  /** Requests matching a method and path prefix. */
  calls(method: string, prefix: string): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(prefix));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await readBody(req);
    const body = raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>);
    const token = req.headers['x-consul-token'] as string | undefined;
    const partition = url.searchParams.get('partition') ?? undefined;
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      ...(partition !== undefined && { partition }),
      ...(token !== undefined && { token }),
      ...(body !== undefined && { body }),
    });
    const [status, payload] = this.answer(req.method ?? '', url.pathname, partition, token, body);
    res.writeHead(status, {
      'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json',
    });
    res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  private answer(
    method: string,
    pathname: string,
    partition: string | undefined,
    token: string | undefined,
    body: Record<string, unknown> | undefined,
  ): Answer {
    if (this.requiredToken !== undefined && token !== this.requiredToken) return [403, 'ACL not found'];
    const [, , area, ...rest] = pathname.split('/');
    if (area === 'peering' || area === 'peerings') return this.peering(method, rest, partition, body);
    if (area === 'config')
      return this.config(method, `${partition ?? 'default'}/${rest.join('/')}`, body, partition);
    return [404, 'not found'];
  }

  private peering(
    method: string,
    rest: string[],
    partition: string | undefined,
    body?: Record<string, unknown>,
  ): Answer {
    const name = String(body?.PeerName ?? rest[0] ?? '');
    const key = `${partition ?? 'default'}/${name}`;
    if (method === 'POST' && rest[0] === 'token') {
      const secret = randomUUID();
      this.registry.secrets.set(secret, false);
      if (!this.peerings.has(key)) this.peerings.set(key, { Name: name, State: 'PENDING' });
      return [200, { PeeringToken: Buffer.from(JSON.stringify({ secret })).toString('base64') }];
    }
    if (method === 'POST' && rest[0] === 'establish')
      return this.establish(key, name, String(body?.PeeringToken ?? ''));
    const found = this.peerings.get(key);
    if (method === 'GET')
      return found === undefined ? [404, `Peering not found for "${name}"`] : [200, found];
    if (method === 'DELETE') {
      this.peerings.delete(key);
      return [200, ''];
    }
    return [405, 'method not allowed'];
  }

  private establish(key: string, name: string, token: string): Answer {
    if (token === '') return [400, 'PeeringToken is required in the payload when establishing a peering.'];
    const { secret } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { secret: string };
    if (this.registry.secrets.get(secret) !== false)
      return [403, 'a new peering token must be generated: invalid peering establishment secret'];
    this.registry.secrets.set(secret, true);
    this.peerings.set(key, { Name: name, State: 'ACTIVE' });
    return [200, {}];
  }

  private config(
    method: string,
    key: string,
    body: Record<string, unknown> | undefined,
    partition?: string,
  ): Answer {
    if (method === 'PUT' && this.refuseConfigWrites !== undefined) return [403, this.refuseConfigWrites];
    if (method === 'PUT' && body !== undefined) {
      const k = `${partition ?? 'default'}/${String(body.Kind)}/${String(body.Name)}`;
      this.entries.set(k, { ...body, CreateIndex: 1, ModifyIndex: 2 });
      return [200, true];
    }
    const found = this.entries.get(key);
    if (method === 'GET')
      return found === undefined ? [404, `Config entry not found for "${key}"`] : [200, found];
    if (method === 'DELETE') {
      this.entries.delete(key);
      return [200, true];
    }
    return [405, 'method not allowed'];
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
