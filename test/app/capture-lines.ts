/** A pino destination for tests that keeps every JSON line the logger writes. */
export interface CapturedLines {
  readonly lines: string[];
  write(chunk: string): void;
  /** Every line parsed. */
  records(): Array<Record<string, unknown>>;
  /** The parsed lines of one event. */
  events(name: string): Array<Record<string, unknown>>;
}

/** A fresh capture. */
export function captureLines(): CapturedLines {
  const lines: string[] = [];
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    lines,
    write: (chunk) => {
      for (const line of chunk.split('\n')) if (line !== '') lines.push(line);
    },
    records,
    events: (name) => records().filter((r) => r.event === name),
  };
}
