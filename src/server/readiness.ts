/** `/readyz` checks: each dependency probed in parallel under a deadline, with a sanitized reason when it fails. */
import { safeErrorMessage } from '../secrets/redact.ts';

/** One check's verdict. */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail?: string;
}

/** Whether the process can do its work, and why not. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

async function withDeadline(check: () => Promise<unknown>, ms: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      check().then(
        () => ({ ok: true }),
        (err: unknown) => ({ ok: false, detail: safeErrorMessage(err) }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every named check; ready only when all pass. */
export async function checkReadiness(
  checks: Readonly<Record<string, () => Promise<unknown>>>,
  timeoutMs = 5000,
): Promise<ReadinessReport> {
  const names = Object.keys(checks).sort();
  const results = await Promise.all(
    names.map((n) => withDeadline(checks[n] as () => Promise<unknown>, timeoutMs)),
  );
  const entries = names.map((n, i) => [n, results[i] as CheckResult] as const);
  return { ready: results.every((r) => r.ok), checks: Object.fromEntries(entries) };
}
