/** Fuzz budget: small in `npm test`, 10,000 cases per target with `npm run fuzz` (FUZZ_RUNS). */
export const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 300);
/** Per-target timeout for long runs. */
export const fuzzTimeoutMs = Math.max(30_000, fuzzRuns * 20);
