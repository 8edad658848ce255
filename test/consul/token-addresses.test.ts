/** Which addresses a token should list (agent/consul/peering_backend.go), and the problems meshpeer proves. */
import { describe, expect, it } from 'vitest';
import type { CatalogServiceNode } from '../../src/consul/catalog-types.ts';
import {
  describeTokenAddresses,
  meshGatewayWanAddress,
  serverGrpcAddress,
  tokenAddressProblem,
  tokenServerAddresses,
} from '../../src/consul/token-addresses.ts';
import { encodeToken } from '../../src/peering/token-codec.ts';
import { redact } from '../../src/secrets/redact.ts';

const gatewayNode = (over: Partial<CatalogServiceNode> = {}): CatalogServiceNode => ({
  Node: 'k8s-node-1',
  Address: '10.0.0.7',
  TaggedAddresses: { lan: '10.0.0.7', wan: '198.51.100.7' },
  ServiceKind: 'mesh-gateway',
  ServiceName: 'mesh-gateway',
  ServiceAddress: '10.244.1.12',
  ServicePort: 8443,
  ServiceTaggedAddresses: {
    lan: { Address: '10.244.1.12', Port: 8443 },
    wan: { Address: '203.0.113.10', Port: 443 },
  },
  ...over,
});

const tokenOf = (server: string[], manual: string[] = []) =>
  Buffer.from(
    encodeToken({
      CA: ['-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n'],
      ManualServerAddresses: manual,
      ServerAddresses: server,
      ServerName: 'server.dc1.peering.11111111-2222-3333-4444-555555555555.consul',
      PeerID: '9e9c8d1e-0000-4000-8000-000000000001',
      EstablishmentSecret: 'a2f8e1c6-51b0-4f3c-9d55-6f0e3c6c9a11',
      Remote: { Partition: 'default', Datacenter: 'dc1', Locality: null },
    }),
    'utf8',
  ).toString('base64');

describe("a mesh gateway's address as Consul lists it in tokens (CheckServiceNode.BestAddress(wan))", () => {
  it("takes the service's wan tagged address and port (what consul-k8s registers from the Service)", () => {
    expect(meshGatewayWanAddress(gatewayNode())).toBe('203.0.113.10:443');
  });

  it('keeps the service port when the wan tagged port is 0, and brackets IPv6', () => {
    const node = gatewayNode({ ServiceTaggedAddresses: { wan: { Address: '2001:db8::5', Port: 0 } } });
    expect(meshGatewayWanAddress(node)).toBe('[2001:db8::5]:8443');
  });

  it("falls back to the service address, then the node's wan address and the node address", () => {
    expect(meshGatewayWanAddress(gatewayNode({ ServiceTaggedAddresses: null }))).toBe('10.244.1.12:8443');
    const bare = gatewayNode({ ServiceTaggedAddresses: null, ServiceAddress: '' });
    expect(meshGatewayWanAddress(bare)).toBe('198.51.100.7:8443');
    expect(meshGatewayWanAddress({ ...bare, TaggedAddresses: null })).toBe('10.0.0.7:8443');
  });
});

describe("a server's address as Consul lists it without gateways (serverAddresses)", () => {
  const server = (meta: Record<string, string>, wan?: string): CatalogServiceNode => ({
    Node: 'consul-server-0',
    Address: '10.244.0.5',
    TaggedAddresses: wan === undefined ? { lan: '10.244.0.5' } : { lan: '10.244.0.5', wan },
    ServiceName: 'consul',
    ServiceMeta: meta,
  });

  it('uses grpc_tls_port, else grpc_port, and the wan address when tagged', () => {
    expect(serverGrpcAddress(server({ grpc_tls_port: '8503', grpc_port: '8502' }))).toBe('10.244.0.5:8503');
    expect(serverGrpcAddress(server({ grpc_port: '8502' }, '192.0.2.1'))).toBe('192.0.2.1:8502');
    expect(serverGrpcAddress(server({}))).toBeUndefined();
  });
});

describe("a token's addresses", () => {
  it('are read in memory; manual addresses (dialed first) leave nothing to check', () => {
    expect(tokenServerAddresses(tokenOf(['10.244.0.5:8503']))).toEqual(['10.244.0.5:8503']);
    expect(tokenServerAddresses(tokenOf(['10.244.0.5:8503'], ['203.0.113.10:443']))).toBeUndefined();
    expect(tokenServerAddresses(Buffer.from('not a token').toString('base64'))).toBeUndefined();
  });

  it('register the establishment secret, so no outward text can carry it', () => {
    tokenServerAddresses(tokenOf(['10.244.0.5:8503']));
    expect(redact('secret a2f8e1c6-51b0-4f3c-9d55-6f0e3c6c9a11')).toBe('secret [redacted]');
  });

  const found = { gateways: ['203.0.113.10:443'], servers: ['10.244.0.5:8503', '10.244.0.6:8503'] };

  it('are fine when they list a mesh gateway', () => {
    expect(tokenAddressProblem(['203.0.113.10:443'], found)).toBeUndefined();
    expect(tokenAddressProblem(['203.0.113.10:443', '203.0.113.11:443'], found)).toBeUndefined();
  });

  it("are the servers' own when the Mesh setting was not in effect (consul-k8s issue 1683)", () => {
    const problem = tokenAddressProblem(['10.244.0.5:8503', '10.244.0.6:8503'], found);
    expect(problem).toEqual({
      kind: 'servers',
      listed: ['10.244.0.5:8503', '10.244.0.6:8503'],
      gateways: found.gateways,
    });
    expect(problem && describeTokenAddresses(problem, { name: 'peering-token', install: 'cluster-01' })).toBe(
      "token Secret peering-token in cluster-01 lists the Consul servers' addresses 10.244.0.5:8503, 10.244.0.6:8503 instead of the mesh gateway addresses (203.0.113.10:443)",
    );
  });

  it('are something else when gateways are found and the token lists none of them', () => {
    const problem = tokenAddressProblem(['198.51.100.99:443'], found);
    expect(problem?.kind).toBe('other');
    expect(problem && describeTokenAddresses(problem, { name: 'peering-token', install: 'cluster-01' })).toBe(
      'token Secret peering-token in cluster-01 lists 198.51.100.99:443, none of them a mesh gateway address of cluster-01 (203.0.113.10:443)',
    );
  });

  it('prove nothing when the catalog shows neither gateways nor those servers (a token reading too little)', () => {
    expect(tokenAddressProblem(['198.51.100.99:443'], { gateways: [], servers: [] })).toBeUndefined();
    expect(tokenAddressProblem([], found)).toBeUndefined();
  });
});
