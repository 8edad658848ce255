import { describe, expect, it } from 'vitest';
import { samenessDiff, samenessFields } from '../../src/resources/sameness-group-fields.ts';
import {
  type IntentionSourceEntry,
  intentionSourceKeys,
  mergeIntentions,
  OWNED_INTENTIONS_ANNOTATION,
  ownedIntentions,
  sameIntentions,
  sourceKey,
} from '../../src/resources/service-intentions-merge.ts';
import {
  anySubsetFailover,
  onlyAnySubsetFailover,
  sameFailover,
  withAnySubsetFailover,
} from '../../src/resources/service-resolver-merge.ts';

const src = (peer: string, name: string, action = 'allow'): IntentionSourceEntry => ({ name, peer, action });

describe('ServiceIntentions shared between meshpeer and others', () => {
  it('keys sources as Consul does: where, namespace (empty is default), name', () => {
    expect(sourceKey(src('cluster-01', 'web'))).toBe('peer:cluster-01/default/web');
    expect(sourceKey({ name: 'web', namespace: 'shop', partition: '' })).toBe('partition:default/shop/web');
    expect(sourceKey({ name: '*', samenessGroup: 'g' })).toBe('sameness-group:g/default/*');
  });

  it("keeps others' sources, L7 permissions included, and adds meshpeer's", () => {
    const theirs: IntentionSourceEntry = { name: 'api', peer: 'team', permissions: [{ action: 'allow' }] };
    const merged = mergeIntentions([theirs], [], [src('cluster-01', 'web')]);
    expect(merged.sources).toEqual([theirs, src('cluster-01', 'web')]);
    expect(merged.owned).toEqual(['peer:cluster-01/default/web']);
    expect(merged.conflicts).toEqual([]);
  });

  it('changes the action of its own source and removes the sources it no longer wants', () => {
    const live = [src('cluster-01', 'web'), src('cluster-01', 'db'), src('team', 'x')];
    const owned = intentionSourceKeys(live.slice(0, 2));
    const merged = mergeIntentions(live, owned, [src('cluster-01', 'web', 'deny')]);
    expect(merged.sources).toEqual([src('cluster-01', 'web', 'deny'), src('team', 'x')]);
    expect(merged.owned).toEqual(['peer:cluster-01/default/web']);
  });

  it('never claims a source someone else wrote first; another action there is a conflict', () => {
    const same = mergeIntentions([src('cluster-01', 'web')], [], [src('cluster-01', 'web')]);
    expect(same).toMatchObject({ owned: [], conflicts: [] });
    const other = mergeIntentions([src('cluster-01', 'web', 'deny')], [], [src('cluster-01', 'web')]);
    expect(other.conflicts).toEqual(['peer:cluster-01/default/web']);
    expect(other.sources).toEqual([src('cluster-01', 'web', 'deny')]);
  });

  it('reads ownership from the annotation; a labelled object without one is owned whole', () => {
    const spec = { sources: [src('a', 'x'), src('b', 'y')] };
    const annotated = {
      metadata: { annotations: { [OWNED_INTENTIONS_ANNOTATION]: '["peer:a/default/x"]' } },
      spec,
    };
    expect(ownedIntentions(annotated, false)).toEqual(['peer:a/default/x']);
    expect(ownedIntentions({ metadata: {}, spec }, true)).toEqual(['peer:a/default/x', 'peer:b/default/y']);
    expect(
      ownedIntentions({ metadata: { annotations: { [OWNED_INTENTIONS_ANNOTATION]: '{' } }, spec }, true),
    ).toEqual([]);
  });

  it('compares sources whatever their order and key order', () => {
    expect(
      sameIntentions(
        [src('a', 'x'), src('b', 'y')],
        [{ action: 'allow', peer: 'b', name: 'y' }, src('a', 'x')],
      ),
    ).toBe(true);
    expect(sameIntentions([src('a', 'x')], [src('a', 'x', 'deny')])).toBe(false);
  });
});

describe('ServiceResolver: meshpeer owns failover["*"] only', () => {
  const spec = {
    connectTimeout: '5s',
    failover: { v1: { service: 'old' }, '*': { targets: [{ peer: 'a' }] } },
  };

  it('replaces and removes only the * key, keeping other keys and fields', () => {
    const want = { samenessGroup: 'g' };
    expect(withAnySubsetFailover(spec, want)).toEqual({
      connectTimeout: '5s',
      failover: { v1: { service: 'old' }, '*': want },
    });
    expect(withAnySubsetFailover(spec, undefined)).toEqual({
      connectTimeout: '5s',
      failover: { v1: { service: 'old' } },
    });
    expect(withAnySubsetFailover({ failover: { '*': want } }, undefined)).toEqual({});
  });

  it('reads the * failover and compares it whatever the key order', () => {
    expect(anySubsetFailover(spec)).toEqual({ targets: [{ peer: 'a' }] });
    expect(sameFailover({ a: 1, b: [2] }, { b: [2], a: 1 })).toBe(true);
    expect(sameFailover(undefined, { targets: [] })).toBe(false);
  });

  it('tells a resolver holding only meshpeer’s failover from one with others’ fields', () => {
    expect(onlyAnySubsetFailover({ failover: { '*': { samenessGroup: 'g' } } })).toBe(true);
    expect(onlyAnySubsetFailover(spec)).toBe(false);
  });
});

describe('SamenessGroup declared fields', () => {
  it('reads absent booleans as false and empty partitions as default, keeping member order', () => {
    expect(samenessFields({ members: [{ peer: 'b' }, { partition: '' }] })).toEqual({
      defaultForFailover: false,
      includeLocal: false,
      members: ['peer:b', 'partition:default'],
    });
  });

  it('names the fields that differ, members compared in order', () => {
    const a = samenessFields({ includeLocal: true, members: [{ peer: 'a' }, { peer: 'b' }] });
    const b = samenessFields({
      includeLocal: true,
      defaultForFailover: true,
      members: [{ peer: 'b' }, { peer: 'a' }],
    });
    expect(samenessDiff(a, b)).toEqual(['defaultForFailover', 'members']);
    expect(samenessDiff(a, a)).toEqual([]);
  });
});
