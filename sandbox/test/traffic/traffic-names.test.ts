/**
 * SPIFFE IDs and TLS server names as hashicorp/consul agent/connect writes them (uri_service.go,
 * sni.go and their tests' examples).
 */
import { describe, expect, it } from 'vitest';
import { parsePeeredSni, peeredServiceSni, serviceSni } from '../../src/traffic/sni-names.ts';
import { parseSpiffeId, spiffeIdOf, uriSans } from '../../src/traffic/spiffe-id.ts';

const td = '11111111-2222-3333-4444-555555555555.consul';

describe('SPIFFE IDs', () => {
  it('leave the partition out in default and put it first elsewhere', () => {
    const base = { trustDomain: td, namespace: 'default', datacenter: 'dc1', service: 'web' };
    expect(spiffeIdOf({ ...base, partition: 'default' })).toBe(`spiffe://${td}/ns/default/dc/dc1/svc/web`);
    expect(spiffeIdOf({ ...base, partition: 'finance' })).toBe(
      `spiffe://${td}/ap/finance/ns/default/dc/dc1/svc/web`,
    );
  });

  it('parse back, and refuse a mesh gateway or agent ID', () => {
    expect(parseSpiffeId(`spiffe://${td}/ap/finance/ns/app/dc/dc2/svc/api`)).toEqual({
      trustDomain: td,
      partition: 'finance',
      namespace: 'app',
      datacenter: 'dc2',
      service: 'api',
    });
    expect(parseSpiffeId(`spiffe://${td}/ns/default/dc/dc1/svc/web`)?.partition).toBe('default');
    expect(parseSpiffeId(`spiffe://${td}/gateway/mesh/dc/dc1`)).toBeUndefined();
    expect(parseSpiffeId(`spiffe://${td}/agent/client/dc/dc1/id/x`)).toBeUndefined();
  });

  it('are read from a certificate SAN list', () => {
    expect(uriSans(`DNS:x.example, URI:spiffe://${td}/ns/default/dc/dc1/svc/web`)).toEqual([
      `spiffe://${td}/ns/default/dc/dc1/svc/web`,
    ]);
    expect(uriSans(undefined)).toEqual([]);
  });
});

describe('server names', () => {
  it('ServiceSNI is internal in default, internal-v1 with the partition elsewhere', () => {
    expect(serviceSni('db', 'default', 'default', 'dc1', td)).toBe(`db.default.dc1.internal.${td}`);
    expect(serviceSni('db', '', 'ap1', 'dc1', td)).toBe(`db.default.ap1.dc1.internal-v1.${td}`);
  });

  it('PeeredServiceSNI names the exporter partition, the consumer peer and external', () => {
    const name = peeredServiceSni({
      service: 'api-1',
      namespace: '',
      partition: '',
      peer: 'cluster-01',
      trustDomain: td,
    });
    expect(name).toBe(`api-1.default.default.cluster-01.external.${td}`);
    expect(parsePeeredSni(name)).toEqual({
      service: 'api-1',
      namespace: 'default',
      partition: 'default',
      peer: 'cluster-01',
      trustDomain: td,
    });
  });

  it('parsePeeredSni refuses internal and control-plane names', () => {
    expect(parsePeeredSni(`db.default.dc1.internal.${td}`)).toBeUndefined();
    expect(parsePeeredSni(`server.dc1.peering.${td}`)).toBeUndefined();
    expect(parsePeeredSni(`a.b.external.${td}`)).toBeUndefined();
  });
});
