/**
 * A real smart-HTTP Git server for tests and the demo: a node:http CGI bridge that runs the Debian
 * `git http-backend` once per request. It records every request so tests can prove, for example,
 * that a poll with no new commit downloads no pack.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const DEFAULT_BACKEND = '/usr/lib/git-core/git-http-backend';

/** What a recorded request did: ref discovery, a v2 ref listing, or a pack download (fetch). */
export type GitRequestKind = 'discovery' | 'ls-refs' | 'fetch' | 'other';

/** One request as the server saw it. */
export interface GitRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly kind: GitRequestKind;
  readonly status: number;
  readonly authorized: boolean;
}

/** Credentials the server demands; without them it answers 401 like GitHub and GitLab do. */
export interface GitServerAuth {
  readonly username?: string;
  /** The password, or a check for expiring ones (GitHub App installation tokens). */
  readonly password: string | ((password: string) => boolean);
}

/** Options for `startGitHttpServer`. */
export interface GitHttpServerOptions {
  /** Directory holding the served repositories (`<root>/<name>.git`). */
  readonly projectRoot: string;
  readonly auth?: GitServerAuth;
  readonly backendPath?: string;
}

/** A running server; `stalled` makes it accept requests and never answer (for timeout tests). */
export interface GitHttpServer {
  readonly url: string;
  readonly requests: GitRequestRecord[];
  stalled: boolean;
  repoUrl(name: string): string;
  packFetches(): number;
  stop(): Promise<void>;
}

function classify(method: string, path: string, body: Buffer): GitRequestKind {
  if (method === 'GET' && path.endsWith('/info/refs')) return 'discovery';
  if (method !== 'POST' || !path.endsWith('/git-upload-pack')) return 'other';
  // Protocol v2 names its command; v1 upload-pack requests start with `want` lines.
  const text = body.subarray(0, 256).toString('latin1');
  if (text.includes('command=ls-refs')) return 'ls-refs';
  if (text.includes('command=fetch') || /^[0-9a-f]{4}want /.test(text)) return 'fetch';
  return 'other';
}

function isAuthorized(req: IncomingMessage, auth: GitServerAuth | undefined): boolean {
  if (auth === undefined) return true;
  const header = req.headers.authorization ?? '';
  const accepts = (p: string) => (typeof auth.password === 'string' ? p === auth.password : auth.password(p));
  if (header.startsWith('Bearer ') && accepts(header.slice(7))) return true;
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  return accepts(pass) && (auth.username === undefined || auth.username === user);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function splitCgiOutput(out: Buffer): { status: number; headers: Array<[string, string]>; body: Buffer } {
  let end = out.indexOf('\r\n\r\n');
  let sep = 4;
  if (end < 0) {
    end = out.indexOf('\n\n');
    sep = 2;
  }
  if (end < 0) return { status: 502, headers: [], body: out };
  let status = 200;
  const headers: Array<[string, string]> = [];
  for (const line of out.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { status, headers, body: out.subarray(end + sep) };
}

async function runBackend(backend: string, env: NodeJS.ProcessEnv, input: Buffer): Promise<Buffer> {
  const child = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.resume();
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  await once(child, 'close');
  return Buffer.concat(chunks);
}

function cgiEnv(req: IncomingMessage, root: string, authorized: boolean, user: string): NodeJS.ProcessEnv {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: root,
  };
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') {
    env.GIT_PROTOCOL = protocol;
    env.HTTP_GIT_PROTOCOL = protocol;
  }
  const encoding = req.headers['content-encoding'];
  if (typeof encoding === 'string') env.HTTP_CONTENT_ENCODING = encoding;
  if (authorized) env.REMOTE_USER = user;
  return env;
}

/** Starts the CGI bridge on a free loopback port. */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const backend = options.backendPath ?? DEFAULT_BACKEND;
  const requests: GitRequestRecord[] = [];
  const state = { stalled: false };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    if (state.stalled) return; // never answer; the client's timeout must fire
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const kind = classify(method, path, body);
    const authorized = isAuthorized(req, options.auth);
    if (!authorized) {
      requests.push({ method, path, kind, status: 401, authorized });
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    const env = cgiEnv(req, options.projectRoot, authorized, options.auth?.username ?? 'git');
    const { status, headers, body: out } = splitCgiOutput(await runBackend(backend, env, body));
    requests.push({ method, path, kind, status, authorized });
    res.statusCode = status;
    for (const [name, value] of headers) res.setHeader(name, value);
    res.end(out);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    requests,
    get stalled() {
      return state.stalled;
    },
    set stalled(value: boolean) {
      state.stalled = value;
    },
    repoUrl: (name) => `${url}/${name}.git`,
    packFetches: () => requests.filter((r) => r.kind === 'fetch').length,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
