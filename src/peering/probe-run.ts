/** Stage bookkeeping for the probe: latency per stage, the first failure, one overall deadline. */
import type { Clock } from './clock.ts';
import { PeeringError, type PeeringErrorCode } from './peering-error.ts';

/** The probe's stages, in order. */
export type ProbeStage =
  | 'validate'
  | 'connect'
  | 'exchange-secret'
  | 'open'
  | 'subscriptions'
  | 'heartbeat'
  | 'trust-bundle'
  | 'close';

/** One stage's outcome. */
export interface ProbeStageResult {
  readonly stage: ProbeStage;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: { readonly code: PeeringErrorCode; readonly message: string };
}

/** The whole probe. */
export interface ProbeReport {
  readonly ok: boolean;
  readonly address: string | undefined;
  readonly stages: readonly ProbeStageResult[];
  readonly failure?: {
    readonly stage: ProbeStage;
    readonly code: PeeringErrorCode;
    readonly message: string;
  };
  readonly totalMs: number;
}

/** A probe in progress. */
export interface ProbeRun {
  stage<T>(name: ProbeStage, work: () => Promise<T>): Promise<T>;
  setAddress(address: string): void;
  report(): ProbeReport;
}

/** Starts the bookkeeping; stages after the deadline fail with code "timeout". */
export function probeStage(clock: Clock, timeoutMs: number): ProbeRun {
  const started = clock.now().getTime();
  const stages: ProbeStageResult[] = [];
  let address: string | undefined;
  let failure: ProbeReport['failure'];
  const remaining = (): number => Math.max(0, started + timeoutMs - clock.now().getTime());
  return {
    async stage(name, work) {
      const t0 = performance.now();
      let timer: { cancel(): void } | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = clock.setTimeout(
          () =>
            reject(new PeeringError('timeout', `timed out after ${timeoutMs} ms waiting for stage ${name}`)),
          remaining(),
        );
      });
      try {
        const value = await Promise.race([work(), deadline]);
        stages.push({ stage: name, ok: true, latencyMs: performance.now() - t0 });
        return value;
      } catch (error) {
        const e = error instanceof PeeringError ? error : new PeeringError('connect', String(error));
        const detail = { code: e.code, message: e.message };
        stages.push({ stage: name, ok: false, latencyMs: performance.now() - t0, error: detail });
        failure ??= { stage: name, ...detail };
        throw e;
      } finally {
        timer?.cancel();
      }
    },
    setAddress(value) {
      address = value;
    },
    report() {
      const base = { ok: failure === undefined, address, stages, totalMs: clock.now().getTime() - started };
      return failure === undefined ? base : { ...base, failure };
    },
  };
}
