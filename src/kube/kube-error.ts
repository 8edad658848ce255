/** Maps @kubernetes/client-node failures to KubeError without ever copying a response body. */
import { ApiException } from '@kubernetes/client-node';
import { redact } from '../secrets/redact.ts';
import { KubeError, type KubeErrorCode } from './cluster-client.ts';

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/**
 * The Status message (admission denials and validation errors say what to fix there), else its
 * reason. Status messages name fields, never Secret data, and pass through redaction anyway.
 */
function reasonOf(body: unknown): string | undefined {
  const parsed =
    typeof body === 'string'
      ? (() => {
          try {
            return JSON.parse(body) as unknown;
          } catch {
            return undefined;
          }
        })()
      : body;
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { message, reason } = parsed as { message?: unknown; reason?: unknown };
  if (typeof message === 'string' && message !== '')
    return redact(message.split('\n')[0] ?? message).slice(0, 400);
  return typeof reason === 'string' ? reason : undefined;
}

const codeByStatus: Record<number, KubeErrorCode> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  415: 'invalid',
  422: 'invalid',
  429: 'throttled',
  504: 'timeout',
};

/** A KubeError for any thrown value; `what` names the call, e.g. `get Secret consul/x`. */
export function toKubeError(err: unknown, cluster: string, what: string): KubeError {
  if (err instanceof KubeError) return err;
  if (err instanceof ApiException) {
    const status = err.code;
    const reason = reasonOf(err.body) ?? `HTTP ${status}`;
    const code = codeByStatus[status] ?? 'server';
    return new KubeError(code, `${cluster}: ${what} failed: ${reason} (${status})`, status);
  }
  const e = err as { code?: string; cause?: { code?: string }; name?: string };
  const netCode = e.code ?? e.cause?.code;
  if (e.name === 'AbortError' || netCode === 'ETIMEDOUT')
    return new KubeError('timeout', `${cluster}: ${what} timed out`);
  if (netCode !== undefined && networkCodes.has(netCode))
    return new KubeError('unreachable', `${cluster}: ${what} failed: API server unreachable (${netCode})`);
  return new KubeError(
    'unreachable',
    `${cluster}: ${what} failed: ${err instanceof Error ? err.message.split('\n')[0] : 'unknown error'}`,
  );
}
