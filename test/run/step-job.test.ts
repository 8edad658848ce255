import { describe, expect, it } from 'vitest';
import { planFor } from '../../src/plan/index.ts';
import { clustersOf } from '../../src/run/step-job.ts';
import { loadTopologyFile } from '../../src/topology/index.ts';
import { emptyObserved } from '../plan/world-model.ts';

describe('the installs a step job carries', () => {
  it("adds a partition install's server install, whose Service its Consul calls go through", async () => {
    const r = await loadTopologyFile('desired-state-examples/admin-partitions/peerings.yaml');
    if (!r.ok) throw new Error('invalid example');
    const plan = planFor(r.topology, emptyObserved(r.topology));
    const names = (id: string) => {
      const step = plan.steps.find((s) => s.id === id);
      if (step === undefined) throw new Error(`no step ${id}`);
      return clustersOf(step, r.topology).map((c) => c.name);
    };
    expect(names('dialer/cluster-02/payments/consul/cluster-01-finance')).toEqual([
      'cluster-02',
      'cluster-02/payments',
    ]);
    expect(names('mesh-gateway/cluster-01/mesh')).toEqual(['cluster-01']);
    const verify = plan.steps.find((s) => s.kind === 'verify' && s.peering?.startsWith('cluster-01/finance'));
    expect(verify && clustersOf(verify, r.topology).map((c) => c.name)).toEqual([
      'cluster-01',
      'cluster-01/finance',
      'cluster-02',
      'cluster-02/payments',
    ]);
  });
});
