/**
 * A small controller-runtime: a work queue of namespace/name keys fed by an in-process watch of one
 * kind, by watched Secrets mapped to keys, and by a periodic resync; one reconcile at a time per
 * controller (controller-runtime's default MaxConcurrentReconciles), a key is never queued twice,
 * failures are retried with the controller's per-key exponential backoff, successes forget the
 * failure count, and an event queues a key at once even while its retry waits (as workqueue Add).
 * Simplified: the overall 10 qps bucket of the real rate limiters is left out.
 */
import { redact } from '../../../src/secrets/redact.ts';
import type { InProcessKube } from '../kube/in-process-kube.ts';
import type { StoredObject } from '../kube/stored-object.ts';

/** A namespaced object's identity (Kubernetes' types.NamespacedName): the key a work queue holds. */
export interface NamespacedName {
  readonly namespace: string;
  readonly name: string;
}

/** What a reconcile asks for; thrown errors mean: retry with backoff. */
export interface ReconcileResult {
  readonly requeue?: boolean;
}

/** One controller: the kind it owns, how it reconciles, which Secrets wake it. */
export interface ControllerReconciler {
  readonly name: string;
  readonly apiVersion: string;
  readonly kind: string;
  reconcile(key: NamespacedName): Promise<ReconcileResult | undefined>;
  /** Maps a watched Secret (only those matching `secretSelector`) to the keys it concerns. */
  keysForSecret?(secret: StoredObject): NamespacedName[];
  readonly secretSelector?: string;
  /** The controller's per-key failure backoff (its workqueue rate limiter); see DEFAULT_BACKOFF. */
  readonly backoff?: Backoff;
}

/** A workqueue ItemExponentialFailureRateLimiter: base × 2^(failures-1), at most max. */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * controller-runtime's default rate limiter (client-go workqueue DefaultTypedControllerRateLimiter,
 * 5 ms doubling to 1000 s), which a controller built without WithOptions gets, as consul-k8s's
 * peering controllers are (connect-inject/controllers/peering/*_controller.go SetupWithManager).
 * A Consul outage of a few seconds therefore leaves them minutes between retries.
 */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 5, maxMs: 1_000_000 };

/** Timing of a controller loop. */
export interface ControllerLoopOptions {
  /** Every key of the kind is reconciled again this often (default CONTROLLER_RESYNC_MS). */
  resyncMs?: number;
  /** First retry delay after a failure, doubled per failure (default: the reconciler's backoff). */
  baseBackoffMs?: number;
  /** Longest retry delay (default: the reconciler's backoff). */
  maxBackoffMs?: number;
  log?: (line: string) => void;
}

/**
 * How often every object is reconciled again unprompted: controller-runtime's default SyncPeriod,
 * 10 hours (pkg/cache), which consul-k8s keeps (subcommand/inject-connect/command.go sets none),
 * and its controllers never requeue on Consul state. So an entry changed in Consul behind a Synced
 * resource stays changed until the resource itself changes or the injector restarts.
 */
export const CONTROLLER_RESYNC_MS = 10 * 60 * 60 * 1000;

const keyOf = (k: NamespacedName): string => `${k.namespace}/${k.name}`;

function parseKey(key: string): NamespacedName {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Runs one reconciler against one cluster's objects. */
export class ControllerLoop {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly stops: Array<() => void> = [];
  private processing: string | undefined;
  private draining: Promise<void> | undefined;
  private stopped = false;
  private reconciles = 0;

  constructor(
    private readonly objects: InProcessKube,
    private readonly reconciler: ControllerReconciler,
    private readonly options: ControllerLoopOptions = {},
  ) {}

  /** Starts the watches and the resync timer. */
  start(): void {
    const r = this.reconciler;
    this.stops.push(this.objects.watch(r.apiVersion, r.kind, {}, (e) => this.add(objectKey(e.object))));
    if (r.keysForSecret !== undefined) {
      const map = r.keysForSecret.bind(r);
      const selector = r.secretSelector === undefined ? {} : { labelSelector: r.secretSelector };
      this.stops.push(
        this.objects.watch('v1', 'Secret', selector, (e) => {
          for (const key of map(e.object)) this.add(key);
        }),
      );
    }
    const resync = setInterval(() => this.resync(), this.options.resyncMs ?? CONTROLLER_RESYNC_MS);
    resync.unref();
    this.stops.push(() => clearInterval(resync));
  }

  /** How many reconciles ran (for tests and benchmarks). */
  get reconcileCount(): number {
    return this.reconciles;
  }

  /** Queues every existing object of the kind, as an informer's periodic resync does. */
  resync(): void {
    for (const obj of this.objects.list(this.reconciler.apiVersion, this.reconciler.kind))
      this.add(objectKey(obj));
  }

  /** Queues a key unless it is already waiting; a key being reconciled runs again afterwards. */
  add(key: NamespacedName): void {
    if (this.stopped) return;
    const k = keyOf(key);
    if (this.processing === k) {
      this.dirty.add(k);
      return;
    }
    if (this.queued.has(k)) return;
    this.queued.add(k);
    this.queue.push(k);
    this.kick();
  }

  private kick(): void {
    if (this.draining !== undefined) return;
    // Reconciles never run inside the watch callback, which fires synchronously within a commit.
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.draining = undefined;
        if (this.queue.length > 0 && !this.stopped) this.kick();
      });
  }

  private addAfter(k: string, ms: number): void {
    const existing = this.timers.get(k);
    if (existing !== undefined) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.timers.delete(k);
      this.add(parseKey(k));
    }, ms);
    this.timers.set(k, timer);
  }

  private async drain(): Promise<void> {
    for (let k = this.queue.shift(); k !== undefined && !this.stopped; k = this.queue.shift()) {
      this.queued.delete(k);
      this.processing = k;
      await this.runOne(k);
      this.processing = undefined;
      if (this.dirty.delete(k)) this.add(parseKey(k));
    }
  }

  private async runOne(k: string): Promise<void> {
    this.reconciles++;
    try {
      const result = await this.reconciler.reconcile(parseKey(k));
      this.failures.delete(k);
      if (result?.requeue === true) this.dirty.add(k);
    } catch (err) {
      const n = (this.failures.get(k) ?? 0) + 1;
      this.failures.set(k, n);
      const backoff = this.reconciler.backoff ?? DEFAULT_BACKOFF;
      const base = this.options.baseBackoffMs ?? backoff.baseMs;
      const delay = Math.min(this.options.maxBackoffMs ?? backoff.maxMs, base * 2 ** (n - 1));
      this.options.log?.(
        redact(
          `${this.reconciler.name}: reconcile ${k} failed (retry in ${delay} ms): ${(err as Error).message}`,
        ),
      );
      if (!this.stopped) this.addAfter(k, delay);
    }
  }

  /** Resolves once nothing is queued or running (retries waiting on backoff do not count). */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  /** Stops watching and waits for the reconcile in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const stop of this.stops.splice(0)) stop();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.draining;
  }
}

function objectKey(obj: StoredObject): NamespacedName {
  return { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
}
