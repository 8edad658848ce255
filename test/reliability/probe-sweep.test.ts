import { describe, expect, it } from 'vitest';
import { isStaleProbe } from '../../src/steps/verify-executor.ts';

const now = Date.parse('2026-03-01T12:00:00Z');
const at = (ms: number) => Math.floor(ms / 1000).toString(36);
const peering = (Name: string, State = 'PENDING') => ({ Name, State });

describe('leftover probe peerings', () => {
  it('are probes of the same step, probes whose stream ended, probes past their time limit, and probes named before the sweep', () => {
    const young = `meshpeer-probe-0123abcd-${at(now - 5000)}-a1b2c3`;
    expect(isStaleProbe(peering(young), now, '0123abcd')).toBe(true);
    expect(isStaleProbe(peering(young), now, 'ffffffff')).toBe(false);
    expect(isStaleProbe(peering(young, 'ACTIVE'), now, 'ffffffff')).toBe(false);
    expect(isStaleProbe(peering(young, 'FAILING'), now, 'ffffffff')).toBe(true);
    expect(isStaleProbe(peering(young, 'TERMINATED'), now, 'ffffffff')).toBe(true);
    expect(
      isStaleProbe(peering(`meshpeer-probe-0123abcd-${at(now - 120_000)}-a1b2c3`), now, 'ffffffff'),
    ).toBe(true);
    expect(isStaleProbe(peering('meshpeer-probe-0123abcd-a1b2c3d4'), now)).toBe(true);
  });

  it('never include real peerings, nor probes already being deleted', () => {
    for (const name of [
      'cluster-02',
      'meshpeer-probe',
      'meshpeer-probe-x',
      'east',
      'meshpeer-probe-0123abcd-',
    ])
      expect(isStaleProbe(peering(name, 'FAILING'), now, '0123abcd')).toBe(false);
    expect(isStaleProbe(peering('meshpeer-probe-0123abcd-a1b2c3d4', 'DELETING'), now, '0123abcd')).toBe(
      false,
    );
  });
});
