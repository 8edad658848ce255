/**
 * A topology with every traffic setting (the admin-partitions example plus intentions, failover to
 * peers and to a sameness group) and observed states for it: empty, converged, and drifted in the
 * ways shared ownership matters (others' objects adopted or merged into, meshpeer's leftovers pruned).
 */
import { readFileSync } from 'node:fs';
import type { ObservedCluster, ObservedState } from '../../src/observe/observed-state.ts';
import { planFor } from '../../src/plan/index.ts';
import { samenessFields } from '../../src/resources/sameness-group-fields.ts';
import { intentionSourceKeys } from '../../src/resources/service-intentions-merge.ts';
import { parseTopology, type Topology } from '../../src/topology/index.ts';
import { applyPlan, emptyObserved, resetResourceVersions } from './world-model.ts';

/** The traffic sections added to the admin-partitions example. */
export const TRAFFIC_SECTIONS = `
samenessGroups:
  - cluster: cluster-02/payments
    name: shop
    defaultForFailover: true
    includeLocal: true
    members: [{ peer: cluster-01-finance }]
intentions:
  - cluster: cluster-01/finance
    destination: ledger
    namespace: default
    sources:
      - { peer: cluster-02-payments, service: checkout, action: allow }
  - cluster: cluster-02/payments
    destination: checkout
    sources:
      - { peer: cluster-01-finance, service: '*', action: deny }
failover:
  - cluster: cluster-02/payments
    service: ledger
    samenessGroup: shop
  - cluster: cluster-01/retail
    service: catalog
    targets: [{ peer: cluster-02 }]
`;

/** The admin-partitions example with TRAFFIC_SECTIONS. */
export function trafficTopology(extra = TRAFFIC_SECTIONS): Topology {
  const base = readFileSync('desired-state-examples/admin-partitions/peerings.yaml', 'utf8');
  const result = parseTopology(`${base}${extra}`, 'admin-partitions-traffic.yaml');
  if (!result.ok) throw new Error(`invalid traffic topology: ${result.diagnostics[0]?.message}`);
  return result.topology;
}

/** The fixture names of the traffic golden plans. */
export const TRAFFIC_FIXTURES = ['empty', 'converged', 'traffic-drifted'] as const;

const meta = (name: string, namespace: string, managed: boolean) => ({
  name,
  namespace,
  resourceVersion: '900',
  managed,
  synced: true,
  deleting: false,
});

/** Another team's source, which every write must keep. */
export const TEAM_SOURCE = { name: 'auditor', peer: 'cluster-02-payments', action: 'allow' } as const;

function driftedFinance(c: ObservedCluster): ObservedCluster {
  // The ledger's ServiceIntentions was made by another team (another name), with its own source.
  const legacy = [{ name: 'reports', peer: 'cluster-02-payments', action: 'allow' }, TEAM_SOURCE];
  return {
    ...c,
    intentions: [
      {
        ...meta('ledger-intentions', 'finance-apps', false),
        destination: 'ledger',
        destinationNamespace: 'default',
        owned: [],
        sources: [TEAM_SOURCE],
      },
      // A destination meshpeer wrote a source into and that left the file: only its source goes.
      {
        ...meta('legacy', 'consul', false),
        destination: 'legacy',
        owned: intentionSourceKeys(legacy.slice(0, 1)),
        sources: legacy,
      },
    ],
  };
}

function driftedPayments(c: ObservedCluster): ObservedCluster {
  return {
    ...c,
    // Someone else's group of that name: adopted for the declared fields, never labelled.
    samenessGroups: [
      { ...meta('shop', 'default', false), fields: samenessFields({ includeLocal: true, members: [] }) },
      { ...meta('old-group', 'default', true), fields: samenessFields({ includeLocal: true }) },
    ],
  };
}

function driftedRetail(c: ObservedCluster): ObservedCluster {
  return {
    ...c,
    resolvers: [
      // Another team's resolver with a timeout: meshpeer adds its failover and keeps the rest.
      { ...meta('catalog', 'retail-apps', false), ownsFailover: false, otherFields: true, redirect: false },
      // A resolver meshpeer created for a service that left the file: deleted whole.
      {
        ...meta('old-service', 'consul', true),
        failover: { targets: [{ peer: 'cluster-02' }] },
        ownsFailover: true,
        otherFields: false,
        redirect: false,
      },
    ],
  };
}

/** Builds one traffic fixture, deterministically. */
export function trafficFixture(t: Topology, name: (typeof TRAFFIC_FIXTURES)[number]): ObservedState {
  resetResourceVersions();
  const empty = emptyObserved(t);
  if (name === 'empty') return empty;
  const converged = applyPlan(t, empty, planFor(t, empty));
  if (name === 'converged') return converged;
  const drift: Record<string, (c: ObservedCluster) => ObservedCluster> = {
    'cluster-01/finance': driftedFinance,
    'cluster-01/retail': driftedRetail,
    'cluster-02/payments': driftedPayments,
  };
  const clusters = Object.fromEntries(
    Object.entries(converged.clusters).map(([install, c]) => {
      const f = drift[install];
      return [
        install,
        c.reachable && f !== undefined ? f({ ...c, intentions: [], resolvers: [], samenessGroups: [] }) : c,
      ];
    }),
  );
  return { clusters };
}
