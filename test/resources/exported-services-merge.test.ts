import { describe, expect, it } from 'vitest';
import {
  consulEntryExportKeys,
  type ExportedService,
  exportEntryKeys,
  exportsMissingInConsul,
  mergeExports,
  OWNED_EXPORTS_ANNOTATION,
  ownedExports,
  sameExports,
} from '../../src/resources/exported-services-merge.ts';

const svc = (name: string, ...peers: string[]): ExportedService => ({
  name,
  consumers: peers.map((peer) => ({ peer })),
});

describe('ExportedServices shared between meshpeer and others', () => {
  it("keeps another team's entries and adds meshpeer's", () => {
    const live = [svc('billing', 'team-peer')];
    const merged = mergeExports(live, [], [svc('static-server', 'cluster-01')]);
    expect(exportEntryKeys(merged.services)).toEqual([
      '/billing>peer:team-peer',
      '/static-server>peer:cluster-01',
    ]);
    expect(merged.owned).toEqual(['/static-server>peer:cluster-01']);
  });

  it('removes only the entries meshpeer owned and no longer wants', () => {
    const live = [svc('billing', 'team-peer'), svc('static-server', 'cluster-01', 'cluster-03')];
    const owned = ['/static-server>peer:cluster-01', '/static-server>peer:cluster-03'];
    const merged = mergeExports(live, owned, [svc('static-server', 'cluster-01')]);
    expect(exportEntryKeys(merged.services)).toEqual([
      '/billing>peer:team-peer',
      '/static-server>peer:cluster-01',
    ]);
    expect(merged.owned).toEqual(['/static-server>peer:cluster-01']);
  });

  it('never claims an entry someone else wrote first, so it is never removed later', () => {
    const live = [svc('static-server', 'cluster-01')];
    const merged = mergeExports(live, [], [svc('static-server', 'cluster-01')]);
    expect(merged.owned).toEqual([]);
    expect(exportEntryKeys(mergeExports(merged.services, merged.owned, []).services)).toEqual([
      '/static-server>peer:cluster-01',
    ]);
  });

  it('keeps fields meshpeer does not know and the live order, so merging again changes nothing', () => {
    const live: ExportedService[] = [{ ...svc('z', 'p'), extra: 1 }, svc('a', 'q')];
    const once = mergeExports(live, [], [svc('m', 'r')]);
    expect(once.services[0]).toMatchObject({ name: 'z', extra: 1 });
    const twice = mergeExports(once.services, once.owned, [svc('m', 'r')]);
    expect(twice.services).toEqual(once.services);
    expect(sameExports(twice.services, [...once.services].reverse())).toBe(true);
  });

  it('reads ownership from the annotation; an unlabelled object without it owns nothing', () => {
    const o = {
      metadata: { name: 'default', annotations: { [OWNED_EXPORTS_ANNOTATION]: '["/a>peer:b"]' } },
      spec: { services: [svc('a', 'b'), svc('c', 'd')] },
    };
    expect(ownedExports(o, false)).toEqual(['/a>peer:b']);
    const { annotations: _a, ...bare } = o.metadata;
    expect(ownedExports({ ...o, metadata: bare }, false)).toEqual([]);
    // Objects meshpeer created before it recorded ownership are owned entirely.
    expect(ownedExports({ ...o, metadata: bare }, true)).toEqual(['/a>peer:b', '/c>peer:d']);
  });
});

describe("Consul's exported-services entry beside the resource", () => {
  const entry = {
    Kind: 'exported-services',
    Name: 'default',
    Services: [
      { Name: 'api', Consumers: [{ Peer: 'east' }, { Partition: '' }] },
      { Name: 'web', Namespace: 'default', Consumers: [{ SamenessGroup: 'g' }] },
    ],
  };

  it('reads its entries as the same service>consumer keys, an empty Partition being the default', () => {
    expect(consulEntryExportKeys(entry)).toEqual([
      '/api>partition:default',
      '/api>peer:east',
      'default/web>sameness-group:g',
    ]);
    expect(consulEntryExportKeys({ Kind: 'exported-services', Name: 'default' })).toEqual([]);
  });

  it("names meshpeer's entries Consul lacks, the default namespace spelled out or not", () => {
    const keys = consulEntryExportKeys(entry);
    expect(exportsMissingInConsul(['/api>peer:east', '/web>sameness-group:g'], keys)).toEqual([]);
    expect(exportsMissingInConsul(['/api>peer:west', 'default/api>peer:east'], keys)).toEqual([
      '/api>peer:west',
    ]);
  });
});
