/**
 * Observes every cluster of a topology in parallel, each under its own deadline. A cluster that
 * fails or times out is reported as unreachable; it never fails the others.
 */

import { type ConsulConnector, defaultConsulConnector } from '../consul/consul-access.ts';
import { installDirectory } from '../consul/install-directory.ts';
import { formatDuration } from '../io/format-duration.ts';
import type { ClusterReader } from '../kube/cluster-client.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import type { Topology } from '../topology/index.ts';
import { observeCluster } from './observe-cluster.ts';
import type { ObservedState } from './observed-state.ts';

/** How to observe: the reader of each cluster, a deadline, and how to reach Consul. */
export interface ObserveOptions {
  readonly reader: (cluster: string) => ClusterReader;
  readonly timeoutMs?: number;
  readonly connect?: ConsulConnector;
  /** Called as each cluster finishes, for progress output; `error` says why a cluster is unreachable. */
  readonly onCluster?: (cluster: string, ok: boolean, ms: number, error?: string) => void;
}

/**
 * A little after the per-call deadline of the cluster clients (the same `--timeout`), so a stalled
 * API server is reported by the call that stalled, which names its URL; this backstop catches
 * observations that answer call by call but take too long in all.
 */
const BACKSTOP_GRACE_MS = 250;

function deadline<T>(promise: Promise<T>, ms: number, cluster: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${cluster}: observation did not finish within ${formatDuration(ms)}; raise --timeout or check the cluster's API server`,
          ),
        ),
      ms + BACKSTOP_GRACE_MS,
    );
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** A snapshot of every cluster in the topology. */
export async function observeAll(topology: Topology, options: ObserveOptions): Promise<ObservedState> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const installs = installDirectory(topology.clusters, options.reader);
  const entries = await Promise.all(
    topology.clusters.map(async (spec) => {
      const started = Date.now();
      try {
        const observed = await deadline(
          observeCluster(spec, topology, installs, options.connect ?? defaultConsulConnector),
          timeoutMs,
          spec.name,
        );
        options.onCluster?.(spec.name, true, Date.now() - started);
        return [spec.name, observed] as const;
      } catch (err) {
        const error = safeErrorMessage(err);
        options.onCluster?.(spec.name, false, Date.now() - started, error);
        return [spec.name, { reachable: false as const, error }] as const;
      }
    }),
  );
  return { clusters: Object.fromEntries(entries) };
}
