/**
 * Time from PeeringDialer creation to ACTIVE on both sides, on a two-cluster sandbox on loopback
 * (Kubernetes API emulators, Consul servers, consul-k8s controllers, SNI mesh gateways). Each run
 * makes a fresh acceptor, copies its token Secret with client-node and creates the dialer; the
 * clock starts when the PeeringDialer create is sent and stops when both Consul servers report
 * ACTIVE with a heartbeat (polled every 2 ms on their HTTP API, so the observer adds little).
 * Run with `npm run bench:sandbox` (BENCH_RUNS, default 15).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeConfigForContext, pollUntil, RunbookClient } from '../sandbox/src/runbook-client.ts';
import { Sandbox } from '../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../sandbox/src/sandbox-config.ts';
import {
  CONSUL_API_VERSION,
  meshResource,
  proxyDefaultsResource,
} from '../src/resources/consul-resources.ts';
import { loadTopologyFile } from '../src/topology/index.ts';
import { machine, median, percentile } from './stats.ts';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const warmup = 2;

async function activeWithHeartbeat(httpUrl: string, name: string): Promise<true | undefined> {
  const res = await fetch(`${httpUrl}/v1/peering/${name}`);
  if (res.status !== 200) return undefined;
  const p = (await res.json()) as { State?: string; StreamStatus?: { LastHeartbeat?: string | null } };
  return p.State === 'ACTIVE' && p.StreamStatus?.LastHeartbeat != null ? true : undefined;
}

function peering(kind: 'PeeringAcceptor' | 'PeeringDialer', name: string, secret: string) {
  return {
    apiVersion: CONSUL_API_VERSION,
    kind,
    metadata: { name, namespace: 'consul' },
    spec: { peer: { secret: { name: secret, key: 'data', backend: 'kubernetes' } } },
  };
}

/** One acceptor → copy → dialer cycle; returns ms from the dialer create to ACTIVE on both sides. */
async function once(sandbox: Sandbox, a: RunbookClient, d: RunbookClient, i: number): Promise<number> {
  const secret = `bench-token-${i}`;
  const acceptorName = `bench-dialer-${i}`; // the acceptor's name for the dialing side
  const dialerName = `bench-acceptor-${i}`;
  await a.apply(peering('PeeringAcceptor', acceptorName, secret));
  const token = await pollUntil(() => a.get('v1', 'Secret', 'consul', secret), 'token secret', 30_000, 2);
  await d.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secret, namespace: 'consul', labels: token.metadata?.labels ?? {} },
    data: token.data,
  } as never);
  const started = process.hrtime.bigint();
  await d.apply(peering('PeeringDialer', dialerName, secret));
  const acceptorUrl = sandbox.stack('cluster-01').consul.apiUrl;
  const dialerUrl = sandbox.stack('cluster-02').consul.apiUrl;
  await pollUntil(
    async () =>
      (await activeWithHeartbeat(dialerUrl, dialerName)) &&
      (await activeWithHeartbeat(acceptorUrl, acceptorName)),
    'ACTIVE',
    30_000,
    2,
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const loaded = await loadTopologyFile('desired-state-examples/runbook/peerings.yaml');
  if (!loaded.ok) throw new Error('the runbook example must be valid');
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-bench-'));
  const sandbox = await Sandbox.start({
    // It times ACTIVE with a heartbeat: short intervals, as before (Consul's first comes after 15 s).
    config: {
      ...sandboxConfigFromTopology(loaded.topology),
      consul: { heartbeatIntervalMs: 1000, idleTimeoutMs: 10_000 },
    },
    dir,
    persist: false,
  });
  try {
    const kubeconfig = await readFile(join(dir, 'kubeconfig'), 'utf8');
    const [a, d] = ['cluster-01', 'cluster-02'].map(
      (c) => new RunbookClient(c, kubeConfigForContext(kubeconfig, c)),
    ) as [RunbookClient, RunbookClient];
    for (const [client, spec] of [a, d].map((c, i) => [c, loaded.topology.clusters[i]] as const)) {
      if (spec === undefined) continue;
      await client.apply(meshResource(spec));
      await client.apply(proxyDefaultsResource(spec, 'local'));
    }
    await pollUntil(
      async () =>
        (await d.synced(CONSUL_API_VERSION, 'Mesh', 'consul', 'mesh'))?.status === 'True' ? true : undefined,
      'mesh',
    );
    const samples: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const ms = await once(sandbox, a, d, i);
      if (i >= warmup) samples.push(ms);
    }
    const gateway = sandbox.stack('cluster-01').gateway?.counters().routed ?? {};
    console.log(
      `PeeringDialer created -> ACTIVE on both sides, ${runs} runs after ${warmup} warm-up runs (${machine()})`,
    );
    console.log(
      `  median ${median(samples).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms, min ${Math.min(...samples).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms`,
    );
    console.log(
      `  peering connections routed by the acceptor's mesh gateway: ${Object.values(gateway).reduce((n, v) => n + v, 0)}`,
    );
  } finally {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
