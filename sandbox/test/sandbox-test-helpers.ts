/** Shared helpers for the sandbox tests: client-node config for a cluster, bounded polling, errors. */
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import type { SandboxCluster } from '../src/sandbox-cluster.ts';
import { renderKubeconfig } from '../src/sandbox-files.ts';

/** A KubeConfig for one sandbox cluster, built from the generated kubeconfig text. */
export function kubeConfigFor(cluster: SandboxCluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(renderKubeconfig([cluster]));
  return kc;
}

/** Polls `check` until it returns a value other than undefined, failing after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The Status of a failed client-node call: its HTTP code and parsed body. */
export async function statusOf(
  call: Promise<unknown>,
): Promise<{ code: number; reason: string; message: string; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    // client-node drops the body of 401 answers; every other failure carries the Status.
    const body = (typeof err.body === 'string' ? JSON.parse(err.body) : {}) as Record<string, unknown>;
    return { code: err.code, reason: String(body.reason ?? ''), message: String(body.message ?? ''), body };
  }
  throw new Error('expected the call to fail');
}
