/**
 * A two-target fixture for the status page, as a targets file lists them: `staging` (first, so the
 * default) follows the staging branch, applied and in sync, with two datacenters of its own and
 * three runs; `production` follows main and is the sample state (every peering state, a running
 * drift repair, nine runs, a commit not applied yet).
 */
import type { PeeringHealth } from '../../src/gitops/peering-health.ts';
import { runSummary, type StatusSnapshot, type TopologyGraph } from '../../src/gitops/status-snapshot.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import type { StepResult } from '../../src/run/step-result.ts';
import { ago, type FixtureState, sampleState } from './status-fixtures.ts';

export const STAGING = 'staging';
export const PRODUCTION = 'production';
export const SHA_STAGING = 'c0ffee12'.repeat(5);

const STAGING_PEERING = 'stg-east/default>stg-west/default';

function stagingTopology(): TopologyGraph {
  const install = (cluster: string) => ({
    name: cluster,
    cluster,
    partition: 'default',
    context: `kind-${cluster}`,
  });
  return {
    name: 'mesh-staging',
    revision: SHA_STAGING,
    clusters: ['stg-east', 'stg-west'],
    installs: [install('stg-east'), install('stg-west')],
    peerings: [{ id: STAGING_PEERING, acceptor: 'stg-east', dialer: 'stg-west' }],
    exports: [{ install: 'stg-east', service: 'api', consumers: ['peer:stg-west'] }],
  };
}

function stagingRun(
  now: number,
  id: string,
  trigger: RunRecord['trigger'],
  startedS: number,
  status: RunRecord['status'],
): RunRecord {
  const step = {
    id: `verify/${STAGING_PEERING.replace('>', '/')}`,
    kind: 'verify',
    lane: 'verify',
    action: 'verify',
    status: status === 'failed' ? 'failed' : 'done',
    detail: status === 'failed' ? 'peering is PENDING after 3 attempts' : 'ACTIVE',
    attempts: 1,
    durationMs: 800,
  } as StepResult;
  return {
    id,
    target: STAGING,
    revision: SHA_STAGING,
    trigger,
    status,
    startedAt: ago(now, startedS),
    finishedAt: ago(now, startedS - 30),
    passes: 1,
    steps: [step],
    ...(status === 'failed' && { failure: 'step verify failed: peering is PENDING' }),
  };
}

function stagingSnapshot(now: number, records: readonly RunRecord[]): StatusSnapshot {
  const health: PeeringHealth = {
    id: STAGING_PEERING,
    acceptor: 'stg-east',
    dialer: 'stg-west',
    state: 'healthy',
    detail: 'ACTIVE on both sides',
    observedAt: ago(now, 30),
    source: 'check',
  };
  return {
    generatedAt: new Date(now).toISOString(),
    target: STAGING,
    tracked: [
      {
        target: STAGING,
        provider: 'github',
        repo: 'acme/mesh',
        url: 'https://github.example/acme/mesh.git',
        branch: 'staging',
        path: 'peerings.yaml',
        revisions: {
          seen: SHA_STAGING,
          seenAt: ago(now, 90),
          applied: SHA_STAGING,
          appliedAt: ago(now, 600),
        },
      },
    ],
    runs: records.map(runSummary),
    peerings: [health],
    topology: stagingTopology(),
    reconcile: {
      intervalMs: 60_000,
      selfHeal: false,
      lastCheck: { at: ago(now, 30), result: 'in-sync', reasons: [] },
      nextCheckAt: ago(now, -30),
    },
  };
}

/** `staging` then `production`: the server's default is staging. */
export function twoTargetState(now = Date.now()): FixtureState {
  const base = sampleState(now);
  const staging = [
    stagingRun(
      now,
      'stg-3',
      { kind: 'webhook', provider: 'github', deliveryId: 'd-stg-3' },
      600,
      'succeeded',
    ),
    stagingRun(now, 'stg-2', { kind: 'poll' }, 4000, 'failed'),
    stagingRun(now, 'stg-1', { kind: 'cli', user: 'bob' }, 8000, 'succeeded'),
  ];
  const production = base.records.map((r) => ({ ...r, target: PRODUCTION }));
  const [entry] = base.snapshot.tracked;
  if (entry === undefined) throw new Error('the sample state tracks no target');
  return {
    ...base,
    snapshot: stagingSnapshot(now, staging),
    others: [
      {
        ...base.snapshot,
        target: PRODUCTION,
        tracked: [{ ...entry, target: PRODUCTION, branch: 'main' }],
        runs: production.map(runSummary),
      },
    ],
    records: [...staging, ...production],
  };
}
