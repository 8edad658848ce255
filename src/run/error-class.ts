/** Decides whether a thrown error is worth retrying: network, throttling, conflicts and 5xx are. */
import { ConsulError } from '../consul/consul-client.ts';
import { KubeError } from '../kube/cluster-client.ts';
import { safeErrorMessage } from '../secrets/redact.ts';

/** A thrown error, classified and with a sanitized message. */
export interface ClassifiedError {
  readonly transient: boolean;
  readonly message: string;
}

/** Classifies any thrown value; unknown errors are retried, since most are network trouble. */
export function classifyError(err: unknown): ClassifiedError {
  const message = safeErrorMessage(err);
  if (err instanceof KubeError || err instanceof ConsulError) return { transient: err.transient, message };
  if (err instanceof TypeError || err instanceof RangeError) return { transient: false, message };
  return { transient: true, message };
}
