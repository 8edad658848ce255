/** The options every command that talks to clusters shares: kubeconfig, context overrides, timeout. */
import type { Command } from 'commander';
import { CONTEXT_OPTION_HELP, contextOverrides, type KubeconfigOverrides } from '../kube/kube-config.ts';
import { durationMs } from '../topology/duration.ts';

/** Parsed cluster-access options. */
export interface ClusterOptions {
  readonly overrides: KubeconfigOverrides;
  readonly timeoutMs: number;
}

/** Adds --kubeconfig, --context and --timeout to a command. */
export function addClusterOptions(command: Command): Command {
  return command
    .option(
      '--kubeconfig <path>',
      'kubeconfig for clusters that do not name their own (default: KUBECONFIG, then ~/.kube/config)',
    )
    .option('--context <cluster=context...>', CONTEXT_OPTION_HELP)
    .option('--timeout <duration>', 'deadline for observing each cluster', '20s');
}

/** Reads the shared options from a command's parsed values. */
export function clusterOptions(opts: {
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
