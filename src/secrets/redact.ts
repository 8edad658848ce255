/**
 * The one redaction helper that guards every outward text (logs, plan output, PR comments,
 * errors, metrics, job data). Known secret values are registered at the point they are read;
 * shapes that look like credentials are masked even when nobody registered them.
 */

const REDACTED = '[redacted]';
const registered = new Set<string>();
// Longest first: a secret that contains another registered one (a peering token holds its
// establishment secret) must be masked whole, not around the shorter one.
let longestFirst: readonly string[] = [];

/** Remembers a secret value so any later outward text containing it is masked. */
export function registerSecret(value: string | undefined | null): void {
  if (value === undefined || value === null) return;
  const trimmed = value.trim();
  // Very short values would mask ordinary words; real tokens are far longer than 8 characters.
  if (trimmed.length < 8 || registered.has(trimmed)) return;
  registered.add(trimmed);
  longestFirst = [...registered].sort((a, b) => b.length - a.length);
}

const patterns: ReadonlyArray<[RegExp, string]> = [
  // Authorization headers and bearer tokens.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // Credentials embedded in URLs: scheme://user:pass@host, scheme://:pass@host (Redis), and a
  // token as the user name (scheme://ghp_…@host). `PASSWORD` is the placeholder our hints print.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:(?!PASSWORD@)[^/\s@]+@/gi, `$1${REDACTED}@`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[A-Za-z0-9._~-]{16,}@/gi, `$1${REDACTED}@`],
  // Consul ACL token headers and query parameters.
  [/(X-Consul-Token["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1${REDACTED}`],
  [/([?&]token=)[^&\s]+/gi, `$1${REDACTED}`],
  // Peering tokens are base64 JSON objects starting with {"CA" (eyJDQSI6) or {"  (eyJ); long ones only.
  [/eyJ[A-Za-z0-9+/]{60,}={0,2}/g, REDACTED],
  // Fields that carry secrets in JSON-ish text.
  [
    /("?(?:EstablishmentSecret|PeeringToken|SecretID|StreamSecret|PendingStreamSecret|ActiveStreamSecret|password|token)"?\s*[:=]\s*)"[^"]+"/gi,
    `$1"${REDACTED}"`,
  ],
];

/** Masks every registered secret and every credential-shaped substring in `text`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of longestFirst) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

/** Deep-copies a JSON-like value with every string passed through `redact`. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}

/** The message of any thrown value, redacted, for error output. */
export function safeErrorMessage(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}
