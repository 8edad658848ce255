/**
 * Output conventions shared by every command: `--output text|json`, colors only on a TTY and never
 * when NO_COLOR is set, and every line passed through the redaction helper.
 */
import { redact } from '../secrets/redact.ts';

/** Output formats a command may accept. */
export type OutputFormat = 'text' | 'json' | 'markdown';

/** Whether ANSI colors may be written to the given stream. */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;

/** A color function set that degrades to identity when colors are off. */
export type Paint = Record<keyof typeof codes, (s: string) => string>;

/** Builds the color functions for a stream. */
export function paint(enabled: boolean): Paint {
  const entries = Object.entries(codes).map(([name, code]) => [
    name,
    enabled ? (s: string) => `\u001b[${code}m${s}\u001b[0m` : (s: string) => s,
  ]);
  return Object.fromEntries(entries) as Paint;
}

/** Writes redacted text to stdout. */
export function out(text: string): void {
  process.stdout.write(redact(text.endsWith('\n') ? text : `${text}\n`));
}

/** Writes redacted text to stderr. */
export function err(text: string): void {
  process.stderr.write(redact(text.endsWith('\n') ? text : `${text}\n`));
}

/** Writes a value as pretty JSON to stdout, redacted. */
export function outJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** Parses and checks an `--output` flag value against the formats a command supports. */
export function parseOutput(value: string, allowed: readonly OutputFormat[]): OutputFormat {
  if ((allowed as readonly string[]).includes(value)) return value as OutputFormat;
  throw new Error(`unknown output format "${value}": use one of ${allowed.join(', ')}`);
}

/** `1 peering`, `3 peerings`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
