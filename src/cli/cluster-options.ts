/** The options every command that talks to clusters shares: kubeconfig, context overrides, timeout. */
import type { Command } from 'commander';
import type { KubeconfigOverrides } from '../kube/kube-config.ts';

/**
 * The `--context` help, the same for every command that talks to clusters. Kept here, not beside
 * the kubeconfig loader, so that defining a command does not load the Kubernetes client.
 */
export const CONTEXT_OPTION_HELP =
  'use another kube context for a cluster or partition install: CLUSTER=CONTEXT or CLUSTER/PARTITION=CONTEXT (repeatable)';

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
