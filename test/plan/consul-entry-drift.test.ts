/**
 * The plan against Consul's own exported-services entry: consul-k8s re-syncs a Synced resource
 * only when it changes, so an entry edited in Consul is found only by reading it, and a token that
 * may not read it turns that check off, which the plan says.
 */
import { describe, expect, it } from 'vitest';
import type { ConsulFacts, ObservedState } from '../../src/observe/observed-state.ts';
import { planFor } from '../../src/plan/index.ts';
import { loadTopologyFile, type Topology } from '../../src/topology/index.ts';
import { applyPlan, emptyObserved } from './world-model.ts';

async function converged(): Promise<{ t: Topology; observed: ObservedState }> {
  const r = await loadTopologyFile('desired-state-examples/runbook/peerings.yaml');
  if (!r.ok) throw new Error('invalid example');
  const t = r.topology;
  const empty = emptyObserved(t);
  return { t, observed: applyPlan(t, empty, planFor(t, empty)) };
}

/** The snapshot with cluster-02's view of Consul's exported-services entry replaced. */
type ExportEntry = NonNullable<Extract<ConsulFacts, { reachable: true }>['exportEntry']>;

function withEntry(observed: ObservedState, exportEntry: ExportEntry): ObservedState {
  const c = observed.clusters['cluster-02'];
  if (!c?.reachable || !c.consul.reachable) throw new Error('cluster-02 is not reachable in the fixture');
  return { clusters: { ...observed.clusters, 'cluster-02': { ...c, consul: { ...c.consul, exportEntry } } } };
}

const exportSteps = (plan: ReturnType<typeof planFor>) => plan.steps.filter((s) => s.kind === 'export');

describe("plan: Consul's exported-services entry beside the resource", () => {
  it('plans nothing when Consul holds meshpeer entries', async () => {
    const { t, observed } = await converged();
    const keys = ['/static-server>peer:cluster-01'];
    const plan = planFor(t, withEntry(observed, { name: 'default', keys }));
    expect([exportSteps(plan), plan.notes]).toEqual([[], []]);
  });

  it('plans an export update naming what Consul lacks when the Synced resource is as desired', async () => {
    const { t, observed } = await converged();
    const [step] = exportSteps(planFor(t, withEntry(observed, { name: 'default', keys: [] })));
    expect(step).toMatchObject({ action: 'update', lane: 'cluster-02', target: { name: 'default' } });
    expect(step?.reason).toContain("Consul's exported-services entry lacks 1 of meshpeer's entries");
    expect(step?.changes).toEqual([
      {
        path: "Consul exported-services entry (meshpeer's entries)",
        from: [],
        to: ['static-server→peer:cluster-01'],
      },
    ]);
  });

  it('says in a note that the check is off when the token may not read the entry', async () => {
    const { t, observed } = await converged();
    const plan = planFor(
      t,
      withEntry(observed, { name: 'default', unreadable: 'the token lacks mesh:read' }),
    );
    expect(exportSteps(plan)).toEqual([]);
    expect(plan.notes).toEqual([
      {
        cluster: 'cluster-02',
        message:
          "Consul's exported-services entry default could not be read (the token lacks mesh:read), so an entry changed in Consul behind consul-k8s goes unnoticed: grant mesh:read to meshpeer's token",
      },
    ]);
  });
});
