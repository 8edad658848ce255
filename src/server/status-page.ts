/**
 * The status page: a static HTML shell, a stylesheet and browser modules from ./page/ (read once at
 * startup, no build step, nothing from other origins). The modules fetch `/api/status` and
 * `/api/runs` with the page's own credentials and draw everything with DOM text nodes, so the CSP
 * forbids every inline script and style.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Scripts and styles only from the page's own origin; data only from its own API; the one form (sign out) posts to it. */
export const STATUS_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** One file of the page, ready to send. */
export interface PageAsset {
  readonly type: string;
  readonly body: string;
  readonly etag: string;
}

const PAGE_DIR = new URL('./page/', import.meta.url);
let loaded: Promise<ReadonlyMap<string, PageAsset>> | undefined;

/** Reads the page's files (`index.html`, `*.js`, `*.css`, `*.svg`; not the `.d.ts` type files) from `dir`. */
export async function loadPageAssets(dir: URL = PAGE_DIR): Promise<ReadonlyMap<string, PageAsset>> {
  const names = (await readdir(dir)).filter((n) => !n.endsWith('.d.ts') && TYPES[extname(n)] !== undefined);
  const assets = new Map<string, PageAsset>();
  for (const name of names.sort()) {
    const body = await readFile(new URL(name, dir), 'utf8');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { type: TYPES[extname(name)] ?? 'application/octet-stream', body, etag });
  }
  if (!assets.has('index.html')) throw new Error(`the status page has no index.html in ${dir.pathname}`);
  return assets;
}

function send(asset: PageAsset, ifNoneMatch: string | undefined, reply: FastifyReply): FastifyReply {
  reply
    .header('content-security-policy', STATUS_PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    // Revalidated on every load (cheap with the ETag), so an upgrade never mixes old and new modules.
    .header('cache-control', 'no-cache')
    .header('etag', asset.etag);
  if (ifNoneMatch === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

/**
 * Registers `GET /` (the shell) and `GET /page/:file` (its scripts and stylesheet) on `app`.
 * The files are read at the first registration and kept for the life of the process.
 */
export async function statusPageRoutes(app: FastifyInstance): Promise<void> {
  loaded ??= loadPageAssets();
  const assets = await loaded;
  app.get('/', async (req, reply) => {
    const index = assets.get('index.html');
    if (index === undefined) return reply.code(404).send({ error: 'no status page' });
    return send(index, req.headers['if-none-match'], reply);
  });
  app.get('/page/:file', async (req, reply) => {
    const asset = assets.get((req.params as { file: string }).file);
    if (asset === undefined) return reply.code(404).send({ error: 'no such file' });
    return send(asset, req.headers['if-none-match'], reply);
  });
}
