/**
 * Consul's "cluster peering on Kubernetes" runbook, walked by hand through the Kubernetes API only
 * (@kubernetes/client-node): Mesh and ProxyDefaults in every cluster, a PeeringAcceptor, the token
 * Secret copied to the dialer's cluster, a PeeringDialer, ExportedServices; then both Consul
 * servers are read through the service proxy until the peering is ACTIVE and receiving. The
 * resources are meshpeer's own builders, so this is what meshpeer's apply will do step by step.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  acceptorResource,
  CONSUL_API_VERSION,
  dialerResource,
  exportedServicesName,
  exportedServicesResource,
  meshResource,
  PEERING_TOKEN_LABEL,
  proxyDefaultsResource,
} from '../kube/consul-resources.ts';
import type { ClusterSpec, PeeringSpec, Topology } from '../topology/index.ts';
import {
  consulReadToken,
  importerOf,
  type PeeringView,
  runbookClients,
  waitForActive,
  waitForImport,
} from './runbook-checks.ts';
import { pollUntil, type RunbookClient } from './runbook-client.ts';

/** How to walk the runbook. */
export interface RunbookWalkOptions {
  /** The sandbox's kubeconfig text (one context per cluster). */
  kubeconfig: string;
  topology: Topology;
  progress?: (line: string) => void;
  /** Bound of every wait (default 30 s). */
  timeoutMs?: number;
}

/** The outcome of one walk. */
export interface RunbookResult {
  peerings: Array<{ id: string; acceptor: PeeringView; dialer: PeeringView }>;
  /** Milliseconds from each PeeringDialer's creation to both sides ACTIVE. */
  dialerToActiveMs: number[];
}

async function waitSynced(client: RunbookClient, obj: KubernetesObject, timeoutMs: number): Promise<void> {
  const { kind = '', metadata } = obj;
  await pollUntil(
    async () => {
      const synced = await client.synced(
        CONSUL_API_VERSION,
        kind,
        metadata?.namespace ?? '',
        metadata?.name ?? '',
      );
      return synced?.status === 'True' ? true : undefined;
    },
    `${kind} ${metadata?.name} in ${client.cluster} to be Synced`,
    timeoutMs,
  );
}

/** Applies Mesh and ProxyDefaults in a cluster and waits for them and the mesh gateway. */
async function meshStep(
  client: RunbookClient,
  spec: ClusterSpec,
  topology: Topology,
  say: (s: string) => void,
  timeoutMs: number,
): Promise<void> {
  const mode =
    topology.peerings.find((p) => p.acceptor.cluster === spec.name || p.dialer.cluster === spec.name)
      ?.meshGatewayMode ?? 'local';
  for (const obj of [meshResource(spec), proxyDefaultsResource(spec, mode)]) {
    await client.apply(obj);
    await waitSynced(client, obj, timeoutMs);
  }
  await pollUntil(
    async () => {
      const d = await client.get(
        'apps/v1',
        'Deployment',
        spec.consul.namespace,
        `${await client.fullname()}-mesh-gateway`,
      );
      return Number(d?.status?.readyReplicas ?? 0) > 0 ? true : undefined;
    },
    `the mesh gateway in ${spec.name} to be ready`,
    timeoutMs,
  );
  say(
    `${spec.name}: Mesh (peerThroughMeshGateways: ${spec.peerThroughMeshGateways}) and ProxyDefaults (mode ${mode}) synced, mesh gateway ready`,
  );
}

/** Acceptor, token copy and dialer of one peering; returns the dialer's creation time. */
async function peeringStep(
  clients: Map<string, RunbookClient>,
  p: PeeringSpec,
  say: (s: string) => void,
  timeoutMs: number,
): Promise<number> {
  const acceptor = clients.get(p.acceptor.cluster) as RunbookClient;
  const dialer = clients.get(p.dialer.cluster) as RunbookClient;
  const { name, key, acceptorNamespace, dialerNamespace } = p.tokenSecret;
  await acceptor.apply(acceptorResource(p));
  const secret = await pollUntil(
    () => acceptor.get('v1', 'Secret', acceptorNamespace, name),
    `token Secret ${name} in ${p.acceptor.cluster}`,
    timeoutMs,
  );
  say(
    `${p.acceptor.cluster}: PeeringAcceptor ${p.dialer.peerName} wrote Secret ${acceptorNamespace}/${name} (key ${key})`,
  );
  await dialer.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: dialerNamespace, labels: { [PEERING_TOKEN_LABEL]: 'true' } },
    data: secret.data ?? {},
  } as KubernetesObject);
  say(`${p.dialer.cluster}: copied the token Secret (label ${PEERING_TOKEN_LABEL}=true kept)`);
  const created = Date.now();
  const dialerObj = dialerResource(p);
  await dialer.apply(dialerObj);
  await waitSynced(dialer, dialerObj, timeoutMs);
  say(`${p.dialer.cluster}: PeeringDialer ${p.acceptor.peerName} synced (establish succeeded)`);
  return created;
}

/** Walks the runbook for every peering and export of the topology. */
export async function walkRunbook(options: RunbookWalkOptions): Promise<RunbookResult> {
  const { topology } = options;
  const say = options.progress ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 30_000;
  const clients = runbookClients(options.kubeconfig, topology);
  const client = (cluster: string) => clients.get(cluster) as RunbookClient;
  const spec = (cluster: string) => topology.clusters.find((c) => c.name === cluster) as ClusterSpec;
  await Promise.all(topology.clusters.map((c) => meshStep(client(c.name), c, topology, say, timeoutMs)));
  const result: RunbookResult = { peerings: [], dialerToActiveMs: [] };
  for (const p of topology.peerings) {
    const created = await peeringStep(clients, p, say, timeoutMs);
    const [aToken, dToken] = await Promise.all([
      consulReadToken(client(p.acceptor.cluster), spec(p.acceptor.cluster), topology),
      consulReadToken(client(p.dialer.cluster), spec(p.dialer.cluster), topology),
    ]);
    const wait = (c: string, name: string, partition: string, token?: string) =>
      waitForActive(client(c), name, { partition, timeoutMs, ...(token !== undefined && { token }) });
    const [acceptor, dialer] = await Promise.all([
      wait(p.acceptor.cluster, p.dialer.peerName, p.acceptor.partition, aToken),
      wait(p.dialer.cluster, p.acceptor.peerName, p.dialer.partition, dToken),
    ]);
    result.dialerToActiveMs.push(Date.now() - created);
    result.peerings.push({ id: p.id, acceptor, dialer });
    say(
      `peering ${p.id}: ${acceptor.cluster} ${acceptor.state}, ${dialer.cluster} ${dialer.state} (last received ${dialer.lastReceive})`,
    );
  }
  for (const entry of topology.exports) {
    const obj = exportedServicesResource(spec(entry.cluster), entry);
    await client(entry.cluster).apply(obj);
    await waitSynced(client(entry.cluster), obj, timeoutMs);
    say(
      `${entry.cluster}: ExportedServices ${exportedServicesName(spec(entry.cluster), entry.partition)} synced (${entry.services.map((s) => s.name).join(', ')})`,
    );
    for (const svc of entry.services) {
      for (const consumer of svc.consumers) {
        const to = 'peer' in consumer ? importerOf(topology, entry.cluster, consumer.peer) : undefined;
        if (to === undefined || svc.name === '*') continue;
        const token = await consulReadToken(client(to.cluster), spec(to.cluster), topology);
        const n = await waitForImport(client(to.cluster), svc.name, to.peer, {
          timeoutMs,
          ...(token !== undefined && { token }),
        });
        say(
          `${to.cluster}: imports ${svc.name} from peer ${to.peer} (${n} instance${n === 1 ? '' : 's'} via ?peer=)`,
        );
      }
    }
  }
  return result;
}
