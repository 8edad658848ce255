/**
 * Fixture data for the status page's browser tests: a snapshot with partitions, exports, every
 * peering state and a pending retry, a running run with steps in flight, a history with every
 * trigger, and a server over them (one target, or several) whose answers the tests can change (or
 * turn into 401s).
 */
import type { FastifyInstance } from 'fastify';
import type { PeeringHealth } from '../../src/gitops/peering-health.ts';
import { runSummary, type StatusSnapshot, type TopologyGraph } from '../../src/gitops/status-snapshot.ts';
import type { RunRecord } from '../../src/run/run-record.ts';
import type { StepResult } from '../../src/run/step-result.ts';
import { createServer } from '../../src/server/create-server.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import type { RunListOptions } from '../../src/server/status-page-api.ts';
import { createMemoryDeliveryLog } from '../../src/server/webhooks/delivery-log.ts';

/** A value registered as a secret by the tests: it must never reach the page. */
export const LEAK = 'ghp_statusPageLeak0123456789abcdef';
export const SHA_A = 'a'.repeat(40);
export const SHA_B = 'b1c2d3e4f5'.repeat(4);

/** An ISO time `seconds` before `now` (negative: after). */
export const ago = (now: number, seconds: number) => new Date(now - seconds * 1000).toISOString();

const install = (cluster: string, partition = 'default') => ({
  name: partition === 'default' ? cluster : `${cluster}/${partition}`,
  cluster,
  partition,
  context: partition === 'default' ? `kind-${cluster}` : `kind-${cluster}-${partition}`,
});

const placeId = (name: string) => (name.includes('/') ? name : `${name}/default`);
const peering = (acceptor: string, dialer: string) => ({
  id: `${placeId(acceptor)}>${placeId(dialer)}`,
  acceptor,
  dialer,
});

/** Three datacenters, one with a partition install; five peerings; exports on two installs. */
export function sampleTopology(): TopologyGraph {
  return {
    name: 'mesh',
    revision: SHA_A,
    clusters: ['dc1', 'dc2', 'dc3'],
    installs: [install('dc1'), install('dc2'), install('dc2', 'ap1'), install('dc3')],
    peerings: [
      peering('dc1', 'dc2'),
      peering('dc1', 'dc2/ap1'),
      peering('dc2', 'dc3'),
      peering('dc3', 'dc2/ap1'),
      peering('dc1', 'dc3'),
    ],
    exports: [
      { install: 'dc1', service: 'api', consumers: ['peer:dc2', 'peer:dc3'] },
      { install: 'dc1', service: 'web', namespace: 'frontend', consumers: ['peer:dc2'] },
      { install: 'dc2/ap1', service: 'billing', consumers: ['peer:dc3', 'samenessGroup:payments'] },
    ],
  };
}

function health(
  now: number,
  acceptor: string,
  dialer: string,
  state: PeeringHealth['state'],
  detail: string,
  fix?: string,
): PeeringHealth {
  return {
    ...peering(acceptor, dialer),
    state,
    detail,
    ...(fix !== undefined && { fix }),
    observedAt: ago(now, 180),
    source: 'check',
  };
}

/** Live health: one peering per state but unknown (never observed), and a pruned peering outside the topology. */
export function sampleHealth(now: number): PeeringHealth[] {
  return [
    health(now, 'dc1', 'dc2', 'healthy', 'ACTIVE on both sides, heartbeat 4 s ago'),
    health(
      now,
      'dc1',
      'dc2/ap1',
      'failing',
      'FAILING on dc2/ap1: gateway refused',
      'check the mesh gateway of dc1',
    ),
    health(
      now,
      'dc2',
      'dc3',
      'stale',
      'ACTIVE but no heartbeat for 3 min',
      'restart the dialer side or re-establish',
    ),
    health(
      now,
      'dc3',
      'dc2/ap1',
      'missing',
      'dc2/ap1 has no such peering',
      'let meshpeer repair it (self-heal) or run meshpeer sync',
    ),
    // Pruned in the applied revision but still observed by a partial run: never drawn.
    { ...health(now, 'dc1', 'dc9', 'healthy', 'ACTIVE'), source: 'run', run: 'run-8' },
  ];
}

function step(
  id: string,
  status: StepResult['status'],
  detail: string,
  attempts = 1,
  durationMs = 420,
): StepResult {
  const [kind = 'verify', lane = 'plan'] = id.split('/');
  const action = kind === 'verify' ? 'verify' : status === 'unchanged' ? 'check' : 'create';
  return { id, kind, lane, action, status, detail, attempts, durationMs } as StepResult;
}

/** Nine runs, newest first: a running drift repair, a failure with errors, and every trigger kind. */
export function sampleRuns(now: number): RunRecord[] {
  const base = { target: 'acme/mesh@main', revision: SHA_A, passes: 1 } as const;
  const done = (
    id: string,
    trigger: RunRecord['trigger'],
    startedS: number,
    status: RunRecord['status'] = 'succeeded',
  ): RunRecord => ({
    ...base,
    id,
    trigger,
    status,
    startedAt: ago(now, startedS),
    finishedAt: ago(now, startedS - 65),
    steps: [
      step('acl/dc1/mesh-gateway', 'unchanged', 'policy up to date'),
      step('verify/dc1/default/dc2/default', 'done', 'ACTIVE'),
    ],
  });
  return [
    {
      ...base,
      id: 'run-9',
      trigger: { kind: 'drift', reasons: ['peering dc3>dc2/ap1 is missing on dc2/ap1'] },
      status: 'running',
      startedAt: ago(now, 95),
      steps: [
        step('acl/dc3/mesh-gateway', 'done', 'policy written'),
        step('acceptor/dc3/dc2-ap1', 'done', 'peering token generated'),
      ],
      active: [
        {
          id: 'verify/dc3/default/dc2/ap1',
          kind: 'verify',
          lane: 'verify',
          since: ago(now, 40),
          waiting: 'peering to turn ACTIVE on dc2/ap1 (attempt 3 of 10)',
        },
        { id: 'export/dc3/api', kind: 'export', lane: 'dc3', since: ago(now, 12) },
      ],
    },
    {
      ...done('run-8', { kind: 'webhook', provider: 'github', deliveryId: 'd-81f2a' }, 1800, 'failed'),
      revision: SHA_B,
      failure: `step verify/dc1/default/dc2/ap1 failed: peering is FAILING (token ${LEAK} rejected)`,
      errors: [
        {
          id: 'gateway/dc2',
          cluster: 'dc2',
          message: 'the mesh gateway has no external address',
          fix: 'set meshGateway.service.type=LoadBalancer in the consul values of dc2',
        },
      ],
      steps: [
        step('acl/dc1/mesh-gateway', 'done', 'policy written', 1, 310),
        step(
          'verify/dc1/default/dc2/ap1',
          'failed',
          'peering is FAILING on dc2/ap1 after 3 attempts',
          3,
          31_500,
        ),
        step('export/dc2/billing', 'skipped', 'a dependency failed', 0, 0),
      ],
    },
    done('run-7', { kind: 'poll' }, 3600),
    done('run-6', { kind: 'cli', user: 'alice' }, 7200),
    done('run-5', { kind: 'sync', via: 'api' }, 9000, 'failed'),
    done('run-4', { kind: 'retry', of: 'run-5', attempt: 1 }, 10_000),
    done('run-3', { kind: 'pull-request', provider: 'github', number: 42 }, 20_000),
    done('run-2', { kind: 'drift', reasons: ['export api missing in dc3'] }, 30_000),
    done('run-1', { kind: 'webhook', provider: 'gitlab', deliveryId: 'd-1' }, 86_400 * 2, 'superseded'),
  ];
}

/** What the fixture server answers; tests change it between refreshes. */
export interface FixtureState {
  /** The first target's snapshot: what `/api/status` answers when no target is named. */
  snapshot: StatusSnapshot;
  /** The snapshots of the other targets, looked up by `target`. */
  others: StatusSnapshot[];
  /** Every target's runs (`target` says whose). */
  records: RunRecord[];
  /** Every API answer is 401 while true, as the auth hook answers an expired session. */
  unauthorized: boolean;
  /** The `/api/runs` queries received, for assertions on the filter. */
  readonly runQueries: RunListOptions[];
  /** The target each `/api/status` request named (undefined: none). */
  readonly statusQueries: Array<string | undefined>;
}

/**
 * The snapshot `/api/status?target=` answers, or undefined for a target not followed. Its `tracked`
 * lists every target, as serve's does (each snapshot of the state contributes its own entry).
 */
export function snapshotOf(state: FixtureState, target: string | undefined): StatusSnapshot | undefined {
  const all = [state.snapshot, ...state.others];
  const shown = target === undefined ? state.snapshot : all.find((s) => s.target === target);
  if (shown === undefined) return undefined;
  const tracked = all.flatMap((s) => s.tracked.filter((t) => t.target === s.target));
  return { ...shown, tracked, generatedAt: new Date().toISOString() };
}

/** The sample state at `now`. */
export function sampleState(now = Date.now()): FixtureState {
  const records = sampleRuns(now);
  return {
    snapshot: {
      generatedAt: new Date(now).toISOString(),
      target: 'acme/mesh@main',
      tracked: [
        {
          target: 'acme/mesh@main',
          provider: 'github',
          repo: 'acme/mesh',
          url: 'https://github.example/acme/mesh.git',
          branch: 'main',
          path: 'peerings.yaml',
          revisions: { seen: SHA_B, seenAt: ago(now, 60), applied: SHA_A, appliedAt: ago(now, 1500) },
        },
      ],
      runs: records.map(runSummary),
      peerings: sampleHealth(now),
      topology: sampleTopology(),
      reconcile: {
        intervalMs: 300_000,
        selfHeal: true,
        lastCheck: {
          at: ago(now, 120),
          result: 'drift',
          reasons: ['peering dc3>dc2/ap1 is missing on dc2/ap1'],
        },
        nextCheckAt: ago(now, -180),
        retry: { of: 'run-5', attempt: 2, at: ago(now, -40) },
      },
    },
    others: [],
    records,
    unauthorized: false,
    runQueries: [],
    statusQueries: [],
  };
}

const unauthorized = () => Object.assign(new Error('authentication required'), { statusCode: 401 });

/** A meshpeer http server over `state`, listening on a free loopback port. */
export async function startStatusServer(state: FixtureState): Promise<{ url: string; app: FastifyInstance }> {
  const guard = () => {
    if (state.unauthorized) throw unauthorized();
  };
  const app = await createServer({
    webhooks: { secrets: {}, targets: [], deliveries: createMemoryDeliveryLog(), enqueue: async () => {} },
    metrics: createMetrics({ targets: [], peerings: async () => [] }),
    readiness: async () => ({ ready: true, checks: {} }),
    status: async (target) => {
      guard();
      state.statusQueries.push(target);
      return snapshotOf(state, target);
    },
    run: async (id) => {
      guard();
      return state.records.find((r) => r.id === id);
    },
    runs: async (options) => {
      guard();
      state.runQueries.push(options);
      return state.records
        .filter((r) => options.target === undefined || r.target === options.target)
        .filter((r) => options.trigger === undefined || r.trigger.kind === options.trigger)
        .slice(0, options.limit)
        .map(runSummary);
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, app };
}
