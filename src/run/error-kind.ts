/**
 * What kind of failure an error is, for log fields an operator can filter on: a refused
 * connection, a timeout, another network failure, an HTTP 4xx or 5xx, an invalid desired state.
 * Typed errors keep what their adapters classified (kube-error.ts, the Consul client, the SCM and
 * Git sources, the Redis check); messages that were already flattened to text (run failures, plan
 * errors) are read by the fixed phrases those adapters write.
 */
import { ConsulError } from '../consul/consul-client.ts';
import { RedisUnavailableError } from '../io/redis-error.ts';
import { KubeError } from '../kube/cluster-client.ts';
import { ScmError } from '../scm/scm-error.ts';
import { SourceError } from '../source/source-error.ts';

/** The closed set of failure kinds in log lines (`errorKind`). */
export type ErrorKind = 'refused' | 'timeout' | 'unreachable' | '4xx' | '5xx' | 'invalid' | 'other';

/** A classified failure: its kind and, when an HTTP answer came, its status. */
export interface FailureClass {
  readonly errorKind: ErrorKind;
  readonly httpStatus?: number;
}

// "refused the connection" is what kube-error.ts and redis-error.ts write; ECONNREFUSED what Node does.
const REFUSED = /refused the connection|connection refused|ECONNREFUSED/i;
const TIMEOUT = /did not answer|timed out|gave up waiting|ETIMEDOUT|deadline|TimeoutError|AbortError/i;
const UNREACHABLE =
  /unreachable|cannot reach|cannot be resolved|closed the connection|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE/i;
// "(http 404)" (SCM, Git), "failed (503)" (Consul), "... (403)" (kube-error.ts), "answered http 502".
const STATUS = /(?:\bhttp\s+|\()([45]\d\d)\b/i;
const INVALID = /invalid desired state/i;

function byStatus(status: number): FailureClass {
  if (status >= 400 && status < 500) return { errorKind: '4xx', httpStatus: status };
  if (status >= 500 && status < 600) return { errorKind: '5xx', httpStatus: status };
  return { errorKind: 'other', httpStatus: status };
}

/**
 * Classifies a failure message. Connection failures are checked before any status, so a message
 * like "consul unreachable via …: ECONNREFUSED" is `refused`, never a 5xx.
 */
export function classifyFailureText(message: string): FailureClass {
  if (INVALID.test(message)) return { errorKind: 'invalid' };
  if (REFUSED.test(message)) return { errorKind: 'refused' };
  if (TIMEOUT.test(message)) return { errorKind: 'timeout' };
  if (UNREACHABLE.test(message)) return { errorKind: 'unreachable' };
  const status = STATUS.exec(message)?.[1];
  if (status !== undefined) return byStatus(Number(status));
  return { errorKind: 'other' };
}

/** A network failure whose code was kept: refused, timeout, or otherwise unreachable. */
function network(message: string): FailureClass {
  const text = classifyFailureText(message);
  return text.errorKind === 'refused' || text.errorKind === 'timeout' ? text : { errorKind: 'unreachable' };
}

function kubeClass(err: KubeError): FailureClass {
  if (err.code === 'timeout') return { errorKind: 'timeout' };
  if (err.status !== undefined) return byStatus(err.status);
  if (err.code === 'unreachable') return network(err.message);
  return err.code === 'server' ? { errorKind: '5xx' } : { errorKind: '4xx' };
}

function sourceClass(err: SourceError): FailureClass {
  if (err.code === 'timeout') return { errorKind: 'timeout' };
  if (err.code === 'network') return network(err.message);
  return classifyFailureText(err.message);
}

const redisKinds: Partial<Record<RedisUnavailableError['failure'], ErrorKind>> = {
  refused: 'refused',
  timeout: 'timeout',
  dns: 'unreachable',
  unreachable: 'unreachable',
  reset: 'unreachable',
  lost: 'unreachable',
};

/** Classifies any thrown value, trusting the adapters' own classification where there is one. */
export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof KubeError) return kubeClass(err);
  if (err instanceof ConsulError) return err.status === 0 ? network(err.message) : byStatus(err.status);
  if (err instanceof ScmError) {
    if (err.code === 'timeout') return { errorKind: 'timeout' };
    if (err.code === 'network') return network(err.message);
    return err.status === undefined ? classifyFailureText(err.message) : byStatus(err.status);
  }
  if (err instanceof SourceError) return sourceClass(err);
  if (err instanceof RedisUnavailableError) return { errorKind: redisKinds[err.failure] ?? 'other' };
  const code = (err as { code?: unknown } | null)?.code;
  const text = err instanceof Error ? err.message : String(err);
  return classifyFailureText(typeof code === 'string' ? `${code} ${text}` : text);
}
