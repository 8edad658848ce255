/** Maps @kubernetes/client-node failures to KubeError without ever copying a response body. */
import { ApiException } from '@kubernetes/client-node';
import { formatDuration } from '../io/format-duration.ts';
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
  'ENETUNREACH',
  'ECONNABORTED',
]);

/** What a network failure means, in the words an operator checks (`kubectl` says the same). */
const networkWords: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'closed the connection (ECONNRESET)',
  EPIPE: 'closed the connection (EPIPE)',
  ENOTFOUND: 'cannot be resolved (ENOTFOUND)',
  EAI_AGAIN: 'cannot be resolved right now (EAI_AGAIN)',
  EHOSTUNREACH: 'is unreachable (EHOSTUNREACH)',
  ENETUNREACH: 'is unreachable (ENETUNREACH)',
  ETIMEDOUT: 'did not answer (ETIMEDOUT)',
};

/** Where a cluster's API server is and which kube context names it, for messages that say what to check. */
export interface KubeEndpoint {
  readonly server?: string;
  readonly context?: string;
}

function apiAt(endpoint: KubeEndpoint): string {
  return endpoint.server === undefined ? 'the Kubernetes API' : `the Kubernetes API at ${endpoint.server}`;
}

function checkContext(endpoint: KubeEndpoint): string {
  return endpoint.context === undefined
    ? 'check the kube context'
    : `check kube context "${endpoint.context}"`;
}

/**
 * The error of a call that passed its deadline: one line naming the cluster, the API server and
 * the deadline, e.g. `cluster-02: the Kubernetes API at https://10.0.0.1:6443 did not answer
 * within 2s (list Secret in consul); check kube context "cluster-02"`.
 */
export function kubeTimeout(
  cluster: string,
  what: string,
  ms: number,
  endpoint: KubeEndpoint = {},
): KubeError {
  return new KubeError(
    'timeout',
    `${cluster}: ${apiAt(endpoint)} did not answer within ${formatDuration(ms)} (${what}); ${checkContext(endpoint)}`,
  );
}

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
export function toKubeError(
  err: unknown,
  cluster: string,
  what: string,
  endpoint: KubeEndpoint = {},
): KubeError {
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
    return new KubeError(
      'timeout',
      `${cluster}: ${apiAt(endpoint)} did not answer (${what}); ${checkContext(endpoint)}`,
    );
  if (netCode !== undefined && networkCodes.has(netCode))
    return new KubeError(
      'unreachable',
      `${cluster}: ${apiAt(endpoint)} ${networkWords[netCode] ?? `is unreachable (${netCode})`} (${what}); ${checkContext(endpoint)}`,
    );
  return new KubeError(
    'unreachable',
    `${cluster}: ${what} failed: ${err instanceof Error ? err.message.split('\n')[0] : 'unknown error'}`,
  );
}
