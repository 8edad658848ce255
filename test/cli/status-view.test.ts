/** The text of `meshpeer status`: worst peering first with its age and fix, check and retry state, runs in flight. */
import { describe, expect, it } from 'vitest';
import { paint } from '../../src/cli/output.ts';
import { relative, renderStatus, type StatusView } from '../../src/cli/status-view.ts';
import type { PeeringHealth } from '../../src/gitops/peering-health.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

const peering = (
  id: string,
  state: PeeringHealth['state'],
  extra: Partial<PeeringHealth> = {},
): PeeringHealth => {
  const [acceptor = '', dialer = ''] = id.split('>');
  return {
    id,
    acceptor,
    dialer,
    state,
    detail: `${state} detail`,
    observedAt: at(30),
    source: 'check',
    ...extra,
  };
};

const view: StatusView = {
  targets: [
    {
      target: 'acme/mesh@main',
      applied: 'a'.repeat(40),
      reconcile: {
        intervalMs: 180_000,
        selfHeal: false,
        lastCheck: { at: at(30), result: 'drift', reasons: ['peering cluster-01 <-> cluster-03 is missing'] },
        nextCheckAt: new Date(NOW + 150_000).toISOString(),
        retry: { of: 'run-1', attempt: 2, at: new Date(NOW + 60_000).toISOString() },
      },
      peerings: [
        peering('cluster-01>cluster-02', 'healthy'),
        peering('cluster-01>cluster-03', 'missing', { fix: 'run meshpeer sync to create it again' }),
        peering('cluster-02>cluster-03', 'stale', { fix: 'check the mesh gateway of cluster-03' }),
      ],
    },
  ],
  runs: [
    {
      id: 'run-2',
      target: 'acme/mesh@main',
      revision: 'b'.repeat(40),
      trigger: { kind: 'drift', reasons: ['x'] },
      status: 'running',
      startedAt: at(5),
      steps: {},
      active: [
        {
          id: 'dialer/cluster-03',
          kind: 'dialer',
          lane: 'cluster-03',
          since: at(3),
          waiting: 'the peering to be ACTIVE',
        },
      ],
    },
  ],
};

describe('meshpeer status text', () => {
  const text = renderStatus(view, NOW, paint(false));

  it('lists the worst peering first, with the age of its observation and its fix', () => {
    const lines = text.split('\n');
    const index = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(index('missing  cluster-01 <-> cluster-03')).toBeLessThan(
      index('stale    cluster-02 <-> cluster-03'),
    );
    expect(index('stale    cluster-02 <-> cluster-03')).toBeLessThan(
      index('healthy  cluster-01 <-> cluster-02'),
    );
    expect(text).toContain('missing  cluster-01 <-> cluster-03  checked 30s ago');
    expect(text).toContain('fix: run meshpeer sync to create it again');
    expect(text).not.toMatch(/healthy detail/);
  });

  it('says what the periodic check found, when the next one is, and the pending retry', () => {
    expect(text).toContain('last check 30s ago: drift');
    expect(text).toContain('peering cluster-01 <-> cluster-03 is missing');
    expect(text).toContain('next check in 150s · every 3m · self-heal off');
    expect(text).toContain('retry 2 of run run-1 in 1m');
  });

  it('shows what a running run waits on', () => {
    expect(text).toMatch(/run-2 .* drift\s+running/);
    expect(text).toContain('→ dialer on cluster-03: waiting for the peering to be ACTIVE');
  });

  it('writes ages the way people read them', () => {
    expect(relative(at(0.4), NOW)).toBe('just now');
    expect(relative(at(90), NOW)).toBe('90s ago');
    expect(relative(new Date(NOW + 120_000).toISOString(), NOW)).toBe('in 2m');
    expect(relative('not a time', NOW)).toBe('not a time');
  });
});
