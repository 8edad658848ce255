/** Starts a sandbox that matches an example, and runs meshpeer apply against it through BullMQ. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../../sandbox/src/sandbox.ts';
import { type SandboxConfig, sandboxConfigFromTopology } from '../../sandbox/src/sandbox-config.ts';
import { type RunningWorkers, startWorkers } from '../../src/app/start-workers.ts';
import { openQueues } from '../../src/run/queues.ts';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import type { RetryPolicy } from '../../src/run/retry-policy.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import { newRunId, requestRun } from '../../src/run/run-requests.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';

/** Short retries for tests: the sandbox answers in milliseconds. */
export const testPolicy: RetryPolicy = { attempts: 10, backoffMs: 50, stepDeadlineMs: 30_000 };

/** A running sandbox for one example. */
export interface ExampleSandbox {
  readonly sandbox: Sandbox;
  readonly topology: Topology;
  readonly file: string;
  readonly kubeconfig: string;
  /** Write requests meshpeer made to every cluster's API so far. */
  writes(): number;
  stop(): Promise<void>;
}

/** Heartbeats within a second for tests that need speed (Consul's first comes after 15 s). */
export const shortIntervals = (c: SandboxConfig): SandboxConfig => ({
  ...c,
  consul: { heartbeatIntervalMs: 1000, idleTimeoutMs: 10_000 },
});

/** Starts the sandbox `meshpeer sandbox up --from <example>` would start (Consul's real intervals). */
export async function startExampleSandbox(
  example: string,
  adjust: (c: SandboxConfig) => SandboxConfig = (c) => c,
): Promise<ExampleSandbox> {
  const file = `desired-state-examples/${example}/peerings.yaml`;
  const loaded = await loadTopologyFile(file);
  if (!loaded.ok) throw new Error(`example ${example} is invalid`);
  const dir = await mkdtemp(join(tmpdir(), `meshpeer-${example}-`));
  const sandbox = await Sandbox.start({
    config: adjust(sandboxConfigFromTopology(loaded.topology)),
    dir,
    persist: false,
  });
  return {
    sandbox,
    topology: loaded.topology,
    file,
    kubeconfig: join(dir, 'kubeconfig'),
    writes: () => sandbox.clusters.reduce((n, c) => n + c.requests.writes(), 0),
    async stop() {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Workers and queues under a private prefix, so parallel test files never share jobs. */
export async function startQueue(
  redisUrl: string,
  kubeconfig: string,
  options: { workers?: boolean; lockDurationMs?: number } = {},
) {
  const prefix = `it-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const queues = await openQueues(redisUrl, prefix);
  const workers: RunningWorkers | undefined =
    options.workers === false
      ? undefined
      : await startWorkers({
          redisUrl,
          prefix,
          overrides: { kubeconfig },
          policy: testPolicy,
          lockDurationMs: options.lockDurationMs ?? 5000,
        });
  const store = new RedisRunStore(queues.redis, queues.prefix);
  return {
    prefix: queues.prefix,
    queues,
    store,
    /** Requests a run of `file` for `target` and returns its run id. */
    async request(file: string, target: string, content?: string): Promise<string> {
      const runId = newRunId();
      const text = content ?? (await readFile(file, 'utf8'));
      await requestRun(queues.redis, queues.runs, {
        runId,
        target,
        revision: `sha-${runId}`,
        trigger: { kind: 'cli' },
        source: { kind: 'inline', fileName: file, content: text },
        requestedAt: new Date().toISOString(),
      });
      return runId;
    },
    /** Waits for a run record to finish. */
    async finished(runId: string, timeoutMs = 60_000): Promise<RunRecord> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const record = await store.get(runId);
        if (record !== undefined && record.status !== 'running') return record;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
    },
    async close() {
      await workers?.close();
      await queues.close();
    },
  };
}
