/**
 * Issue 6's observation benchmark (`npm run bench:observe`): 20 sandbox clusters with Consul, each
 * Kubernetes API answering every request after an injected 10 ms, observed (a) as meshpeer does,
 * all clusters in parallel with each cluster's reads in parallel, and (b) one cluster after the
 * other, the sum of the same observations. Goal: (a) close to the slowest single cluster, not (b).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../sandbox/src/sandbox-config.ts';
import { kubeClusterAccess } from '../src/app/cluster-access.ts';
import { installDirectory } from '../src/consul/install-directory.ts';
import { observeAll, observeCluster } from '../src/observe/index.ts';
import { scaleTopology } from './scale-topology.ts';
import { machine, median } from './stats.ts';

const CLUSTERS = 20;
const LATENCY_MS = 10;
const RUNS = 7;

const topology = scaleTopology('ring', CLUSTERS);
const dir = await mkdtemp(join(tmpdir(), 'meshpeer-observe-'));
const sandbox = await Sandbox.start({ config: sandboxConfigFromTopology(topology), dir, persist: false });
const clients = kubeClusterAccess({ overrides: { kubeconfig: join(dir, 'kubeconfig') } }).clients(
  topology.clusters,
);
const requests = () => sandbox.clusters.reduce((n, c) => n + c.requests.count(), 0);

async function parallel(): Promise<number> {
  const started = performance.now();
  await observeAll(topology, { reader: clients });
  return performance.now() - started;
}

/** The same observations one cluster at a time; returns the sum and the slowest cluster. */
async function oneByOne(): Promise<{ sum: number; slowest: number }> {
  let sum = 0;
  let slowest = 0;
  for (const spec of topology.clusters) {
    const started = performance.now();
    await observeCluster(spec, topology, installDirectory(topology.clusters, clients));
    const ms = performance.now() - started;
    sum += ms;
    slowest = Math.max(slowest, ms);
  }
  return { sum, slowest };
}

try {
  await parallel(); // API discovery and connections, then latency on every request
  for (const c of sandbox.clusters) c.faults.configure({ latency: { fixedMs: LATENCY_MS } });
  const before = requests();
  const together: number[] = [];
  const sums: number[] = [];
  const slowest: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    together.push(await parallel());
    const serial = await oneByOne();
    sums.push(serial.sum);
    slowest.push(serial.slowest);
  }
  const perCluster = (requests() - before) / (2 * RUNS * CLUSTERS);
  const p = median(together);
  console.log(`machine: ${machine()}`);
  console.log(
    `${CLUSTERS} clusters, ${LATENCY_MS} ms per Kubernetes API request, ${perCluster.toFixed(0)} requests per cluster, median of ${RUNS}`,
  );
  console.log(`observe all (parallel)       ${p.toFixed(0)} ms`);
  console.log(`slowest single cluster       ${median(slowest).toFixed(0)} ms`);
  console.log(`one cluster after the other  ${median(sums).toFixed(0)} ms`);
  console.log(
    `every request one by one     ${(perCluster * CLUSTERS * LATENCY_MS).toFixed(0)} ms (latency alone)`,
  );
  console.log(
    `parallel / slowest ${(p / median(slowest)).toFixed(2)}, parallel / sum ${(p / median(sums)).toFixed(2)}`,
  );
} finally {
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
}
