/**
 * The secret-leak scan (issue 9 part 4): full runs against the ACL example's sandbox (CLI plan,
 * apply through BullMQ, status, `meshpeer serve` with a pull request and a push, and forced
 * errors), then every text meshpeer wrote is searched for every secret in every encoding.
 * Stream secrets are not searched for: the simulated Consul keeps them inside its state store and
 * exposes no way to read them, and they never leave the Consul servers in meshpeer's flows.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type LocalRedis, startLocalRedis } from '../../sandbox/src/local-redis.ts';
import { clientConnection } from '../../src/run/queues.ts';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import { type ExampleSandbox, startExampleSandbox } from '../integration/sandbox-fixture.ts';
import { type CliRun, runCli } from './leak-cli.ts';
import { dumpRedis } from './leak-redis.ts';
import { aclSecrets, findLeaks, kubeconfigSecrets, peeringSecrets, type Secret } from './leak-secrets.ts';
import { pullRequest, push, REPO, type ServeWorld, startServeWorld } from './leak-serve.ts';

const GIT_CREDENTIAL = 'ghp_leakScanGitCredential0123456789abcdefXYZ';
const WEBHOOK_SECRET = 'leak-scan-webhook-secret-5f2a9c';
const BAD_KUBE_TOKEN = 'leak-scan-wrong-bearer-token-8c1d3e7f';
const BAD_ACL_TOKEN = '6b0c2f7e-1d4a-4e59-9a3b-leakscan0001';

/** The kubeconfig text with the server of `context`'s cluster replaced (a closed port: unreachable). */
function withServer(text: string, context: string, server: string): string {
  const kc = new KubeConfig();
  kc.loadFromString(text);
  const target = kc.contexts.find((c) => c.name === context)?.cluster;
  const changed = new KubeConfig();
  changed.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.name === target ? { ...c, server } : c)),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return changed.exportConfig();
}

/** Polls until `probe` returns a value. */
async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 40_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('secret-leak scan', () => {
  let redis: LocalRedis;
  let world: ExampleSandbox;
  let serve: ServeWorld;
  let dir: string;
  const sources = new Map<string, string>();
  const add = (source: string, text: string) => sources.set(source, (sources.get(source) ?? '') + text);
  const secrets: Secret[] = [];
  let redisKeys = 0;

  const cli = (args: string[], kubeconfig = world.kubeconfig) =>
    runCli([...args, '-f', world.file, ...(args[0] === 'status' ? [] : ['--kubeconfig', kubeconfig])], {
      REDIS_URL: redis.url,
    });
  const keep = (source: string, runs: CliRun[]) => {
    for (const r of runs) {
      add(`${source} stdout`, r.stdout);
      add(`${source} stderr`, r.stderr);
    }
    return runs;
  };

  async function cliRuns(): Promise<void> {
    keep('cli plan', await Promise.all(['text', 'markdown', 'json'].map((o) => cli(['plan', '-o', o]))));
    const [applied] = keep('cli apply', [await cli(['apply', '-o', 'text'])]);
    expect(applied?.code, applied?.stderr).toBe(0);
    keep('cli apply', [await cli(['apply', '-o', 'json'])]);
    keep(
      'cli status',
      await Promise.all(['text', 'json'].map((o) => runCli(['status', '-o', o], { REDIS_URL: redis.url }))),
    );
    keep('cli plan', await Promise.all(['text', 'markdown', 'json'].map((o) => cli(['plan', '-o', o]))));
  }

  async function serveRuns(content: string): Promise<void> {
    serve = await startServeWorld({
      content,
      kubeconfig: world.kubeconfig,
      redisUrl: redis.url,
      dir,
      gitCredential: GIT_CREDENTIAL,
      webhookSecret: WEBHOOK_SECRET,
    });
    const head = serve.repo.commit({ 'peerings.yaml': `${content}# pull request\n` });
    serve.repo.push('HEAD:refs/pull/1/head');
    expect((await serve.deliver('pull_request', pullRequest(1, head))).status).toBe(202);
    await waitFor(
      async () => (serve.api.comments(REPO, 1).length > 0 ? true : undefined),
      'the plan comment',
    );
    const sha = serve.repo.commit({}, 'merge');
    serve.repo.push();
    expect((await serve.deliver('push', push(sha))).status).toBe(202);
    const applied = await waitFor(
      async () =>
        serve.api
          .statuses({ repo: REPO, sha })
          .find((s) => s.context === 'meshpeer/apply' && s.state !== 'pending'),
      'the apply status',
    );
    expect(applied.state).toBe('success');
    for (const path of ['/metrics', '/api/status', '/', '/healthz', '/readyz'])
      add(`serve ${path}`, await (await fetch(`${serve.serve.url}${path}`)).text());
    const runs = await new RedisRunStore(clientConnectionFor(), `leak-serve-${process.pid}`).list(10);
    for (const r of runs)
      add('serve /api/runs', await (await fetch(`${serve.serve.url}/api/runs/${r.id}`)).text());
    add('pr comments', JSON.stringify(serve.api.comments(REPO, 1)));
    add('commit statuses', JSON.stringify(serve.api.statuses()));
    // What meshpeer sent the SCM API, without the Authorization header every API call must carry.
    add('scm requests', JSON.stringify(serve.api.requests.map(({ authorization: _, ...sent }) => sent)));
    add('serve logs', serve.logs.join('\n'));
  }

  let connection: ReturnType<typeof clientConnection> | undefined;
  const clientConnectionFor = () => {
    connection ??= clientConnection(redis.url);
    return connection;
  };

  /** Errors from broken kubeconfigs: a cluster on a closed port, and a wrong bearer token. */
  async function kubeconfigErrorRuns(): Promise<CliRun[]> {
    const kubeconfig = await readFile(world.kubeconfig, 'utf8');
    const unreachable = join(dir, 'unreachable.kubeconfig');
    await writeFile(
      unreachable,
      withServer(kubeconfig, 'cluster-02', `https://127.0.0.1:${await freePort()}`),
    );
    const badToken = join(dir, 'bad-token.kubeconfig');
    const [firstToken = ''] = (await kubeconfigSecrets(world.kubeconfig)).map((s) => s.value);
    await writeFile(badToken, kubeconfig.split(firstToken).join(BAD_KUBE_TOKEN));
    return Promise.all([
      cli(['plan', '-o', 'text', '--timeout', '3s'], unreachable),
      cli(['plan', '-o', 'json', '--timeout', '3s'], unreachable),
      cli(['plan', '-o', 'text'], badToken),
      cli(['plan', '-o', 'markdown'], badToken),
      cli(['apply', '--inline', '-o', 'text', '--timeout', '5s'], badToken),
    ]);
  }

  /** A wrong Consul ACL token: meshpeer reads it from this Secret and Consul refuses it. */
  async function aclErrorRuns(): Promise<CliRun[]> {
    world.sandbox
      .cluster('cluster-02')
      .objects.patch(
        { apiVersion: 'v1', kind: 'Secret', namespace: 'consul', name: 'consul-bootstrap-acl-token' },
        'merge',
        { data: { token: Buffer.from(BAD_ACL_TOKEN).toString('base64') } },
      );
    return Promise.all([
      cli(['plan', '-o', 'json']),
      cli(['apply', '--inline', '-o', 'text', '--timeout', '5s']),
    ]);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshpeer-leak-'));
    redis = await startLocalRedis();
    world = await startExampleSandbox('acls', (c) => ({
      ...c,
      consul: { ...c.consul, heartbeatIntervalMs: 200 },
    }));
    await cliRuns();
    // Broken kubeconfigs touch nothing the serve flow uses, so both run at once.
    const [kubeErrors] = await Promise.all([
      kubeconfigErrorRuns(),
      serveRuns(await readFile(world.file, 'utf8')),
    ]);
    const errors = keep('errors', [...kubeErrors, ...(await aclErrorRuns())]);
    expect(errors.every((r) => r.code !== 0)).toBe(true);
    const records = await new RedisRunStore(clientConnectionFor()).list(100);
    add('run records', JSON.stringify(records));
    const dump = await dumpRedis(clientConnectionFor());
    redisKeys = dump.keys;
    add('redis', dump.text);
    secrets.push(
      ...peeringSecrets(world.sandbox),
      ...aclSecrets(world.sandbox),
      ...(await kubeconfigSecrets(world.kubeconfig)),
      { what: 'git credential', value: GIT_CREDENTIAL },
      { what: 'webhook secret', value: WEBHOOK_SECRET },
      { what: 'wrong kube bearer token', value: BAD_KUBE_TOKEN },
      { what: 'wrong Consul ACL token', value: BAD_ACL_TOKEN },
    );
  }, 150_000);

  afterAll(async () => {
    connection?.disconnect();
    await serve?.stop();
    await world?.stop();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gathered every kind of secret and a meaningful volume from every source', () => {
    const kinds = (prefix: string) => secrets.filter((s) => s.what.startsWith(prefix)).length;
    expect(kinds('peering token')).toBeGreaterThanOrEqual(2);
    expect(kinds('establishment secret')).toBeGreaterThanOrEqual(2);
    expect(kinds('bootstrap ACL token') + kinds('mesh gateway ACL token')).toBe(4);
    expect(kinds('kubeconfig credential')).toBe(2);
    expect(redisKeys).toBeGreaterThan(20);
    const minimum: Record<string, number> = {
      redis: 20_000,
      'run records': 2_000,
      'pr comments': 300,
      'commit statuses': 200,
      'serve /metrics': 500,
      'serve /api/status': 200,
      'serve /api/runs': 300,
      errors: 500,
      'cli plan stdout': 2_000,
      'cli apply stdout': 1_000,
      'cli status stdout': 500,
    };
    // Printed so the coverage of each run is visible in the test output.
    console.log([...sources].map(([s, t]) => `${s}: ${t.length} bytes`).join('\n'));
    const bytesOf = (prefix: string) =>
      [...sources].filter(([s]) => s.startsWith(prefix)).reduce((n, [, t]) => n + t.length, 0);
    for (const [source, bytes] of Object.entries(minimum))
      expect(bytesOf(source), source).toBeGreaterThan(bytes);
  });

  it('the forced errors really failed for the planned reasons', () => {
    const errors = sources.get('errors stdout') ?? '';
    const all = `${errors}\n${sources.get('errors stderr') ?? ''}`;
    expect(all).toMatch(/unreachable/i);
    expect(all).toMatch(/401|unauthorized/i);
    expect(all).toMatch(/403|acl|permission/i);
  });

  it('finds a planted secret in every form, so a clean scan means something', () => {
    const secret = { what: 'canary', value: 'canary-5e1b7c0d-9f3a-4c2e-8d6b-000000000001' };
    const planted = new Map([
      ['raw', `x ${secret.value} y`],
      ['base64', Buffer.from(`prefix:${secret.value}:suffix`).toString('base64')],
      ['url', `?t=${encodeURIComponent(`a b ${secret.value}`)}`],
    ]);
    expect(new Set(findLeaks(planted, [secret]).map((l) => l.source))).toEqual(
      new Set(['raw', 'base64', 'url']),
    );
  });

  it('finds no secret anywhere meshpeer wrote', () => {
    expect(findLeaks(sources, secrets)).toEqual([]);
  });
});
