import { describe, expect, it } from 'vitest';
import { isStaleProbe } from '../../src/steps/verify-executor.ts';

const now = Date.parse('2026-03-01T12:00:00Z');
const at = (ms: number) => Math.floor(ms / 1000).toString(36);

describe('leftover probe peerings', () => {
  it('are probes of the same step, probes past their time limit, and probes named before the sweep', () => {
    expect(isStaleProbe(`meshpeer-probe-0123abcd-${at(now - 5000)}-a1b2c3`, now, '0123abcd')).toBe(true);
    expect(isStaleProbe(`meshpeer-probe-0123abcd-${at(now - 5000)}-a1b2c3`, now, 'ffffffff')).toBe(false);
    expect(isStaleProbe(`meshpeer-probe-0123abcd-${at(now - 120_000)}-a1b2c3`, now, 'ffffffff')).toBe(true);
    expect(isStaleProbe('meshpeer-probe-0123abcd-a1b2c3d4', now)).toBe(true);
  });

  it('never include real peerings', () => {
    for (const name of [
      'cluster-02',
      'meshpeer-probe',
      'meshpeer-probe-x',
      'east',
      'meshpeer-probe-0123abcd-',
    ])
      expect(isStaleProbe(name, now, '0123abcd')).toBe(false);
  });
});
