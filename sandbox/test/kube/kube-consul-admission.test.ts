/**
 * The simulated consul-k8s webhooks against the texts of the real ones (control-plane/api/v1alpha1
 * *_webhook.go and the Validate methods): singletons across namespaces, ExportedServices named after
 * the partition and one per cluster, field errors worded by apimachinery, the chart's webhook names,
 * and the API server's denial shape (400, no reason).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ObjectService } from '../../src/kube/object-service.ts';
import { ObjectStore } from '../../src/kube/object-store.ts';
import { defaultCatalog } from '../../src/kube/resource-catalog.ts';
import { KubeApiError, type StatusBody } from '../../src/kube/status-error.ts';
import type { StoredObject } from '../../src/kube/stored-object.ts';

const group = 'consul.hashicorp.com';
const apiVersion = `${group}/v1alpha1`;
let service: ObjectService;

function create(kind: string, namespace: string, name: string, spec: Record<string, unknown>): StoredObject {
  const rt = service.catalog.require(apiVersion, kind);
  return service.create(rt, namespace, { apiVersion, kind, metadata: { name }, spec }, {}).object;
}

function denial(call: () => unknown): StatusBody & { message: string } {
  try {
    call();
  } catch (err) {
    if (err instanceof KubeApiError) return { ...err.toStatus(), message: err.message };
    throw err;
  }
  throw new Error('expected a denial');
}

const denied = (webhook: string, text: string) =>
  `admission webhook "${webhook}" denied the request: ${text}`;

beforeEach(() => {
  service = new ObjectService(defaultCatalog(), new ObjectStore());
  const ns = service.catalog.require('v1', 'Namespace');
  for (const name of ['consul', 'team-a']) service.create(ns, undefined, { metadata: { name } }, {});
});

describe('Mesh and ProxyDefaults webhooks', () => {
  it('allow one Mesh named mesh in the whole cluster', () => {
    expect(denial(() => create('Mesh', 'consul', 'other', {}))).toEqual(
      expect.objectContaining({
        code: 400,
        message: denied('mutate-mesh.consul.hashicorp.com', 'mesh resource name must be "mesh"'),
      }),
    );
    create('Mesh', 'team-a', 'mesh', { peering: { peerThroughMeshGateways: true } });
    const second = denial(() => create('Mesh', 'consul', 'mesh', {}));
    expect(second).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: denied(
        'mutate-mesh.consul.hashicorp.com',
        'mesh resource already defined - only one mesh entry is supported',
      ),
      code: 400,
    });
  });

  it('check Mesh TLS versions and forbid peering through gateways outside the default partition', () => {
    service.consulWebhooks = { partition: 'finance' };
    const message = denial(() =>
      create('Mesh', 'consul', 'mesh', {
        tls: { incoming: { tlsMinVersion: 'TLSv9' } },
        peering: { peerThroughMeshGateways: true },
      }),
    ).message;
    expect(message).toBe(
      denied(
        'mutate-mesh.consul.hashicorp.com',
        'mesh.consul.hashicorp.com "mesh" is invalid: [spec.tls.incoming.tlsMinVersion: Invalid value: "TLSv9": must be one of "TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3", "", spec.peering.peerThroughMeshGateways: Forbidden: "peerThroughMeshGateways" is only valid in the "default" partition]',
      ),
    );
  });

  it('allow one ProxyDefaults named global and word its field errors like consul-k8s', () => {
    const webhook = 'mutate-proxydefaults.consul.hashicorp.com';
    expect(denial(() => create('ProxyDefaults', 'consul', 'local', {})).message).toBe(
      denied(webhook, 'proxydefaults resource name must be "global"'),
    );
    expect(denial(() => create('ProxyDefaults', 'consul', 'global', { mode: 'direct' })).message).toBe(
      denied(
        webhook,
        'proxydefaults.consul.hashicorp.com "global" is invalid: spec.mode: Invalid value: "direct": use the annotation `consul.hashicorp.com/transparent-proxy` to configure the Transparent Proxy Mode',
      ),
    );
    expect(
      denial(() => create('ProxyDefaults', 'consul', 'global', { meshGateway: { mode: 'sideways' } }))
        .message,
    ).toContain(
      'spec.meshGateway.mode: Invalid value: "sideways": must be one of "remote", "local", "none", ""',
    );
    create('ProxyDefaults', 'team-a', 'global', { meshGateway: { mode: 'local' } });
    expect(denial(() => create('ProxyDefaults', 'consul', 'global', {})).message).toBe(
      denied(webhook, 'proxydefaults resource already defined - only one global entry is supported'),
    );
  });
});

describe('ExportedServices webhook', () => {
  const webhook = 'mutate-exportedservices.consul.hashicorp.com';
  const one = { services: [{ name: 'api', consumers: [{ peer: 'cluster-02' }] }] };

  it('requires the name default without partitions and one per cluster', () => {
    expect(denial(() => create('ExportedServices', 'consul', 'finance', one)).message).toBe(
      denied(
        webhook,
        'exportedservices.consul.hashicorp.com "finance" is invalid: name: Invalid value: "finance": exportedservices resource name must be "default"',
      ),
    );
    create('ExportedServices', 'team-a', 'default', one);
    expect(denial(() => create('ExportedServices', 'consul', 'default', one)).message).toBe(
      denied(
        webhook,
        'exportedservices resource already defined - only one exportedservices entry is supported per Kubernetes cluster',
      ),
    );
  });

  it('requires the partition name with partitions and checks consumers and namespaces', () => {
    service.consulWebhooks = { partition: 'finance' };
    const spec = {
      services: [
        { name: 'a', namespace: 'web', consumers: [] },
        { name: 'b', consumers: [{ peer: 'x', partition: 'y' }, {}, { peer: '*' }, { samenessGroup: '*' }] },
      ],
    };
    expect(denial(() => create('ExportedServices', 'consul', 'default', spec)).message).toBe(
      denied(
        webhook,
        'exportedservices.consul.hashicorp.com "default" is invalid: [' +
          [
            'name: Invalid value: "default": exportedservices resource name must be the same name as the partition, "finance"',
            'spec.services[0]: Invalid value: []: service must have at least 1 consumer.',
            'spec.services[0]: Invalid value: "web": Consul Namespaces must be enabled to specify service namespace.',
            'spec.services[1].consumers[0]: Invalid value: {"partition":"y","peer":"x"}: service consumer must define at most one of Peer, Partition, or SamenessGroup',
            'spec.services[1].consumers[1]: Invalid value: {}: service consumer must define at least one of Peer, Partition, or SamenessGroup',
            'spec.services[1].consumers[2].peer: Invalid value: "": exporting to all peers (wildcard) is not supported',
            'spec.services[1].consumers[3].samenessgroup: Invalid value: "": exporting to all sameness groups (wildcard) is not supported',
          ].join(', ') +
          ']',
      ),
    );
    service.consulWebhooks = { partition: 'finance', namespacesEnabled: true };
    create('ExportedServices', 'consul', 'finance', {
      services: [{ name: 'a', namespace: 'web', consumers: [{ partition: 'default' }] }],
    });
  });

  it("serves one partition per install: only the partition's name, and one per cluster", () => {
    // exportedservices_webhook.go refuses a second create whatever its name, as one install serves
    // exactly one partition (a partition install in its own Kubernetes cluster).
    service.consulWebhooks = { partition: 'finance', partitionsEnabled: true, namespacesEnabled: true };
    expect(denial(() => create('ExportedServices', 'team-a', 'retail', one)).message).toBe(
      denied(
        webhook,
        'exportedservices.consul.hashicorp.com "retail" is invalid: name: Invalid value: "retail": exportedservices resource name must be the same name as the partition, "finance"',
      ),
    );
    create('ExportedServices', 'consul', 'finance', one);
    expect(denial(() => create('ExportedServices', 'team-a', 'finance', one)).message).toBe(
      denied(
        webhook,
        'exportedservices resource already defined - only one exportedservices entry is supported per Kubernetes cluster',
      ),
    );
  });

  it('wants default in the server cluster of a datacenter with partitions', () => {
    service.consulWebhooks = { partition: 'default', partitionsEnabled: true };
    expect(denial(() => create('ExportedServices', 'consul', 'finance', one)).message).toContain(
      'exportedservices resource name must be the same name as the partition, "default"',
    );
    create('ExportedServices', 'consul', 'default', one);
  });

  it('refuses a partition consumer without partitions and an empty service list', () => {
    const message = denial(() =>
      create('ExportedServices', 'consul', 'default', {
        services: [{ name: 'a', consumers: [{ partition: 'other' }] }],
      }),
    ).message;
    expect(message).toContain(
      'spec.services[0].consumers[0].partition: Invalid value: "other": Consul Admin Partitions need to be enabled to specify partition.',
    );
    expect(denial(() => create('ExportedServices', 'consul', 'default', { services: [] })).message).toContain(
      'spec.services: Invalid value: []: at least one service must be exported',
    );
  });
});

describe('peering webhooks', () => {
  const peer = (secret: string, backend = 'kubernetes') => ({
    peer: { secret: { name: secret, key: 'data', backend } },
  });

  it('are named after the install and check the backend before the secret name', () => {
    service.consulWebhooks = { fullname: 'consul-consul' };
    expect(denial(() => create('PeeringAcceptor', 'consul', 'dc2', peer('t', 'vault'))).message).toBe(
      denied(
        'consul-consul-mutate-peeringacceptors.consul.hashicorp.com',
        'peeringacceptors.consul.hashicorp.com "dc2" is invalid: spec.peer.secret.backend: Invalid value: "vault": backend must be "kubernetes"',
      ),
    );
    create('PeeringDialer', 'consul', 'dc3', peer('token'));
    create('PeeringDialer', 'team-a', 'dc3', peer('token'));
    expect(denial(() => create('PeeringDialer', 'consul', 'dc4', peer('token'))).message).toBe(
      denied(
        'consul-consul-mutate-peeringdialers.consul.hashicorp.com',
        'an existing PeeringDialer resource has the same secret name `name: token, namespace: consul`',
      ),
    );
  });
});
