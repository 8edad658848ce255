/** Converts the schema's duration strings (500ms, 30s, 2m, 1h) to milliseconds. */
const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds in a duration the schema already accepted. */
export function durationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (match === null) throw new Error(`invalid duration "${text}"`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}
