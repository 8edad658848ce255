/**
 * Wall time from an empty sandbox to verified peerings, through BullMQ workers, for 2, 10 and 20
 * clusters with 10 ms injected latency per Kubernetes API request; beside a sequential baseline
 * (the same executors, one step at a time) and the critical-path floor (the longest dependency
 * chain of the measured step durations). `npm run bench:converge [-- --sizes=2,10]`; a name in
 * the list instead of a size runs that example (`--sizes=2,admin-partitions`: five installs, a
 * Kubernetes API per partition install).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis } from '../sandbox/src/local-redis.ts';
import { Sandbox } from '../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../sandbox/src/sandbox-config.ts';
import { kubeClusterAccess } from '../src/app/cluster-access.ts';
import type { Plan } from '../src/plan/index.ts';
import { createInlineDispatcher } from '../src/run/inline-dispatcher.ts';
import { reconcileRun } from '../src/run/reconcile-run.ts';
import { MemoryRunStore, type RunRecord } from '../src/run/run-record.ts';
import type { StepDispatcher } from '../src/run/step-dispatcher.ts';
import { parseTopology, type Topology } from '../src/topology/index.ts';
import { startQueue, testPolicy } from '../test/integration/sandbox-fixture.ts';
import { machine } from './stats.ts';

function topologyFor(clusters: number): { topology: Topology; yaml: string } {
  const name = (i: number) => `cluster-${String((i % clusters) + 1).padStart(2, '0')}`;
  const pairs: string[] = [];
  // 2: one peering; 10: full mesh (45); 20: a ring where each cluster peers with the next two (40).
  for (let i = 0; i < clusters; i++) {
    const reach = clusters <= 10 ? clusters - 1 - i : 2;
    for (let k = 1; k <= reach; k++)
      if (clusters <= 10 ? true : i + k <= clusters + 1)
        pairs.push(`  - { acceptor: ${name(i)}, dialer: ${name(i + k)} }`);
  }
  const unique = [...new Set(pairs)].filter((p, _, all) => {
    const [a, d] = p.match(/cluster-\d+/g) ?? [];
    return (
      a !== d &&
      !all.some(
        (q) => q !== p && q.includes(`acceptor: ${d}, dialer: ${a}`) && all.indexOf(q) < all.indexOf(p),
      )
    );
  });
  const yaml = [
    'apiVersion: meshpeer.dev/v1alpha1',
    'kind: PeeringTopology',
    'metadata: { name: converge }',
    'clusters:',
    ...Array.from({ length: clusters }, (_, i) => `  - name: ${name(i)}`),
    'peerings:',
    ...unique,
  ].join('\n');
  const parsed = parseTopology(yaml, 'converge.yaml');
  if (!parsed.ok) throw new Error(parsed.diagnostics[0]?.message);
  return { topology: parsed.topology, yaml };
}

function serialize(inner: StepDispatcher): StepDispatcher {
  let chain = Promise.resolve();
  return {
    dispatch: (step, ctx) => {
      const next = chain.then(() => inner.dispatch(step, ctx));
      chain = next.then(
        () => undefined,
        () => undefined,
      );
      return next;
    },
  };
}

/** The longest chain through the first plan's DAG, weighted by measured durations. */
function criticalPath(plan: Plan, record: RunRecord): number {
  const duration = new Map(record.steps.map((s) => [s.id, s.durationMs]));
  const memo = new Map<string, number>();
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const longest = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const step = byId.get(id);
    const value = (duration.get(id) ?? 0) + Math.max(0, ...(step?.dependsOn ?? []).map(longest));
    memo.set(id, value);
    return value;
  };
  return Math.max(0, ...plan.steps.map((s) => longest(s.id)));
}

async function onSandbox<T>(t: Topology, run: (kubeconfig: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-converge-'));
  // Consul's real stream intervals (heartbeat 15 s, timeout 2 min): verification must not wait for them.
  const config = sandboxConfigFromTopology(t);
  const sandbox = await Sandbox.start({ config, dir, persist: false });
  for (const c of sandbox.clusters) c.faults.configure({ latency: { fixedMs: 10 } });
  try {
    return await run(join(dir, 'kubeconfig'));
  } finally {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function serialRun(t: Topology, kubeconfig: string): Promise<number> {
  const kube = kubeClusterAccess({ overrides: { kubeconfig } });
  const clients = kube.clients(t.clusters);
  const started = Date.now();
  const record = await reconcileRun(
    { runId: 'serial', target: 'serial', revision: 'r', trigger: { kind: 'cli' }, topology: t },
    {
      clients,
      dispatcher: serialize(createInlineDispatcher(kube.stepContext(t.clusters, t.acls), testPolicy)),
      store: new MemoryRunStore(),
    },
  );
  if (record.status !== 'succeeded') throw new Error(`serial run failed: ${record.failure}`);
  return Date.now() - started;
}

const cases = (process.argv.find((a) => a.startsWith('--sizes='))?.slice(8) ?? '2,10,20').split(',');

async function caseTopology(name: string): Promise<{ topology: Topology; yaml: string }> {
  if (/^\d+$/.test(name)) return topologyFor(Number(name));
  const yaml = await readFile(`desired-state-examples/${name}/peerings.yaml`, 'utf8');
  const parsed = parseTopology(yaml, 'converge.yaml');
  if (!parsed.ok) throw new Error(parsed.diagnostics[0]?.message);
  return { topology: parsed.topology, yaml };
}
const redis = await startLocalRedis();
console.log(`machine: ${machine()}; 10 ms latency on every Kubernetes API request`);
console.log(
  'installs  peerings  queued apply  sequential  critical path  sequential/queued  queued/critical',
);
async function queuedRun(n: string, t: Topology, yaml: string): Promise<number> {
  return onSandbox(t, async (kubeconfig) => {
    const q = await startQueue(redis.url, kubeconfig);
    try {
      const started = Date.now();
      const record = await q.finished(await q.request('converge.yaml', `converge-${n}`, yaml), 600_000);
      if (record.status !== 'succeeded') throw new Error(`queued run failed: ${record.failure}`);
      return Date.now() - started;
    } finally {
      await q.close();
    }
  });
}

async function floorOf(t: Topology): Promise<number> {
  return onSandbox(t, async (kubeconfig) => {
    const kube = kubeClusterAccess({ overrides: { kubeconfig } });
    const clients = kube.clients(t.clusters);
    let plan: Plan | undefined;
    const record = await reconcileRun(
      { runId: 'floor', target: 'floor', revision: 'r', trigger: { kind: 'cli' }, topology: t },
      {
        clients,
        dispatcher: createInlineDispatcher(kube.stepContext(t.clusters, t.acls), testPolicy),
        store: new MemoryRunStore(),
        onEvent: (e) => {
          if (e.type === 'plan' && plan === undefined) plan = e.plan;
        },
      },
    );
    return plan ? criticalPath(plan, record) : 0;
  });
}

for (const n of cases) {
  const { topology: t, yaml } = await caseTopology(n);
  const queued = await queuedRun(n, t, yaml);
  const serial = await onSandbox(t, (kubeconfig) => serialRun(t, kubeconfig));
  const floor = await floorOf(t);
  const cells = [
    String(t.clusters.length).padStart(8),
    String(t.peerings.length).padStart(8),
    `${(queued / 1000).toFixed(1)} s`.padStart(12),
    `${(serial / 1000).toFixed(1)} s`.padStart(10),
    `${(floor / 1000).toFixed(1)} s`.padStart(13),
    (serial / queued).toFixed(1).padStart(17),
    (queued / floor).toFixed(2).padStart(15),
  ];
  console.log(cells.join('  ') + (/^\d+$/.test(n) ? '' : `  (${n})`));
}
await redis.stop();
process.exit(0);
