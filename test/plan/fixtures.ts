/**
 * Observed-state fixtures for golden tests: empty, half done, converged, drifted, failed
 * precondition, and an exported service that is not registered in its partition's catalog.
 */
import type { ObservedState } from '../../src/observe/observed-state.ts';
import { planFor } from '../../src/plan/index.ts';
import type { Topology } from '../../src/topology/index.ts';
import { applyPlan, applyPrefix, emptyObserved, resetResourceVersions } from './world-model.ts';

/** The fixture names, in the order golden files are listed. */
export const FIXTURES = [
  'empty',
  'half-done',
  'converged',
  'drifted',
  'failed-precondition',
  'unregistered-export',
] as const;

/** Empty clusters, but the first exported service of the first export is not registered. */
function unregisteredExport(t: Topology, empty: ObservedState): ObservedState {
  const entry = t.exports[0];
  const service = entry?.services[0];
  const c = entry === undefined ? undefined : empty.clusters[entry.install];
  if (entry === undefined || service === undefined || !c?.reachable || !c.consul.reachable) return empty;
  const ns = service.namespace ?? 'default';
  const catalog = c.consul.catalog ?? { services: {}, unreadable: {} };
  const services = {
    ...catalog.services,
    [ns]: (catalog.services[ns] ?? []).filter((n) => n !== service.name),
  };
  return {
    clusters: {
      ...empty.clusters,
      [entry.install]: { ...c, consul: { ...c.consul, catalog: { ...catalog, services } } },
    },
  };
}

/** Builds one fixture for a topology, deterministically. */
export function fixture(t: Topology, name: (typeof FIXTURES)[number]): ObservedState {
  resetResourceVersions();
  const empty = emptyObserved(t);
  const full = planFor(t, empty);
  if (name === 'empty') return empty;
  if (name === 'unregistered-export') return unregisteredExport(t, empty);
  if (name === 'half-done') return applyPrefix(t, empty, full, Math.floor(full.steps.length / 2));
  const converged = applyPlan(t, empty, full);
  if (name === 'converged') return converged;
  const first = t.peerings[0];
  const dialerCluster = first?.dialer.cluster ?? t.clusters[0]?.name ?? '';
  const c = converged.clusters[dialerCluster];
  if (!c?.reachable || !c.consul.reachable || !c.install)
    throw new Error('fixture needs a reachable cluster');
  if (name === 'drifted') {
    // Someone deleted the copied token Secret and the peering went TERMINATED on the dialer side.
    const consul = {
      ...c.consul,
      peerings: c.consul.peerings.map((p) =>
        p.name === first?.acceptor.peerName ? { ...p, state: 'TERMINATED' as const } : p,
      ),
    };
    return {
      clusters: {
        ...converged.clusters,
        [dialerCluster]: {
          ...c,
          consul,
          tokenSecrets: c.tokenSecrets.filter((s) => s.name !== first?.tokenSecret.name),
        },
      },
    };
  }
  return {
    clusters: {
      ...empty.clusters,
      [dialerCluster]: {
        ...c,
        acceptors: [],
        dialers: [],
        tokenSecrets: [],
        exports: [],
        install: {
          ...c.install,
          values: { ...c.install.values, peeringEnabled: false, meshGatewayEnabled: false },
        },
      },
    },
  };
}
