import { readdir, readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSummary, type StatusSnapshot } from '../../src/gitops/status-snapshot.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { registerSecret } from '../../src/secrets/redact.ts';
import { createServer, type ServerOptions } from '../../src/server/create-server.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { STATUS_PAGE_CSP } from '../../src/server/status-page.ts';
import { parseRunListQuery } from '../../src/server/status-page-api.ts';
import { createMemoryDeliveryLog } from '../../src/server/webhooks/delivery-log.ts';

const LEAK = 'ghp_statusRoutesLeak0123456789';
const PAGE_DIR = new URL('../../src/server/page/', import.meta.url);

const record = (id: string, trigger: RunRecord['trigger'], failure?: string): RunRecord => ({
  id,
  target: 'acme/mesh@main',
  revision: 'a'.repeat(40),
  trigger,
  status: failure === undefined ? 'succeeded' : 'failed',
  startedAt: '2026-01-01T00:00:00.000Z',
  passes: 1,
  steps: [],
  ...(failure !== undefined && { failure }),
});

const records = [
  record('run-4', { kind: 'drift', reasons: ['peering gone'] }),
  record('run-3', { kind: 'poll' }, `token ${LEAK} refused`),
  record('run-2', { kind: 'drift', reasons: ['export missing'] }),
  record('run-1', { kind: 'cli' }),
];

const snapshot: StatusSnapshot = {
  generatedAt: '2026-01-01T00:00:00.000Z',
  target: 'acme/mesh@main',
  tracked: [],
  runs: records.map(runSummary),
  peerings: [],
  reconcile: { intervalMs: 0, selfHeal: false },
};

function server(overrides: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  return createServer({
    webhooks: { secrets: {}, targets: [], deliveries: createMemoryDeliveryLog(), enqueue: async () => {} },
    metrics: createMetrics({ targets: [], peerings: async () => [] }),
    readiness: async () => ({ ready: true, checks: {} }),
    status: async () => snapshot,
    run: async (id) => records.find((r) => r.id === id),
    ...overrides,
  });
}

describe('the status page files', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await server();
  });
  afterAll(() => app.close());

  it('serves a small shell under a CSP that allows no inline script or style and nothing from elsewhere', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['content-security-policy']).toBe(STATUS_PAGE_CSP);
    expect(STATUS_PAGE_CSP).not.toContain('unsafe');
    expect(STATUS_PAGE_CSP).toContain("script-src 'self'");
    expect(res.body).toContain('<script type="module" src="page/app.js"></script>');
    expect(res.body).not.toMatch(/<script>|<script type="module">|<style|\sstyle=|\son[a-z]+=/);
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves every module the page imports, with its type, and revalidates with an etag', async () => {
    const seen = new Set<string>();
    const queue = ['app.js', 'status.css', 'favicon.svg'];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const res = await app.inject(`/page/${name}`);
      expect(res.statusCode, name).toBe(200);
      expect(res.headers['content-type']).toMatch(
        name.endsWith('.js') ? /^text\/javascript/ : /^(text\/css|image\/svg)/,
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      for (const m of res.body.matchAll(/from '\.\/([a-z-]+\.js)'/g)) queue.push(m[1] as string);
      const again = await app.inject({
        url: `/page/${name}`,
        headers: { 'if-none-match': String(res.headers.etag) },
      });
      expect(again.statusCode).toBe(304);
    }
    expect(seen.size).toBeGreaterThan(8);
  });

  it('serves nothing but the page files', async () => {
    for (const path of [
      '/page/nope.js',
      '/page/format.d.ts',
      '/page/..%2Fstatus-page.ts',
      '/page/%2e%2e%2fcreate-server.ts',
    ]) {
      expect((await app.inject(path)).statusCode, path).toBe(404);
    }
  });

  it('inserts data only as text: no innerHTML, no document.write, no eval in the page scripts', async () => {
    const names = (await readdir(PAGE_DIR)).filter((n) => n.endsWith('.js'));
    for (const name of names) {
      const code = await readFile(new URL(name, PAGE_DIR), 'utf8');
      expect(code, name).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/,
      );
    }
  });

  it('fetches the API with the page credentials and sends signed-out readers to /login', async () => {
    const api = await readFile(new URL('api.js', PAGE_DIR), 'utf8');
    expect(api).toContain("credentials: 'same-origin'");
    const app = await readFile(new URL('app.js', PAGE_DIR), 'utf8');
    expect(app).toContain('/login?next=');
  });
});

describe('GET /api/runs', () => {
  let app: FastifyInstance;
  const asked: unknown[] = [];
  beforeAll(async () => {
    registerSecret(LEAK);
    app = await server({
      runs: async (options) => {
        asked.push(options);
        return records
          .filter((r) => options.trigger === undefined || r.trigger.kind === options.trigger)
          .slice(0, options.limit)
          .map(runSummary);
      },
    });
  });
  afterAll(() => app.close());

  it('lists runs newest first through the run store, filtered by trigger, redacted', async () => {
    const all = await app.inject('/api/runs');
    expect(all.json().map((r: { id: string }) => r.id)).toEqual(['run-4', 'run-3', 'run-2', 'run-1']);
    expect(all.body).not.toContain(LEAK);
    const drift = await app.inject('/api/runs?trigger=drift&limit=1');
    expect(drift.json()).toEqual([
      expect.objectContaining({ id: 'run-4', trigger: expect.objectContaining({ kind: 'drift' }) }),
    ]);
    expect(asked).toEqual([{ limit: 20 }, { limit: 1, trigger: 'drift' }]);
  });

  it('answers 400 with what is allowed for a bad trigger or limit', async () => {
    const trigger = await app.inject('/api/runs?trigger=cron');
    expect(trigger.statusCode).toBe(400);
    expect(trigger.json().error).toBe(
      'trigger must be one of cli, poll, webhook, pull-request, sync, drift, retry',
    );
    for (const limit of ['0', '101', '-1', 'ten', '2.5']) {
      const res = await app.inject(`/api/runs?limit=${limit}`);
      expect(res.statusCode, limit).toBe(400);
      expect(res.json().error).toBe('limit must be a whole number from 1 to 100');
    }
  });

  it('filters the runs of the status snapshot when no run store lists runs', async () => {
    const fallback = await server();
    try {
      const res = await fallback.inject('/api/runs?trigger=drift');
      expect(res.json().map((r: { id: string }) => r.id)).toEqual(['run-4', 'run-2']);
      expect((await fallback.inject('/api/runs?trigger=retry')).json()).toEqual([]);
    } finally {
      await fallback.close();
    }
  });

  it('parses queries without a server', () => {
    expect(parseRunListQuery({})).toEqual({ options: { limit: 20 } });
    expect(parseRunListQuery({ limit: '100', trigger: 'retry' })).toEqual({
      options: { limit: 100, trigger: 'retry' },
    });
    expect(parseRunListQuery({ trigger: '' })).toEqual({ options: { limit: 20 } });
    expect(parseRunListQuery({ limit: ['1', '2'] })).toHaveProperty('error');
  });

  it('answers API failures with one generic line and keeps the reason for the log', async () => {
    const lines: string[] = [];
    const broken = await server({
      status: async () => {
        throw new Error(`redis down (${LEAK})`);
      },
      log: (line) => lines.push(line),
    });
    try {
      const res = await broken.inject('/api/status');
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: 'internal error; see the server log' });
      expect(lines).toEqual([expect.stringContaining('redis down')]);
    } finally {
      await broken.close();
    }
  });
});
