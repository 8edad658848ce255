/** Reads the shared cluster-access options when a command runs (it loads the kubeconfig helpers). */
import { contextOverrides } from '../kube/kube-config.ts';
import { durationMs } from '../topology/duration.ts';
import type { ClusterOptions } from './cluster-options.ts';

/** Reads --kubeconfig, --context and --timeout from a command's parsed values. */
export function readClusterOptions(opts: {
  kubeconfig?: string;
  context?: string[];
  timeout: string;
}): ClusterOptions {
  const contexts = contextOverrides(opts.context ?? []);
  const kubeconfig = opts.kubeconfig;
  let timeoutMs: number;
  try {
    timeoutMs = durationMs(opts.timeout);
  } catch {
    throw new Error(`--timeout takes a duration like 20s or 2m, got "${opts.timeout}"`);
  }
  return { overrides: { ...(kubeconfig ? { kubeconfig } : {}), contexts }, timeoutMs };
}
