/**
 * Go's time.ParseDuration and Duration.String, for the durations config entries carry as strings
 * (a resolver's ConnectTimeout "90s" is stored and served back as "1m30s", as Consul's
 * time.Duration fields are). Nanosecond precision up to about 104 days.
 */

const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Nanoseconds of a Go duration string, or undefined when Go would refuse it. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  const match = /^([-+]?)(.+)$/.exec(text);
  const body = match?.[2] ?? '';
  const parts = [...body.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== body) return undefined;
  const total = parts.reduce((sum, p) => sum + Math.round(Number(p[1]) * (UNITS[p[2] ?? ''] ?? 0)), 0);
  return match?.[1] === '-' ? -total : total;
}

function fraction(value: number, digits: number): string {
  const whole = Math.floor(value / 10 ** digits);
  const rest = String(value % 10 ** digits)
    .padStart(digits, '0')
    .replace(/0+$/, '');
  return rest === '' ? String(whole) : `${whole}.${rest}`;
}

/** Duration.String of a number of nanoseconds ("1m30s", "5s", "500ms", "0s"). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const u = Math.abs(ns);
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${fraction(u, 3)}µs`;
  if (u < 1e9) return `${sign}${fraction(u, 6)}ms`;
  const hours = Math.floor(u / 3600e9);
  const minutes = Math.floor((u % 3600e9) / 60e9);
  const seconds = `${fraction(u % 60e9, 9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  return minutes > 0 ? `${sign}${minutes}m${seconds}` : `${sign}${seconds}`;
}
