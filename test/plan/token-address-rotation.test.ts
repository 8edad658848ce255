/**
 * The plan rotates an unused token that lists the acceptor's servers instead of its mesh gateways
 * (consul-k8s issue 1683) once Consul has the Mesh setting in effect, and only then: before, a new
 * token would list the servers again; after establishment, the dialer learns addresses from the stream.
 */
import { describe, expect, it } from 'vitest';
import type { ObservedState } from '../../src/observe/observed-state.ts';
import { planFor } from '../../src/plan/index.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';
import { applyPrefix, emptyObserved, resetResourceVersions } from './world-model.ts';

const servers = ['10.244.0.5:8503', '10.244.0.6:8503'];
const gateways = ['203.0.113.10:443'];

async function runbook(): Promise<Topology> {
  const loaded = await loadTopologyFile('desired-state-examples/runbook/peerings.yaml');
  if (!loaded.ok) throw new Error('the runbook example is valid');
  return loaded.topology;
}

/** The acceptor and its token exist (and nothing else of the chain), its token listing `listed`. */
function acceptorIssued(
  t: Topology,
  listed: readonly string[],
  throughGateways: boolean,
  acceptorState: 'PENDING' | 'ACTIVE' = 'PENDING',
): ObservedState {
  resetResourceVersions();
  const empty = emptyObserved(t);
  const full = planFor(t, empty);
  const upToAcceptor = full.steps.findIndex((s) => s.kind === 'acceptor') + 1;
  const observed = applyPrefix(t, empty, full, upToAcceptor);
  const a = observed.clusters['cluster-01'];
  if (!a?.reachable || !a.consul.reachable) throw new Error('cluster-01 is reachable');
  return {
    clusters: {
      ...observed.clusters,
      'cluster-01': {
        ...a,
        tokenSecrets: a.tokenSecrets.map((s) => ({
          ...s,
          serverAddresses: { [s.keys[0] ?? 'data']: listed },
        })),
        consul: {
          ...a.consul,
          peerings: a.consul.peerings.map((p) => ({ ...p, state: acceptorState })),
          peeringAddresses: { throughGateways, gateways, servers },
        },
      },
    },
  };
}

describe("a token listing the acceptor's servers", () => {
  it('is rotated once the Mesh setting is in effect, and the transfer waits for the new token', async () => {
    const t = await runbook();
    const plan = planFor(t, acceptorIssued(t, servers, true));
    const rotate = plan.steps.find((s) => s.kind === 'rotate');
    const name = t.peerings[0]?.tokenSecret.name;
    expect(rotate?.reason).toBe(
      `token Secret ${name} in cluster-01 lists the Consul servers' addresses ${servers.join(', ')} instead of the mesh gateway addresses (${gateways[0]}), which the dialer cannot reach; the Mesh setting peerThroughMeshGateways is in effect now, so the acceptor must issue a new token`,
    );
    expect(rotate?.lane).toBe('cluster-01');
    const transfer = plan.steps.find((s) => s.kind === 'token-transfer');
    expect(transfer?.dependsOn).toContain(rotate?.id);
  });

  it('is left alone while the setting is not in effect: the transfer refuses it meanwhile', async () => {
    const t = await runbook();
    const plan = planFor(t, acceptorIssued(t, servers, false));
    expect(plan.steps.map((s) => s.kind)).not.toContain('rotate');
    expect(plan.steps.map((s) => s.kind)).toContain('token-transfer');
  });

  it('is never rotated for a token listing the gateway, nor for a peering past PENDING', async () => {
    const t = await runbook();
    expect(planFor(t, acceptorIssued(t, gateways, true)).steps.map((s) => s.kind)).not.toContain('rotate');
    const established = planFor(t, acceptorIssued(t, servers, true, 'ACTIVE'));
    expect(established.steps.find((s) => s.kind === 'rotate')?.reason ?? '').not.toContain('Consul servers');
  });
});
