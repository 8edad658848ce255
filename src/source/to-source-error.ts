import { redact } from '../secrets/redact.ts';
import { GitTransportTimeout } from './git-http-client.ts';
import { SourceError } from './source-error.ts';

/** Where a failure happened, for the message; `url` is sanitized before use. */
export interface GitErrorContext {
  readonly operation: string;
  readonly url: string;
  readonly ref?: string;
}

/** The repository URL without user info, query or fragment, safe for messages and logs. */
export function safeRepoUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return redact(parsed.toString());
  } catch {
    return '<invalid url>';
  }
}

function statusOf(err: { data?: unknown }): number | undefined {
  const data = err.data as { statusCode?: unknown } | undefined;
  return typeof data?.statusCode === 'number' ? data.statusCode : undefined;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

function fromHttpStatus(status: number | undefined, ctx: GitErrorContext, where: string): SourceError {
  if (status === 401 || status === 403) {
    return new SourceError(
      'auth_failed',
      `${ctx.operation}: ${where} refused the credentials (http ${status}); check the token and its read access`,
    );
  }
  if (status === 404) {
    return new SourceError(
      'repo_not_found',
      `${ctx.operation}: ${where} not found (http 404); check the url, or the token if the repository is private`,
    );
  }
  return new SourceError('server_error', `${ctx.operation}: ${where} answered http ${status ?? 'error'}`);
}

/** Maps an isomorphic-git, transport or Node error to a SourceError with a sanitized message. */
export function toSourceError(err: unknown, ctx: GitErrorContext): SourceError {
  if (err instanceof SourceError) return err;
  const where = safeRepoUrl(ctx.url);
  if (err instanceof GitTransportTimeout) {
    return new SourceError(
      'timeout',
      `${ctx.operation}: ${where} did not answer within ${err.timeoutMs} ms; check the server or raise the timeout`,
    );
  }
  const e = (err ?? {}) as { code?: unknown; data?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'HttpError') return fromHttpStatus(statusOf(e), ctx, where);
  if (code === 'NotFoundError' && ctx.ref !== undefined) {
    return new SourceError('branch_not_found', `${ctx.operation}: ref ${ctx.ref} does not exist on ${where}`);
  }
  if (NETWORK_CODES.has(code) || code === 'UnknownTransportError' || code === 'UrlParseError') {
    return new SourceError('network', `${ctx.operation}: cannot reach ${where} (${code.toLowerCase()})`);
  }
  const detail = typeof e.message === 'string' ? redact(e.message).toLowerCase() : 'unknown error';
  return new SourceError('server_error', `${ctx.operation}: ${where} failed: ${detail}`);
}
