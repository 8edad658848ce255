/**
 * `npm run bench:abuse`: GitHub webhook deliveries against the serve app's fastify instance on
 * loopback, with the real Redis delivery log and the real run request path (requestSync → runs
 * queue). Phases: signed unique pushes alone, then bad signatures, oversized bodies and replays,
 * then everything mixed. Reports req/s, p50/p99, status codes, run requests made (replays and bad
 * signatures must make none) and memory before and after. A small keep-alive client of our own
 * (node:http) drives it, so every request can carry its own delivery id and signature.
 *
 *   npm run bench:abuse -- --requests 20000 --connections 32
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { Cluster } from 'ioredis';
import { startLocalRedis } from '../sandbox/src/local-redis.ts';
import { RevisionStore } from '../src/gitops/revision-store.ts';
import { requestSync } from '../src/gitops/sync-request.ts';
import { openQueues, type Queues } from '../src/run/queues.ts';
import { createServer } from '../src/server/create-server.ts';
import { createMetrics } from '../src/server/metrics.ts';
import { createRedisDeliveryLog } from '../src/server/webhooks/redis-delivery-log.ts';
import { machine, median, percentile } from './stats.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '32' },
  },
});
const TOTAL = Number(values.requests);
const CONNECTIONS = Number(values.connections);
const SECRET = 'abuse-bench-hook-secret';
const repo = {
  target: 'acme/mesh@main',
  url: 'http://127.0.0.1:1/acme/mesh.git',
  branch: 'main',
  path: 'peerings.yaml',
  provider: 'github' as const,
  repo: 'acme/mesh',
};

type Kind = 'signed' | 'bad-signature' | 'unsigned' | 'oversized' | 'replay';
interface Delivery {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

const sign = (body: Buffer, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const pushBody = () =>
  Buffer.from(
    JSON.stringify({
      ref: 'refs/heads/main',
      after: randomUUID().replace(/-/g, '').padEnd(40, '0'),
      repository: { full_name: 'acme/mesh' },
    }),
  );
const OVERSIZED = Buffer.alloc(1024 * 1024 + 1, 0x20);
const REPLAYED = (() => {
  const body = pushBody();
  return { body, headers: { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'replayed-delivery' } };
})();

/** One delivery of a kind; every signed one gets a fresh delivery id and commit. */
function delivery(kind: Kind): Delivery {
  if (kind === 'replay') return REPLAYED;
  if (kind === 'oversized')
    return {
      body: OVERSIZED,
      headers: { 'x-hub-signature-256': sign(OVERSIZED), 'x-github-delivery': randomUUID() },
    };
  const body = pushBody();
  const headers: Record<string, string> = { 'x-github-delivery': randomUUID() };
  if (kind === 'signed') headers['x-hub-signature-256'] = sign(body);
  if (kind === 'bad-signature') headers['x-hub-signature-256'] = sign(body, 'not-the-secret');
  return { body, headers };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function send(port: number, d: Delivery): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/webhooks/github', agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.setHeader('content-type', 'application/json');
    req.setHeader('x-github-event', 'push');
    req.setHeader('content-length', d.body.length);
    for (const [k, v] of Object.entries(d.headers)) req.setHeader(k, v);
    req.end(d.body);
  });
}

interface PhaseResult {
  readonly name: string;
  readonly requests: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly statuses: Map<number, number>;
  readonly runRequests: number;
}

/** Sends `count` deliveries over CONNECTIONS concurrent loops; `pick` chooses each one's kind. */
async function phase(
  name: string,
  port: number,
  count: number,
  pick: (i: number) => Kind,
  runs: () => number,
) {
  const before = runs();
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  const loop = async () => {
    while (next < count) {
      const i = next++;
      // A closed connection (413 makes the server drop the rest of a big body) is an answer, not a bench error.
      const r = await send(port, delivery(pick(i))).catch(() => ({ status: 0, ms: 0 }));
      latencies.push(r.ms);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const seconds = (performance.now() - started) / 1000;
  return {
    name,
    requests: count,
    seconds,
    latencies,
    statuses,
    runRequests: runs() - before,
  } satisfies PhaseResult;
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function row(r: PhaseResult): string {
  const codes = [...r.statuses]
    .sort(([a], [b]) => a - b)
    .map(([c, n]) => `${c}×${n}`)
    .join(' ');
  const rps = Math.round(r.requests / r.seconds);
  return `| ${r.name} | ${r.requests} | ${rps} | ${median(r.latencies).toFixed(1)} | ${percentile(r.latencies, 99).toFixed(1)} | ${codes} | ${r.runRequests} |`;
}

/** The serve app on loopback with the real delivery log and run request path; counts run requests. */
async function startApp(queues: Queues, prefix: string) {
  const sync = { redis: queues.redis, runs: queues.runs, revisions: new RevisionStore(queues.redis, prefix) };
  const counter = { runRequests: 0 };
  const app = await createServer({
    webhooks: {
      secrets: { github: [SECRET] },
      targets: [{ repo: 'acme/mesh', branch: 'main' }],
      deliveries: createRedisDeliveryLog(queues.redis, { prefix: `${prefix}:webhook-delivery:` }),
      enqueue: async (event) => {
        if (event.kind !== 'sync') return;
        const trigger = { kind: 'webhook', provider: 'github', deliveryId: event.deliveryId } as const;
        await requestSync(sync, repo, event.sha, trigger);
        counter.runRequests++;
      },
    },
    metrics: createMetrics({ targets: [], peerings: async () => [] }),
    readiness: async () => ({ ready: true, checks: {} }),
    status: async () => ({
      generatedAt: new Date().toISOString(),
      target: 'acme/mesh@main',
      tracked: [],
      runs: [],
      peerings: [],
      reconcile: { intervalMs: 0, selfHeal: false },
    }),
    run: async () => undefined,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, port: (app.server.address() as { port: number }).port, runs: () => counter.runRequests };
}

const MIXED = (i: number): Kind => {
  const r = i % 20;
  return r < 12 ? 'signed' : r < 17 ? 'bad-signature' : r < 19 ? 'replay' : 'oversized';
};

/** Every phase in order, each with its own share of TOTAL. */
async function allPhases(port: number, runs: () => number): Promise<PhaseResult[]> {
  return [
    await phase('signed, unique deliveries', port, TOTAL, () => 'signed', runs),
    await phase('bad signature (wrong secret)', port, Math.round(TOTAL / 2), () => 'bad-signature', runs),
    await phase('unsigned', port, Math.round(TOTAL / 4), () => 'unsigned', runs),
    await phase('replay of one delivery id', port, Math.round(TOTAL / 2), () => 'replay', runs),
    await phase(
      'oversized (1 MiB + 1)',
      port,
      Math.max(50, Math.round(TOTAL / 100)),
      () => 'oversized',
      runs,
    ),
    await phase('mixed: 60% signed, 25% bad, 10% replay, 5% oversized', port, TOTAL, MIXED, runs),
  ];
}

function printReport(
  results: PhaseResult[],
  before: NodeJS.MemoryUsage,
  after: NodeJS.MemoryUsage,
  pending: number,
) {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const gcNote = (globalThis as { gc?: unknown }).gc ? '' : ' unavailable: run node with --expose-gc';
  print(`webhook abuse on ${machine()}, ${CONNECTIONS} connections`);
  print('');
  print('| phase | requests | req/s | p50 ms | p99 ms | status codes | run requests made |');
  print('|---|---:|---:|---:|---:|---|---:|');
  for (const r of results) print(row(r));
  print('');
  print(`| memory (after gc${gcNote}) | before | after | growth |`);
  print('|---|---:|---:|---:|');
  print(`| rss | ${mb(before.rss)} | ${mb(after.rss)} | ${mb(after.rss - before.rss)} |`);
  print(
    `| heap used | ${mb(before.heapUsed)} | ${mb(after.heapUsed)} | ${mb(after.heapUsed - before.heapUsed)} |`,
  );
  print('');
  print(`run jobs pending in the queue (coalesced per target): ${pending}`);
}

async function main() {
  const local = process.env.REDIS_URL ? undefined : await startLocalRedis();
  const redisUrl = process.env.REDIS_URL ?? (local?.url as string);
  const prefix = `abuse-${process.pid}`;
  const queues = await openQueues(redisUrl, prefix);
  const { app, port, runs } = await startApp(queues, prefix);
  await phase('warm-up', port, 2000, () => 'signed', runs);
  gc();
  const before = process.memoryUsage();
  const results = await allPhases(port, runs);
  gc();
  const after = process.memoryUsage();
  const counts = await queues.runs.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  printReport(
    results,
    before,
    after,
    Object.values(counts).reduce((a, b) => a + b, 0),
  );
  await app.close();
  agent.destroy();
  // Leave nothing behind on a shared REDIS_URL: the runs queue and the delivery log of this prefix.
  await queues.runs.obliterate({ force: true });
  const redis = queues.redis;
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis])
    for await (const keys of node.scanStream({ match: `${prefix}:*`, count: 1000 }))
      if ((keys as string[]).length > 0) await node.del(...(keys as string[]));
  await queues.close();
  await local?.stop();
}

await main();
