/**
 * A pool of `meshpeer worker` child processes for chaos runs: real processes, so a SIGKILL loses
 * exactly what a crashed machine would (in-memory state, held job locks) and nothing more.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';

/** How to start the workers. */
export interface WorkerPoolOptions {
  readonly size: number;
  readonly redisUrl: string;
  readonly kubeconfig: string;
  /** Queue and key prefix shared with the requester. */
  readonly prefix: string;
  /** Job lock duration: a killed worker's jobs are taken over after about this long. */
  readonly lockDurationMs: number;
  /** Directory for one stderr log per worker process (read them when a run goes wrong). */
  readonly logDir: string;
}

const BIN = resolve(import.meta.dirname, '../../bin/meshpeer.js');

/** Worker processes that can be killed and replaced. */
export class WorkerPool {
  private readonly slots: Array<ChildProcess | undefined>;
  private readonly log: WriteStream;
  private started = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    this.slots = Array.from({ length: options.size }, () => undefined);
    this.log = createWriteStream(join(options.logDir, 'workers.log'), { flags: 'a' });
  }

  /** Starts every empty slot and waits until each new worker takes jobs. */
  async fill(): Promise<void> {
    await Promise.all(this.slots.map((child, i) => (child === undefined ? this.spawnAt(i) : undefined)));
  }

  /** Processes started so far (restarts included). */
  get spawned(): number {
    return this.started;
  }

  /** How many workers are running. */
  get running(): number {
    return this.slots.filter((c) => c !== undefined).length;
  }

  private async spawnAt(slot: number): Promise<void> {
    const o = this.options;
    const args = [BIN, 'worker', '--redis-url', o.redisUrl, '--kubeconfig', o.kubeconfig];
    args.push('--lock-duration', String(o.lockDurationMs), '--concurrency', '8');
    const child = spawn(process.execPath, args, {
      env: { ...process.env, MESHPEER_QUEUE_PREFIX: o.prefix, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.started++;
    this.slots[slot] = child;
    const tag = `[worker ${slot} pid ${child.pid}] `;
    child.stdout?.on('data', (b: Buffer) => this.log.write(tag + b.toString()));
    let ready: () => void = () => {};
    const isReady = new Promise<void>((r) => {
      ready = r;
    });
    child.stderr?.on('data', (b: Buffer) => {
      const text = b.toString();
      this.log.write(tag + text);
      if (text.includes('processing jobs')) ready();
    });
    child.once('exit', () => {
      if (this.slots[slot] === child) this.slots[slot] = undefined;
      ready();
    });
    // A loaded machine may take a while to load the sources through tsx; never wait forever.
    await Promise.race([isReady, new Promise((r) => setTimeout(r, 60_000).unref())]);
  }

  /** SIGKILLs the worker in a random occupied slot; returns whether one was killed. */
  async killOne(random: () => number): Promise<boolean> {
    const occupied = this.slots.flatMap((c, i) => (c === undefined ? [] : [i]));
    if (occupied.length === 0) return false;
    const slot = occupied[Math.floor(random() * occupied.length)] as number;
    const child = this.slots[slot] as ChildProcess;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    return true;
  }

  /** Stops every worker gracefully (SIGTERM, then SIGKILL after a grace period). */
  async stop(): Promise<void> {
    await Promise.all(
      this.slots.map(async (child) => {
        if (child === undefined || child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.log.end();
  }
}
