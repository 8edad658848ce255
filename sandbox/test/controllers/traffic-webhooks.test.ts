/**
 * The traffic CRDs in the emulated API server: their schemas (real field names accepted, unknown
 * fields refused under Strict), and the consul-k8s webhooks' refusals with the real texts
 * (serviceintentions_webhook.go, serviceresolver_webhook.go, samenessgroup_webhook.go and the
 * Validate methods of their types).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ObjectService } from '../../src/kube/object-service.ts';
import { ObjectStore } from '../../src/kube/object-store.ts';
import { defaultCatalog } from '../../src/kube/resource-catalog.ts';
import { KubeApiError } from '../../src/kube/status-error.ts';
import type { StoredObject } from '../../src/kube/stored-object.ts';

const group = 'consul.hashicorp.com';
const apiVersion = `${group}/v1alpha1`;
let service: ObjectService;

function create(kind: string, namespace: string, name: string, spec: Record<string, unknown>): StoredObject {
  const rt = service.catalog.require(apiVersion, kind);
  return service.create(rt, namespace, { apiVersion, kind, metadata: { name }, spec }, {}).object;
}

function refusal(call: () => unknown): string {
  try {
    call();
  } catch (err) {
    if (err instanceof KubeApiError) return `${err.toStatus().code} ${err.message}`;
    throw err;
  }
  throw new Error('expected a refusal');
}

const denied = (webhook: string, text: string) =>
  `400 admission webhook "${webhook}.consul.hashicorp.com" denied the request: ${text}`;

beforeEach(() => {
  service = new ObjectService(defaultCatalog(), new ObjectStore());
  const ns = service.catalog.require('v1', 'Namespace');
  for (const name of ['consul', 'team-a', 'default'])
    service.create(ns, undefined, { metadata: { name } }, {});
});

describe('traffic CRDs', () => {
  it('serve ServiceIntentions, ServiceResolver and SamenessGroup with their short names and schemas', () => {
    for (const [kind, short] of [
      ['ServiceIntentions', 'service-intentions'],
      ['ServiceResolver', 'service-resolver'],
      ['SamenessGroup', 'sameness-group'],
    ] as const) {
      expect(service.catalog.require(apiVersion, kind).shortNames).toEqual([short]);
    }
    const created = create('ServiceResolver', 'consul', 'api', {
      connectTimeout: '5s',
      failover: { '*': { targets: [{ peer: 'east' }] } },
    });
    expect(created.spec).toEqual({
      connectTimeout: '5s',
      failover: { '*': { targets: [{ peer: 'east' }] } },
    });
    expect(
      refusal(() =>
        create('ServiceIntentions', 'consul', 'x', {
          destination: { name: 'x' },
          sources: [{ name: 'web', peer: 'east', action: 'allow', extra: 1 }],
        }),
      ),
    ).toContain('unknown field "spec.sources[0].extra"');
  });
});

describe('ServiceIntentions webhook', () => {
  const intentions = (sources: unknown[], name = 'api') => ({ destination: { name }, sources });

  it('allows one resource per destination in the cluster, and keeps the destination immutable', () => {
    create(
      'ServiceIntentions',
      'consul',
      'api',
      intentions([{ name: 'web', peer: 'east', action: 'allow' }]),
    );
    expect(
      refusal(() =>
        create('ServiceIntentions', 'team-a', 'other', intentions([{ name: 'web', action: 'allow' }])),
      ),
    ).toBe(
      denied(
        'mutate-serviceintentions',
        'an existing ServiceIntentions resource has `spec.destination.name: api`',
      ),
    );
    const rt = service.catalog.require(apiVersion, 'ServiceIntentions');
    const current = service.store.get(rt, 'consul', 'api') as StoredObject;
    expect(
      refusal(() =>
        service.replace(
          rt,
          'consul',
          'api',
          { ...current, spec: intentions([{ name: 'web', action: 'allow' }], 'db') },
          {},
        ),
      ),
    ).toBe(
      denied(
        'mutate-serviceintentions',
        'spec.destination.name and spec.destination.namespace are immutable fields for ServiceIntentions',
      ),
    );
  });

  it('refuses bad actions, peer with partition, and namespaces without Consul namespaces', () => {
    expect(refusal(() => create('ServiceIntentions', 'consul', 'a', intentions([])))).toBe(
      denied(
        'mutate-serviceintentions',
        'serviceintentions.consul.hashicorp.com "a" is invalid: spec.sources: Required value: at least one source must be specified',
      ),
    );
    expect(
      refusal(() =>
        create(
          'ServiceIntentions',
          'consul',
          'b',
          intentions([{ name: 'web', peer: 'east', partition: 'ap1', action: 'permit' }], 'b'),
        ),
      ),
    ).toBe(
      denied(
        'mutate-serviceintentions',
        'serviceintentions.consul.hashicorp.com "b" is invalid: [spec.sources[0].action: Invalid value: "permit": must be one of "allow", "deny", ' +
          'spec.sources[0].partition: Invalid value: "ap1": Consul Enterprise Admin Partitions must be enabled to set source.partition, ' +
          'spec.sources[0]: Invalid value: v1alpha1.SourceIntention{Name:"web", Namespace:"", Peer:"east", Partition:"ap1", SamenessGroup:"", Action:"permit", Permissions:v1alpha1.IntentionPermissions(nil), Description:""}: cannot set peer and partition at the same time.]',
      ),
    );
    expect(
      refusal(() =>
        create('ServiceIntentions', 'consul', 'c', {
          destination: { name: 'c', namespace: 'ns1' },
          sources: [{ name: 'web', peer: 'e*', action: 'allow' }],
        }),
      ),
    ).toBe(
      denied(
        'mutate-serviceintentions',
        'serviceintentions.consul.hashicorp.com "c" is invalid: [spec.sources[0].peer: Invalid value: "e*": peer cannot use or contain wildcard \'*\', ' +
          'spec.destination.namespace: Invalid value: "ns1": Consul Enterprise namespaces must be enabled to set destination.namespace]',
      ),
    );
  });
});

describe('ServiceResolver webhook', () => {
  it('refuses invalid failover and a second resolver of the same name in another namespace', () => {
    create('ServiceResolver', 'consul', 'api', { failover: { '*': { targets: [{ peer: 'east' }] } } });
    expect(refusal(() => create('ServiceResolver', 'team-a', 'api', {}))).toBe(
      denied(
        'mutate-serviceresolver',
        'serviceresolver resource with name "api" is already defined – all serviceresolver resources must have unique names across namespaces',
      ),
    );
    expect(
      refusal(() =>
        create('ServiceResolver', 'consul', 'db', {
          failover: { '*': { samenessGroup: 'g', targets: [{ peer: 'east', partition: 'ap1' }] } },
        }),
      ),
    ).toBe(
      denied(
        'mutate-serviceresolver',
        'serviceresolver.consul.hashicorp.com "db" is invalid: [spec.failover[*]: Invalid value: "{\\"targets\\":[{\\"peer\\":\\"east\\",\\"partition\\":\\"ap1\\"}],\\"samenessGroup\\":\\"g\\"}": samenessGroup cannot be set with targets, ' +
          'spec.failover[*].targets[0]: Invalid value: "{\\"partition\\":\\"ap1\\",\\"peer\\":\\"east\\"}": target.partition cannot be set with target.peer]',
      ),
    );
    expect(refusal(() => create('ServiceResolver', 'consul', 'empty', { failover: { '*': {} } }))).toBe(
      denied(
        'mutate-serviceresolver',
        'serviceresolver.consul.hashicorp.com "empty" is invalid: spec.failover[*]: Invalid value: "{}": service, serviceSubset, namespace, datacenters, policy, and targets cannot all be empty at once',
      ),
    );
  });
});

describe('SamenessGroup webhook', () => {
  it('keeps sameness groups in the default namespace with valid, unique members', () => {
    expect(refusal(() => create('SamenessGroup', 'consul', 'g', { members: [{ peer: 'east' }] }))).toBe(
      denied(
        'mutate-samenessgroup',
        'samenessgroup.consul.hashicorp.com "g" is invalid: spec.name: Invalid value: "": sameness groups must reside in the default namespace',
      ),
    );
    expect(
      refusal(() =>
        create('SamenessGroup', 'default', 'g', {
          members: [{ peer: 'east', partition: 'ap1' }, { peer: 'west' }, { peer: 'west' }],
        }),
      ),
    ).toBe(
      denied(
        'mutate-samenessgroup',
        'samenessgroup.consul.hashicorp.com "g" is invalid: [spec.members[0]: Invalid value: "{\\"partition\\":\\"ap1\\",\\"peer\\":\\"east\\"}": sameness group members cannot specify both partition and peer in the same entry, ' +
          'spec.members[2]: Invalid value: "{\\"peer\\":\\"west\\"}": sameness group members must be unique]',
      ),
    );
    create('SamenessGroup', 'default', 'g', { includeLocal: true, members: [{ peer: 'east' }] });
  });
});
