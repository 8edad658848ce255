/**
 * The simulated server's HTTP listener: routes by method and path, Consul's plain-text errors and
 * JSON replies with X-Consul-Index, ACL token lookup (X-Consul-Token, Bearer, ?token=), partition
 * rules per edition, blocking queries, and injected latency.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redact } from '../../../../src/secrets/redact.ts';
import { type Authorizer, allowAll } from '../acl/acl-authorizer.ts';
import type { AclStore } from '../acl/acl-store.ts';
import { ConsulHttpError, toHttpError } from '../consul-http-error.ts';
import type { ConsulStore } from '../consul-store.ts';
import type { Reply, Route, RouteRequest } from './route.ts';

/** What the listener needs besides its routes. */
export interface HttpServerContext {
  readonly store: ConsulStore;
  readonly acl: AclStore | undefined;
  readonly enterprise: boolean;
  readonly partitions: ReadonlySet<string>;
  latencyMs(): number;
}

const MAX_BODY = 4 * 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ConsulHttpError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message may quote a token from the body: say only what failed.
    throw new ConsulHttpError(400, 'Body decoding failed: invalid JSON');
  }
}

function tokenOf(req: IncomingMessage, url: URL): string {
  const header = req.headers['x-consul-token'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  return url.searchParams.get('token') ?? '';
}

function resolvePartition(ctx: HttpServerContext, req: IncomingMessage, url: URL, fromBody: unknown): string {
  const query = url.searchParams.get('partition') ?? '';
  const header =
    typeof req.headers['x-consul-partition'] === 'string' ? req.headers['x-consul-partition'] : '';
  const body = typeof fromBody === 'string' ? fromBody : '';
  if (!ctx.enterprise) {
    const reason = 'Partitions are a Consul Enterprise feature';
    if (header !== '') throw new ConsulHttpError(400, `Invalid header: "X-Consul-Partition" - ${reason}`);
    if (query !== '') throw new ConsulHttpError(400, `Invalid query parameter: "partition" - ${reason}`);
    if (body !== '' && body.toLowerCase() !== 'default') throw new ConsulHttpError(500, reason);
    return 'default';
  }
  const partition = body || query || header || 'default';
  if (!ctx.partitions.has(partition))
    throw new ConsulHttpError(500, `Partition "${partition}" does not exist`);
  return partition;
}

function waitMs(url: URL): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(url.searchParams.get('wait') ?? '');
  if (match === null) return 300_000;
  const factor = match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1_000;
  return Math.min(Number(match[1]) * factor, 600_000);
}

function routeRequest(
  ctx: HttpServerContext,
  req: IncomingMessage,
  url: URL,
  params: string[],
): RouteRequest {
  let authz: Authorizer | undefined;
  return {
    method: req.method ?? 'GET',
    url,
    params,
    raw: req,
    body: () => readJson(req),
    partition: (fromBody) => resolvePartition(ctx, req, url, fromBody),
    authz() {
      authz ??= ctx.acl === undefined ? allowAll : ctx.acl.authorizer(tokenOf(req, url));
      return authz;
    },
    block: (table) => {
      const index = Number(url.searchParams.get('index') ?? '0');
      return index > 0 ? ctx.store.waitForChange(table, index, waitMs(url)) : Promise.resolve();
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.index !== undefined) {
    headers['x-consul-index'] = String(reply.index);
    headers['x-consul-knownleader'] = 'true';
    headers['x-consul-lastcontact'] = '0';
  }
  let body = '';
  if (reply.text !== undefined) {
    headers['content-type'] = 'text/plain; charset=utf-8';
    body = reply.text;
  } else if (reply.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(reply.json);
  }
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

async function dispatch(
  ctx: HttpServerContext,
  routes: readonly Route[],
  req: IncomingMessage,
): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://consul.local');
  const matching = routes
    .map((route) => ({ route, match: route.path.exec(url.pathname) }))
    .filter((m): m is { route: Route; match: RegExpExecArray } => m.match !== null);
  if (matching.length === 0) return { status: 404, text: '404 page not found\n' };
  const chosen = matching.find((m) => m.route.method === req.method);
  if (chosen === undefined) {
    return { status: 405, text: `method ${req.method} not allowed` };
  }
  const params = chosen.match.slice(1).map((p) => decodeURIComponent(p ?? ''));
  return chosen.route.handle(routeRequest(ctx, req, url, params));
}

/** A started listener. */
export interface ConsulHttpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** The request handler both the HTTP and the HTTPS listener serve. */
export function apiRequestListener(
  ctx: HttpServerContext,
  routes: readonly Route[],
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const latency = ctx.latencyMs();
    const run = async (): Promise<void> => {
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      let reply: Reply;
      try {
        reply = await dispatch(ctx, routes, req);
      } catch (error) {
        const failure = toHttpError(error);
        if (failure.status === 500 && !(error instanceof ConsulHttpError) && error instanceof Error) {
          console.error(redact(`consul-sim: ${req.method} ${req.url?.split('?')[0]}: ${error.message}`));
        }
        reply = { status: failure.status, text: failure.message };
      }
      if (!res.writableEnded) send(res, reply);
    };
    void run();
  };
}

/** Starts the plain HTTP listener on `host:port` (0 for any free port). */
export function startHttpServer(
  ctx: HttpServerContext,
  routes: readonly Route[],
  host: string,
  port: number,
): Promise<ConsulHttpListener> {
  const server: Server = createServer(apiRequestListener(ctx, routes));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
