/**
 * One measurement of the scale benchmark, in a fresh process so memory figures are clean:
 * `node --expose-gc --import tsx bench/scale-measure.ts plan|observe|apply SHAPE CLUSTERS [KUBECONFIG]`.
 * Prints `SCALE-RESULT {...}` with medians in ms and memory in MiB.
 */
import { writeFile } from 'node:fs/promises';
import { kubeClusterAccess } from '../src/app/cluster-access.ts';
import { main } from '../src/cli/main.ts';
import { observeAll } from '../src/observe/index.ts';
import type { ObservedState } from '../src/observe/observed-state.ts';
import { planFor } from '../src/plan/index.ts';
import type { Topology } from '../src/topology/index.ts';
import { applyPlan, emptyObserved } from '../test/plan/world-model.ts';
import { type Shape, scaleTopology, scaleTopologyYaml } from './scale-topology.ts';
import { median, timeRuns } from './stats.ts';

const MiB = 2 ** 20;

function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / MiB;
}

// Every module (the whole CLI included) is loaded by now: what follows is the measured work.
const baseline = { heapMiB: heapAfterGc(), rssMiB: process.memoryUsage().rss / MiB };

/** Heap growth over the baseline after a full collection (what stays alive) and peak RSS growth. */
function memory(): Record<string, number> {
  return {
    heapMiB: heapAfterGc() - baseline.heapMiB,
    peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB - baseline.rssMiB,
    baseHeapMiB: baseline.heapMiB,
    baseRssMiB: baseline.rssMiB,
  };
}

/** The observed state after meshpeer's plans have been applied until nothing is left to do. */
function convergedState(t: Topology): ObservedState {
  let observed = emptyObserved(t);
  for (let pass = 0; pass < 6; pass++) {
    const plan = planFor(t, observed);
    if (plan.converged) return observed;
    observed = applyPlan(t, observed, plan);
  }
  throw new Error('the world model did not converge');
}

function measurePlan(t: Topology) {
  const empty = emptyObserved(t);
  const converged = convergedState(t);
  const runs = t.clusters.length >= 500 ? 7 : 15;
  const fromEmptyMs = median(timeRuns(() => planFor(t, empty), runs));
  const steadyMs = median(timeRuns(() => planFor(t, converged), runs));
  const plan = planFor(t, empty);
  return { steps: plan.steps.length, fromEmptyMs, steadyMs, ...memory() };
}

async function measureObserve(t: Topology, kubeconfig: string) {
  const clients = kubeClusterAccess({ overrides: { kubeconfig }, timeoutMs: 60_000 }).clients(t.clusters);
  const observe = async () => {
    const started = performance.now();
    const observed = await observeAll(t, { reader: clients, timeoutMs: 120_000 });
    const bad = Object.values(observed.clusters).filter((c) => !c.reachable || !c.consul.reachable);
    if (bad.length > 0) throw new Error(`${bad.length} clusters were not observed`);
    return performance.now() - started;
  };
  // The first observation pays API discovery and TLS handshakes, as every `meshpeer plan` does.
  const coldMs = await observe();
  const warm: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < 5; i++) warm.push(await observe());
  // The observer's own CPU per warm observation: wall time above it is waiting for the sandbox.
  const used = process.cpuUsage(cpu);
  return { coldMs, warmMs: median(warm), warmCpuMs: (used.user + used.system) / 5000, ...memory() };
}

async function measureApply(shape: Shape, n: number, kubeconfig: string) {
  const file = `${kubeconfig}.peerings.yaml`;
  await writeFile(file, scaleTopologyYaml(shape, n, 2, 1));
  const started = performance.now();
  // stdout gets the run record as JSON; the parent only reads the SCALE-RESULT line.
  const code = await main([
    'node',
    'meshpeer',
    'apply',
    '--inline',
    '-o',
    'json',
    '-f',
    file,
    '--kubeconfig',
    kubeconfig,
    '--timeout',
    '60s',
  ]);
  return { code, applyMs: performance.now() - started, ...memory() };
}

const [mode, shape = 'ring', clusters = '10', kubeconfig = ''] = process.argv.slice(2);
const n = Number(clusters);
const result =
  mode === 'plan'
    ? measurePlan(scaleTopology(shape as Shape, n))
    : mode === 'observe'
      ? await measureObserve(scaleTopology(shape as Shape, n), kubeconfig)
      : await measureApply(shape as Shape, n, kubeconfig);
process.stdout.write(`\nSCALE-RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
