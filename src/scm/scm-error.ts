/** Why a pull-request comment or commit status could not be published; a closed set. */
export type ScmErrorCode =
  | 'auth_failed'
  | 'not_found'
  | 'rate_limited'
  | 'rejected'
  | 'timeout'
  | 'network'
  | 'server_error';

/** A publishing failure with a lowercase, redacted message; never carries the API token. */
export class ScmError extends Error {
  readonly code: ScmErrorCode;
  readonly status: number | undefined;

  constructor(code: ScmErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'ScmError';
    this.code = code;
    this.status = status;
  }

  /** Whether trying again later may succeed: the network, a timeout, throttling or a 5xx. */
  get transient(): boolean {
    return (
      this.code === 'network' ||
      this.code === 'timeout' ||
      this.code === 'rate_limited' ||
      this.code === 'server_error'
    );
  }
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && chain.length < 5) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** Classifies a transport failure (no HTTP status) found anywhere in the cause chain. */
export function transportErrorCode(err: unknown): 'timeout' | 'network' | undefined {
  for (const e of causeChain(err)) {
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return 'network';
  }
  return undefined;
}

/** Maps an HTTP status from GitHub or GitLab to an error code. */
export function statusErrorCode(status: number, rateLimited: boolean): ScmErrorCode {
  if (status === 429 || (status === 403 && rateLimited)) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth_failed';
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'rejected';
  return 'server_error';
}

const HINTS: Record<ScmErrorCode, string> = {
  auth_failed: 'check the api token and its permissions (comments and commit statuses)',
  not_found: 'check the repository or project, the pull request number and the api base url',
  rate_limited: 'the api rate limit is exhausted; retried with backoff',
  rejected: 'the api refused the request body',
  timeout: 'the api did not answer in time',
  network: 'the api is unreachable; check the base url and network',
  server_error: 'the api failed; retried with backoff',
};

/** Builds the error for `operation` with the standard hint for `code`. */
export function scmError(code: ScmErrorCode, operation: string, status?: number): ScmError {
  const where = status === undefined ? '' : ` (http ${status})`;
  return new ScmError(code, `${operation} failed${where}: ${HINTS[code]}`, status);
}
