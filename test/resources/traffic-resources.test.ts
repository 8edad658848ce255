import { beforeAll, describe, expect, it } from 'vitest';
import {
  sameDestination,
  samenessGroupResource,
  serviceIntentionsResource,
  serviceResolverResource,
} from '../../src/resources/traffic-resources.ts';
import { type ClusterSpec, loadTopologyFile } from '../../src/topology/index.ts';

let cluster: ClusterSpec;
beforeAll(async () => {
  const r = await loadTopologyFile('desired-state-examples/failover/peerings.yaml');
  const spec = r.ok ? r.topology.clusters.find((c) => c.name === 'cluster-02') : undefined;
  if (spec === undefined) throw new Error('the failover example has no cluster-02');
  cluster = spec;
});
const place = { cluster: 'cluster-02', partition: 'default', install: 'cluster-02' };
const managed = { 'app.kubernetes.io/managed-by': 'meshpeer' };

describe('traffic resource builders (consul-k8s v1alpha1 schemas)', () => {
  it('builds ServiceIntentions named after the destination, with peer sources', () => {
    const object = serviceIntentionsResource(cluster, {
      ...place,
      destination: 'static-server',
      sources: [
        { peer: 'cluster-01', service: 'static-client', action: 'allow' },
        { peer: 'cluster-03', service: '*', namespace: 'apps', action: 'deny' },
      ],
    });
    expect(object).toEqual({
      apiVersion: 'consul.hashicorp.com/v1alpha1',
      kind: 'ServiceIntentions',
      metadata: { name: 'static-server', namespace: 'consul', labels: managed },
      spec: {
        destination: { name: 'static-server' },
        sources: [
          { name: 'static-client', peer: 'cluster-01', action: 'allow' },
          { name: '*', namespace: 'apps', peer: 'cluster-03', action: 'deny' },
        ],
      },
    });
  });

  it('builds a ServiceResolver with failover["*"] to peers in order, or to a sameness group', () => {
    const targets = serviceResolverResource(cluster, {
      ...place,
      service: 'api',
      targets: [{ peer: 'b' }, { peer: 'a' }],
    });
    expect(targets.spec).toEqual({ failover: { '*': { targets: [{ peer: 'b' }, { peer: 'a' }] } } });
    expect(targets.metadata).toEqual({
      name: 'api',
      namespace: 'consul',
      labels: managed,
      annotations: { 'meshpeer.dev/owned-failover': '*' },
    });
    const group = serviceResolverResource(cluster, {
      ...place,
      service: 'api',
      namespace: 'shop',
      targets: [],
      samenessGroup: 'g',
    });
    expect(group.spec).toEqual({ failover: { '*': { samenessGroup: 'g' } } });
    expect(group.metadata.namespace).toBe('shop');
  });

  it('builds a SamenessGroup in namespace default, labelled unless adopted', () => {
    const entry = {
      ...place,
      name: 'shop',
      defaultForFailover: false,
      includeLocal: true,
      members: [{ partition: 'retail' }, { peer: 'cluster-01' }],
    };
    expect(samenessGroupResource(entry)).toEqual({
      apiVersion: 'consul.hashicorp.com/v1alpha1',
      kind: 'SamenessGroup',
      metadata: { name: 'shop', namespace: 'default', labels: managed },
      spec: {
        defaultForFailover: false,
        includeLocal: true,
        members: [{ partition: 'retail' }, { peer: 'cluster-01' }],
      },
    });
    expect(samenessGroupResource(entry, true).metadata.labels).toEqual({});
  });

  it('treats an unset destination namespace as default', () => {
    expect(sameDestination({ name: 'a' }, { name: 'a', namespace: 'default' })).toBe(true);
    expect(sameDestination({ name: 'a', namespace: 'x' }, { name: 'a' })).toBe(false);
  });
});
