/**
 * Consul's "cluster peering on Kubernetes" runbook, walked by hand through the Kubernetes API only
 * (@kubernetes/client-node), per install: Mesh in every install serving the default partition (the
 * webhook allows peerThroughMeshGateways nowhere else) and ProxyDefaults in every install, a
 * PeeringAcceptor, the token Secret copied to the dialer's install, a PeeringDialer,
 * ExportedServices in the exporting install; then both sides' Consul servers are read through the
 * service proxy (a partition install's through its datacenter's own install, `?partition=`) until
 * the peering is ACTIVE and receiving. The resources are meshpeer's own builders, so this is what
 * meshpeer's apply will do step by step.
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
} from '../../src/resources/consul-resources.ts';
import type { ClusterSpec, ExportSpec, PeeringSpec, Topology } from '../../src/topology/index.ts';
import {
  consulReadToken,
  importerOf,
  installSpec,
  type PeeringView,
  runbookClients,
  serversOf,
  waitForActive,
  waitForImport,
} from './runbook-checks.ts';
import { pollUntil, type RunbookClient } from './runbook-client.ts';

/** How to walk the runbook. */
export interface RunbookWalkOptions {
  /** The sandbox's kubeconfig text (one context per install). */
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

/** Applies Mesh (default-partition installs only) and ProxyDefaults, and waits for them and the gateway. */
async function meshStep(
  client: RunbookClient,
  spec: ClusterSpec,
  topology: Topology,
  say: (s: string) => void,
  timeoutMs: number,
): Promise<void> {
  const mode =
    topology.peerings.find((p) => p.acceptor.install === spec.name || p.dialer.install === spec.name)
      ?.meshGatewayMode ?? 'local';
  const mesh = spec.partition === 'default' ? [meshResource(spec)] : [];
  for (const obj of [...mesh, proxyDefaultsResource(spec, mode)]) {
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
  const meshText =
    mesh.length === 0 ? '' : `Mesh (peerThroughMeshGateways: ${spec.peerThroughMeshGateways}) and `;
  say(`${spec.name}: ${meshText}ProxyDefaults (mode ${mode}) synced, mesh gateway ready`);
}

/** Acceptor, token copy and dialer of one peering; returns the dialer's creation time. */
async function peeringStep(
  clients: Map<string, RunbookClient>,
  p: PeeringSpec,
  say: (s: string) => void,
  timeoutMs: number,
): Promise<number> {
  const acceptor = clients.get(p.acceptor.install) as RunbookClient;
  const dialer = clients.get(p.dialer.install) as RunbookClient;
  const { name, key, acceptorNamespace, dialerNamespace } = p.tokenSecret;
  await acceptor.apply(acceptorResource(p));
  const secret = await pollUntil(
    () => acceptor.get('v1', 'Secret', acceptorNamespace, name),
    `token Secret ${name} in ${p.acceptor.install}`,
    timeoutMs,
  );
  say(
    `${p.acceptor.install}: PeeringAcceptor ${p.dialer.peerName} wrote Secret ${acceptorNamespace}/${name} (key ${key})`,
  );
  await dialer.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: dialerNamespace, labels: { [PEERING_TOKEN_LABEL]: 'true' } },
    data: secret.data ?? {},
  } as KubernetesObject);
  say(`${p.dialer.install}: copied the token Secret (label ${PEERING_TOKEN_LABEL}=true kept)`);
  const created = Date.now();
  const dialerObj = dialerResource(p);
  await dialer.apply(dialerObj);
  await waitSynced(dialer, dialerObj, timeoutMs);
  say(`${p.dialer.install}: PeeringDialer ${p.acceptor.peerName} synced (establish succeeded)`);
  return created;
}

/** Reads an install's Consul: through its servers' install, with that install's read token. */
async function consulReader(
  clients: Map<string, RunbookClient>,
  topology: Topology,
  install: string,
): Promise<{ client: RunbookClient; token?: string }> {
  const servers = serversOf(topology, install);
  const client = clients.get(servers.name) as RunbookClient;
  const token = await consulReadToken(client, servers, topology);
  return { client, ...(token !== undefined && { token }) };
}

/** Waits until both sides of a peering are ACTIVE and receiving. */
async function waitBothActive(
  clients: Map<string, RunbookClient>,
  topology: Topology,
  p: PeeringSpec,
  timeoutMs: number,
): Promise<{ acceptor: PeeringView; dialer: PeeringView }> {
  const side = async (install: string, name: string, partition: string) => {
    const { client, token } = await consulReader(clients, topology, install);
    const view = await waitForActive(client, name, {
      partition,
      timeoutMs,
      ...(token !== undefined && { token }),
    });
    return { ...view, cluster: install };
  };
  const [acceptor, dialer] = await Promise.all([
    side(p.acceptor.install, p.dialer.peerName, p.acceptor.partition),
    side(p.dialer.install, p.acceptor.peerName, p.dialer.partition),
  ]);
  return { acceptor, dialer };
}

/** Applies an install's ExportedServices and waits until its peers import what it exports. */
async function exportStep(
  clients: Map<string, RunbookClient>,
  topology: Topology,
  entry: ExportSpec,
  say: (s: string) => void,
  timeoutMs: number,
): Promise<void> {
  const spec = installSpec(topology, entry.install);
  const client = clients.get(entry.install) as RunbookClient;
  const obj = exportedServicesResource(spec, entry);
  await client.apply(obj);
  await waitSynced(client, obj, timeoutMs);
  say(
    `${entry.install}: ExportedServices ${exportedServicesName(spec, entry.partition)} synced (${entry.services.map((s) => s.name).join(', ')})`,
  );
  for (const svc of entry.services) {
    for (const consumer of svc.consumers) {
      const to = 'peer' in consumer ? importerOf(topology, entry.install, consumer.peer) : undefined;
      if (to === undefined || svc.name === '*') continue;
      const { client: reader, token } = await consulReader(clients, topology, to.install);
      const n = await waitForImport(reader, svc.name, to.peer, {
        timeoutMs,
        partition: to.partition,
        ...(token !== undefined && { token }),
      });
      say(
        `${to.install}: imports ${svc.name} from peer ${to.peer} (${n} instance${n === 1 ? '' : 's'} via ?peer=)`,
      );
    }
  }
}

/** Walks the runbook for every peering and export of the topology. */
export async function walkRunbook(options: RunbookWalkOptions): Promise<RunbookResult> {
  const { topology } = options;
  const say = options.progress ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 30_000;
  const clients = runbookClients(options.kubeconfig, topology);
  const client = (install: string) => clients.get(install) as RunbookClient;
  await Promise.all(topology.clusters.map((c) => meshStep(client(c.name), c, topology, say, timeoutMs)));
  const result: RunbookResult = { peerings: [], dialerToActiveMs: [] };
  for (const p of topology.peerings) {
    const created = await peeringStep(clients, p, say, timeoutMs);
    const { acceptor, dialer } = await waitBothActive(clients, topology, p, timeoutMs);
    result.dialerToActiveMs.push(Date.now() - created);
    result.peerings.push({ id: p.id, acceptor, dialer });
    say(
      `peering ${p.id}: ${acceptor.cluster} ${acceptor.state}, ${dialer.cluster} ${dialer.state} (last received ${dialer.lastReceive})`,
    );
  }
  for (const entry of topology.exports) await exportStep(clients, topology, entry, say, timeoutMs);
  return result;
}
