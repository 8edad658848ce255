/**
 * Commit-to-verified latency of `meshpeer serve` through the webhook, on the sandbox: a real Git
 * repository behind `git http-backend`, the SCM stand-in, Redis, and N simulated clusters. Per
 * sample a fresh sandbox starts with the clusters only (applied once, untimed); then a commit that
 * adds every peering is pushed, and the clock runs from sending the signed push webhook until the
 * run record says succeeded with every peering verified. A steady-state figure (a commit that
 * changes nothing, so the run only re-verifies) is measured on the same service afterwards.
 * Run with `npm run bench:gitops` (BENCH_SAMPLES, default 5; BENCH_CLUSTERS, default "2,10";
 * BENCH_DEBUG=1 prints each run's steps with attempts and durations).
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis } from '../sandbox/src/local-redis.ts';
import { Sandbox } from '../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../sandbox/src/sandbox-config.ts';
import { startServe } from '../src/app/serve-app.ts';
import { clientConnection } from '../src/run/queues.ts';
import { RedisRunStore } from '../src/run/redis-run-store.ts';
import type { RunRecord } from '../src/run/run-record.ts';
import { parseTopology } from '../src/topology/index.ts';
import { startGitHttpServer } from '../test/support/git-http-server.ts';
import { startScmStandIn } from '../test/support/scm-stand-in.ts';
import { benchServeConfig } from './bench-serve-config.ts';
import { machine, median, percentile } from './stats.ts';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const SIZES = (process.env.BENCH_CLUSTERS ?? '2,10').split(',').map(Number);
const TOKEN = 'ghp_benchToken000111222333444555';
const SECRET = 'bench-webhook-secret';
const REPO = 'acme/mesh';

/** Clusters only, or clusters with a ring of peerings (2 clusters: the runbook's one peering). */
function topologyYaml(clusters: number, peered: boolean, note = ''): string {
  const name = (i: number) => `cluster-${String((i % clusters) + 1).padStart(2, '0')}`;
  const lines = [
    'apiVersion: meshpeer.dev/v1alpha1',
    'kind: PeeringTopology',
    'metadata:',
    '  name: bench',
    'clusters:',
  ];
  for (let i = 0; i < clusters; i++) lines.push(`  - name: ${name(i)}`);
  if (peered) {
    lines.push('peerings:');
    const count = clusters === 2 ? 1 : clusters;
    for (let i = 0; i < count; i++) lines.push(`  - acceptor: ${name(i)}`, `    dialer: ${name(i + 1)}`);
  }
  return `${lines.join('\n')}\n${note}`;
}

function gitRepo(root: string) {
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@example.invalid',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@example.invalid',
  };
  const work = join(root, 'work');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env, encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', join(root, 'mesh.git')], { env });
  execFileSync('git', ['init', '-q', '--initial-branch=main', work], { env });
  git('remote', 'add', 'origin', join(root, 'mesh.git'));
  return async (content: string): Promise<string> => {
    await writeFile(join(work, 'peerings.yaml'), content);
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', 'change');
    git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    return git('rev-parse', 'HEAD');
  };
}

async function waitRun(store: RedisRunStore, sha: string): Promise<RunRecord> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const run = (await store.list(20)).find((r) => r.revision === sha && r.status !== 'running');
    if (run !== undefined) return run;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no finished run of ${sha}`);
}

function push(url: string, sha: string, id: string): Promise<Response> {
  const body = JSON.stringify({ ref: 'refs/heads/main', after: sha, repository: { full_name: REPO } });
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return fetch(`${url}/webhooks/github`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': id,
      'x-hub-signature-256': signature,
    },
  });
}

/** One fresh world: returns [commit-to-verified ms for the new peerings, steady-state ms list]. */
async function sample(clusters: number, redisUrl: string, steady: number): Promise<[number, number[]]> {
  const root = await mkdtemp(join(tmpdir(), 'meshpeer-bench-gitops-'));
  const parsed = parseTopology(topologyYaml(clusters, true), 'peerings.yaml');
  if (!parsed.ok) throw new Error('bench topology must be valid');
  const sandbox = await Sandbox.start({
    // Consul's real stream intervals (heartbeat 15 s, timeout 2 min): verification must not wait for them.
    config: sandboxConfigFromTopology(parsed.topology),
    dir: join(root, 'sandbox'),
    persist: false,
  });
  const commit = gitRepo(root);
  const baseSha = await commit(topologyYaml(clusters, false));
  const git = await startGitHttpServer({ projectRoot: root, auth: { password: TOKEN } });
  const api = await startScmStandIn({ githubToken: TOKEN });
  const config = benchServeConfig({
    repoUrl: git.repoUrl('mesh'),
    scmApiUrl: api.url,
    redisUrl,
    root,
    repo: REPO,
    token: TOKEN,
    webhookSecret: SECRET,
    queuePrefix: 'bench',
  });
  // The default retry policy, as `meshpeer serve` runs it.
  const serve = await startServe(config, () => {}, { pollJitterMs: 0 });
  const redis = clientConnection(redisUrl);
  const store = new RedisRunStore(redis, config.queuePrefix);
  try {
    await serve.poller?.pollNow(config.targets[0]?.target ?? '');
    const base = await waitRun(store, baseSha);
    if (base.status !== 'succeeded') throw new Error(`base run failed: ${base.failure}`);
    const timed = async (content: string, id: string): Promise<number> => {
      const sha = await commit(content);
      const started = performance.now();
      await push(serve.url, sha, id);
      const run = await waitRun(store, sha);
      const elapsed = performance.now() - started;
      if (process.env.BENCH_DEBUG)
        console.log(
          id,
          Math.round(elapsed),
          run.startedAt,
          run.finishedAt,
          run.passes,
          run.steps.map((st) => `${st.id} ${st.status} ${st.attempts}x ${st.durationMs}ms`),
        );
      const verified = run.steps.filter((s) => s.kind === 'verify' && s.status === 'done').length;
      if (run.status !== 'succeeded' || verified !== parsed.topology.peerings.length)
        throw new Error(`run ${run.id} ${run.status}: ${run.failure ?? `${verified} verified`}`);
      return elapsed;
    };
    const first = await timed(topologyYaml(clusters, true), 'establish');
    const again: number[] = [];
    for (let i = 0; i < steady; i++)
      again.push(await timed(topologyYaml(clusters, true, `# ${i}\n`), `steady-${i}`));
    return [first, again];
  } finally {
    await serve.close();
    redis.disconnect();
    await Promise.allSettled([sandbox.stop(), git.stop(), api.stop()]);
    await rm(root, { recursive: true, force: true });
  }
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;

async function main(): Promise<void> {
  const local = process.env.REDIS_URL ? undefined : await startLocalRedis();
  const redisUrl = process.env.REDIS_URL ?? (local?.url as string);
  console.log(`meshpeer serve commit-to-verified, ${SAMPLES} samples per row; ${machine()}`);
  console.log('| clusters | peerings | new peerings: median | p95 | max | re-verify only: median | p95 |');
  console.log('|---|---|---|---|---|---|---|');
  try {
    for (const clusters of SIZES) {
      const firsts: number[] = [];
      const steadies: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const [first, steady] = await sample(clusters, redisUrl, 3);
        firsts.push(first);
        steadies.push(...steady);
      }
      const peerings = clusters === 2 ? 1 : clusters;
      console.log(
        `| ${clusters} | ${peerings} | ${fmt(median(firsts))} | ${fmt(percentile(firsts, 95))} | ${fmt(Math.max(...firsts))} | ${fmt(median(steadies))} | ${fmt(percentile(steadies, 95))} |`,
      );
    }
  } finally {
    await local?.stop();
  }
}

await main();
