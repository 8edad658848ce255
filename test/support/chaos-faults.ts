/**
 * The faults a chaos run injects, each counted by kind: Kubernetes API error rates and latency,
 * dropped Consul streams, a peering deleted behind meshpeer's back, worker SIGKILLs and a Redis
 * restart (with an append-only file, as a production Redis for BullMQ is configured).
 */

import { type LocalRedis, startLocalRedis } from '../../sandbox/src/local-redis.ts';
import type { Sandbox } from '../../sandbox/src/sandbox.ts';
import type { ChaosPeering } from './chaos-topology.ts';
import type { WorkerPool } from './chaos-workers.ts';
import { sandboxConsulClient } from './sandbox-consul-client.ts';

/** Every kind of fault, in the order the summary prints them. */
export const FAULT_KINDS = [
  'worker SIGKILL',
  'worker restart',
  'redis restart',
  'kube API error rates',
  'kube API latency',
  'consul streams dropped',
  'peering deleted behind meshpeer',
] as const;

/** One kind of fault. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A Redis that can be stopped and started again on the same port with its data kept. */
export class RestartableRedis {
  private constructor(
    private current: LocalRedis,
    private readonly dir: string,
  ) {}

  /** Starts Redis with an append-only file in `dir`. */
  static async start(dir: string): Promise<RestartableRedis> {
    return new RestartableRedis(await startLocalRedis({ appendOnlyDir: dir }), dir);
  }

  get url(): string {
    return this.current.url;
  }

  /** Stops Redis (a clean shutdown flushes the append-only file), stays down `downMs`, starts it again. */
  async restart(downMs: number): Promise<void> {
    const port = this.current.port;
    await this.current.stop();
    await new Promise((r) => setTimeout(r, downMs));
    this.current = await startLocalRedis({ port, appendOnlyDir: this.dir });
  }

  stop(): Promise<void> {
    return this.current.stop();
  }
}

/** What the injector acts on. */
export interface FaultTargets {
  readonly sandbox: Sandbox;
  readonly clusters: readonly string[];
  readonly workers: WorkerPool;
  readonly redis: RestartableRedis;
  /** The peerings of the revision last requested (a deletion behind the back hits one of them). */
  readonly peerings: () => readonly ChaosPeering[];
  readonly random: () => number;
  readonly log: (line: string) => void;
}

/** Injects faults and counts them. */
export class FaultInjector {
  readonly counts = new Map<FaultKind, number>(FAULT_KINDS.map((k) => [k, 0]));

  constructor(private readonly t: FaultTargets) {}

  private count(kind: FaultKind): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  private pick<T>(list: readonly T[]): T | undefined {
    return list[Math.floor(this.t.random() * list.length)];
  }

  /** New error rates and latency on a random third of the clusters (others are cleared). */
  shuffleKubeFaults(): void {
    const r = this.t.random;
    for (const name of this.t.clusters) {
      const cluster = this.t.sandbox.cluster(name);
      if (r() > 0.35) {
        cluster.faults.clear();
        continue;
      }
      const rate = 0.05 + r() * 0.2;
      cluster.faults.configure({
        latency: { fixedMs: Math.round(r() * 80), jitterMs: Math.round(r() * 200) },
        rules: [
          { rate: rate / 2, fault: 500 },
          { rate: rate / 4, fault: 429 },
          { verbs: ['patch', 'update', 'create'], rate: rate / 4, fault: 409 },
          { rate: 0.005, fault: 'hang' },
        ],
      });
      this.count('kube API error rates');
      this.count('kube API latency');
    }
  }

  /** Cuts the peering streams of a random cluster's Consul server. */
  dropStreams(): void {
    const name = this.pick(this.t.clusters);
    if (name === undefined) return;
    this.t.sandbox.stack(name).consul.faults.dropStreams();
    this.count('consul streams dropped');
  }

  private async active(p: ChaosPeering): Promise<boolean> {
    const peering = await sandboxConsulClient(this.t.sandbox, p.acceptor)
      .readPeering(p.dialer)
      .catch(() => undefined);
    return peering?.State === 'ACTIVE';
  }

  /**
   * Deletes an ACTIVE desired peering from the acceptor's Consul, as `consul peering delete` would;
   * waits (bounded) for one to be ACTIVE, so the fault never hits a peering that is not there.
   */
  async deletePeering(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const candidates = [...this.t.peerings()].sort(() => this.t.random() - 0.5);
      for (const p of candidates) {
        if (!(await this.active(p))) continue;
        // The acceptor knows the dialer by the dialer's peer name, which defaults to its cluster name.
        await this.t.sandbox.stack(p.acceptor).consul.faults.deletePeering(p.dialer);
        this.count('peering deleted behind meshpeer');
        this.t.log(`deleted peering ${p.dialer} from ${p.acceptor}'s Consul`);
        return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    this.t.log('no ACTIVE peering to delete behind meshpeer within 30 s');
  }

  /** SIGKILLs a random worker and starts a replacement after a short pause. */
  async killWorker(): Promise<void> {
    if (await this.t.workers.killOne(this.t.random)) this.count('worker SIGKILL');
    await new Promise((r) => setTimeout(r, 500 + this.t.random() * 2500));
    await this.t.workers.fill();
    this.count('worker restart');
  }

  /** Restarts Redis once, down for a few seconds. */
  async restartRedis(): Promise<void> {
    await this.t.redis.restart(1500 + Math.round(this.t.random() * 1500));
    this.count('redis restart');
  }

  /** Clears every Kubernetes API fault. */
  clearAll(): void {
    for (const name of this.t.clusters) this.t.sandbox.cluster(name).faults.clear();
  }
}
