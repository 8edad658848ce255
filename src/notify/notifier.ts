/**
 * The notifier: turns reported events into deliveries, once per change of state per sink (state in
 * Redis, shared by replicas), without making the caller wait: `notify` starts the work and returns,
 * `close` waits for what is in flight up to a bound, then aborts it.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../io/redis-endpoint.ts';
import { redact, redactValue, safeErrorMessage } from '../secrets/redact.ts';
import type { NotifyEvent } from './notify-event.ts';
import type { DeliveryContext, NotifySink } from './notify-sink.ts';
import { type Claim, claimMove, releaseMove, stateMove } from './notify-state.ts';

/** What the notifier needs; `publicUrl` is linked from every message. */
export interface NotifierOptions {
  readonly redis: RedisClient;
  /** The queue prefix; state keys are `${prefix}:notify:<sink>:...`. */
  readonly prefix: string;
  readonly sinks: readonly NotifySink[];
  readonly log: (line: string) => void;
  /** Where failed deliveries and Redis errors go (e.g. pino's warn); default `log`. */
  readonly warn?: (line: string) => void;
  readonly publicUrl?: string;
  /** How long a subject's state outlives its last report (refreshed by each report); default 7 days. */
  readonly stateTtlMs?: number;
  /** How long `close` waits for deliveries in flight before aborting them; default 10 s. */
  readonly closeTimeoutMs?: number;
}

/** Reports events; never throws into the caller and never holds it up for a delivery. */
export interface Notifier {
  /** Starts delivering `event` where its state changed; resolves without waiting for the delivery. */
  notify(event: NotifyEvent): Promise<void>;
  /** Resolves once every delivery started so far has settled (no bound: for tests and hand-offs). */
  drain(): Promise<void>;
  /** Stops taking events and waits for deliveries in flight, at most `closeTimeoutMs`, then aborts them. */
  close(): Promise<void>;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
// After aborting, the deliveries only have to notice and release their claims.
const ABORT_GRACE_MS = 1000;

/** Creates a notifier over `sinks`; sink names must be unique since they key the state. */
export function createNotifier(opts: NotifierOptions): Notifier {
  assertUniqueNames(opts.sinks);
  const deps: Deps = {
    ...opts,
    log: (line) => opts.log(redact(`notify: ${line}`)),
    warn: (line) => (opts.warn ?? opts.log)(redact(`notify: ${line}`)),
    ttlMs: opts.stateTtlMs ?? WEEK_MS,
    closing: new AbortController(),
  };
  const inFlight = new Set<Promise<void>>();
  const settleAll = () => Promise.allSettled([...inFlight]).then(() => undefined);
  let closed = false;
  return {
    async notify(event) {
      if (closed) return deps.log(`${describe(event)} dropped: the notifier is closed`);
      const safe = redactValue(event);
      for (const sink of opts.sinks) {
        const task = handle(deps, sink, safe).catch((err: unknown) =>
          deps.warn(`unexpected error: ${safeErrorMessage(err)}`),
        );
        inFlight.add(task);
        void task.then(() => inFlight.delete(task));
      }
    },
    async drain() {
      while (inFlight.size > 0) await settleAll();
    },
    async close() {
      closed = true;
      if (inFlight.size === 0) return;
      const timeoutMs = opts.closeTimeoutMs ?? 10_000;
      if (await settlesWithin(settleAll(), timeoutMs)) return;
      deps.warn(`${inFlight.size} deliveries still in flight after ${timeoutMs / 1000} s; aborting them`);
      deps.closing.abort();
      await settlesWithin(settleAll(), ABORT_GRACE_MS);
    },
  };
}

interface Deps extends NotifierOptions {
  readonly warn: (line: string) => void;
  readonly ttlMs: number;
  readonly closing: AbortController;
}

function assertUniqueNames(sinks: readonly NotifySink[]): void {
  const names = new Set<string>();
  for (const sink of sinks) {
    if (names.has(sink.name))
      throw new Error(`two notification sinks are named ${sink.name}; name each uniquely`);
    names.add(sink.name);
  }
}

/** Moves the sink's state for `event`; delivers when this process claimed a change of state. */
async function handle(deps: Deps, sink: NotifySink, event: NotifyEvent): Promise<void> {
  const move = stateMove(deps.prefix, sink.name, event);
  let claim: Claim;
  try {
    claim = await claimMove(deps.redis, move, deps.ttlMs);
  } catch (err) {
    deps.warn(
      `${describe(event)} not sent to ${sink.name}: its state could not be read from Redis: ${safeErrorMessage(err)}`,
    );
    return;
  }
  if (!claim.claimed || event.kind === 'in-sync') return;
  const ctx: DeliveryContext = {
    deliveryId: randomUUID(),
    sentAt: new Date().toISOString(),
    signal: deps.closing.signal,
    ...(deps.publicUrl !== undefined && deps.publicUrl !== '' && { publicUrl: deps.publicUrl }),
  };
  try {
    await sink.deliver(event, ctx);
    deps.log(`sent ${describe(event)} to ${sink.name} (delivery ${ctx.deliveryId})`);
  } catch (err) {
    deps.warn(
      `${sink.name} delivery ${ctx.deliveryId} of ${describe(event)} failed: ${safeErrorMessage(err)}`,
    );
    // Released, the next report of the same state tries again instead of staying silent forever.
    await releaseMove(deps.redis, move, claim, deps.ttlMs).catch(() => undefined);
  }
}

/** True when `work` settles within `ms`. */
async function settlesWithin(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([work.then(() => true as const), timeout]);
  clearTimeout(timer);
  return settled;
}

/** The event in a log line, without its free text (details can be long). */
function describe(event: NotifyEvent): string {
  switch (event.kind) {
    case 'run-failed':
      return `run-failed of ${event.target} (run ${event.runId})`;
    case 'peering-unhealthy':
      return `peering-unhealthy (${event.state}) of ${event.target} peering ${event.peering}`;
    case 'peering-recovered':
      return `peering-recovered of ${event.target} peering ${event.peering}`;
    default:
      return `${event.kind} of ${event.target}`;
  }
}
