/**
 * What a chaos run stands on: a temporary directory, a Redis with an append-only file, a sandbox
 * with every service any revision may export, the queues under a private prefix, and a pool of
 * `meshpeer worker` processes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../../sandbox/src/sandbox-config.ts';
import { openQueues, type Queues } from '../../src/run/queues.ts';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import { parseTopology, type Topology } from '../../src/topology/index.ts';
import { RestartableRedis } from './chaos-faults.ts';
import { chaosClusters, chaosUniverse, chaosYaml } from './chaos-topology.ts';
import { WorkerPool } from './chaos-workers.ts';

/** The running pieces of a chaos run. */
export interface ChaosEnv {
  readonly dir: string;
  readonly clusters: readonly string[];
  readonly redis: RestartableRedis;
  readonly sandbox: Sandbox;
  readonly kubeconfig: string;
  readonly prefix: string;
  readonly queues: Queues;
  readonly store: RedisRunStore;
  readonly workers: WorkerPool;
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/** Parses a generated peerings.yaml; a generator bug is the only way this throws. */
export function chaosTopology(yaml: string): Topology {
  const parsed = parseTopology(yaml, 'peerings.yaml');
  if (!parsed.ok) throw new Error('the chaos generator produced an invalid peerings.yaml');
  return parsed.topology;
}

/** Starts everything; stops what already started when a later piece fails. */
export async function startChaosEnv(options: {
  clusters: number;
  workers: number;
  lockDurationMs: number;
}): Promise<ChaosEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-chaos-'));
  const clusters = chaosClusters(options.clusters);
  const cleanup: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  const undo = async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  };
  try {
    const redis = await RestartableRedis.start(dir);
    cleanup.push(() => redis.stop());
    const universe = chaosTopology(chaosYaml(clusters, chaosUniverse(clusters)));
    // Short stream intervals: chaos counts convergence rounds, each of which waits for a heartbeat.
    const config = {
      ...sandboxConfigFromTopology(universe),
      consul: { heartbeatIntervalMs: 1000, idleTimeoutMs: 10_000 },
    };
    const sandbox = await Sandbox.start({ config, dir, persist: false });
    cleanup.push(() => sandbox.stop());
    const prefix = `chaos-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const queues = await openQueues(redis.url, prefix);
    cleanup.push(() => queues.close());
    // Redis restarts on purpose: the connections reconnect, and failed commands surface where they are sent.
    for (const emitter of [queues.redis, queues.runs, queues.steps, queues.stepEvents])
      (emitter as { on(event: 'error', fn: () => void): unknown }).on('error', () => {});
    const kubeconfig = join(dir, 'kubeconfig');
    const workers = new WorkerPool({
      size: options.workers,
      redisUrl: redis.url,
      kubeconfig,
      prefix,
      lockDurationMs: options.lockDurationMs,
      logDir: dir,
    });
    cleanup.push(() => workers.stop());
    await workers.fill();
    const store = new RedisRunStore(queues.redis, prefix, 1000);
    return {
      dir,
      clusters,
      redis,
      sandbox,
      kubeconfig,
      prefix,
      queues,
      store,
      workers,
      async stop(stopOptions = {}) {
        if (stopOptions.keepDir === true) cleanup.shift();
        await undo();
      },
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
