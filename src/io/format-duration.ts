/** Deadlines as operators write them (`--timeout 2s`), for one-line error messages. */

/** `2000` → `2s`, `1500` → `1.5s`, `250` → `250 ms`, `120000` → `2m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}
