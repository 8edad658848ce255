/**
 * Requests per second of one Kubernetes API emulator for get and merge-patch, driven over HTTPS
 * (keep-alive) two ways: through @kubernetes/client-node (what meshpeer uses) and with raw
 * node:https requests (the emulator's own ceiling). Run with `npm run bench:kube`.
 */
import { Agent, request } from 'node:https';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeApiServer } from '../sandbox/src/kube/kube-api-server.ts';
import { SandboxCluster } from '../sandbox/src/sandbox-cluster.ts';
import { renderKubeconfig } from '../sandbox/src/sandbox-files.ts';
import { machine, percentile } from './stats.ts';

const count = Number(process.env.BENCH_REQUESTS ?? 5000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const target = {
  group: 'consul.hashicorp.com',
  version: 'v1alpha1',
  namespace: 'default',
  plural: 'peeringacceptors',
  name: 'bench',
};
const path = `/apis/${target.group}/${target.version}/namespaces/${target.namespace}/${target.plural}/${target.name}`;

interface Result {
  rps: number;
  p50: number;
  p99: number;
}

/** Runs `total` calls with `concurrency` in flight and measures throughput and latency. */
async function drive(total: number, call: (i: number) => Promise<unknown>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      await call(i);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rps: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function rawClient(kube: KubeApiServer): (method: string, body?: string) => Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: kube.caPem });
  return (method, body) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${kube.token}`,
        accept: 'application/json',
      };
      if (body !== undefined) headers['content-type'] = 'application/merge-patch+json';
      const req = request(`${kube.url}${path}`, { method, agent, headers }, (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
}

function annotation(i: number): { metadata: { annotations: Record<string, string> } } {
  return { metadata: { annotations: { 'bench.meshpeer.dev/iteration': String(i) } } };
}

async function main(): Promise<void> {
  const cluster = await SandboxCluster.start({ name: 'bench-01' });
  const kc = new KubeConfig();
  kc.loadFromString(renderKubeconfig([cluster]));
  const api = kc.makeApiClient(CustomObjectsApi);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  await api.createNamespacedCustomObject({
    ...target,
    body: {
      apiVersion: `${target.group}/${target.version}`,
      kind: 'PeeringAcceptor',
      metadata: { name: target.name },
      spec: { peer: { secret: { name: 'bench-token', key: 'data', backend: 'kubernetes' } } },
    },
  });
  const raw = rawClient(cluster.kube);
  const cases: Array<[string, (i: number) => Promise<unknown>]> = [
    ['client-node get', () => api.getNamespacedCustomObject(target)],
    [
      'client-node merge-patch',
      (i) => api.patchNamespacedCustomObject({ ...target, body: annotation(i) }, merge),
    ],
    ['raw https get', () => raw('GET')],
    ['raw https merge-patch', (i) => raw('PATCH', JSON.stringify(annotation(i + count)))],
  ];
  console.log(`machine: ${machine()}`);
  console.log(
    `${count} requests per case after ${count / 10} warm-up, ${concurrency} in flight, HTTPS keep-alive, one emulator`,
  );
  for (const [label, call] of cases) {
    await drive(count / 10, call);
    const before = cluster.requests.writes();
    const r = await drive(count, call);
    const writes = cluster.requests.writes() - before;
    console.log(
      `${label.padEnd(24)} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   writes ${writes}`,
    );
  }
  const final = cluster.objects.get({
    apiVersion: `${target.group}/${target.version}`,
    kind: 'PeeringAcceptor',
    namespace: 'default',
    name: 'bench',
  });
  console.log(
    `final resourceVersion ${final?.metadata.resourceVersion}, generation ${final?.metadata.generation}`,
  );
  await cluster.stop();
}

await main();
