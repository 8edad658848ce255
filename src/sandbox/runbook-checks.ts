/**
 * What the runbook walk checks, as anyone can check it through the Kubernetes API: per-cluster
 * client-node clients, the Consul read token from the chart's Secret, a peering's state and
 * whether it receives from its peer, and imported services through `?peer=`, all via the service
 * proxy.
 */
import type { ClusterSpec, Topology } from '../topology/index.ts';
import { kubeConfigForContext, pollUntil, RunbookClient } from './runbook-client.ts';

/** What Consul reports for one side of a peering. */
export interface PeeringView {
  cluster: string;
  name: string;
  state: string;
  lastHeartbeat: string | null;
  /** The last message from the peer (data or heartbeat): set soon after the stream opens. */
  lastReceive: string | null;
  importedServices: string[];
  exportedServices: string[];
}

/** The per-cluster clients of a topology. */
export function runbookClients(kubeconfig: string, topology: Topology): Map<string, RunbookClient> {
  return new Map(
    topology.clusters.map((c) => [
      c.name,
      new RunbookClient(c.name, kubeConfigForContext(kubeconfig, c.context)),
    ]),
  );
}

/** The ACL token for Consul reads (the chart's bootstrap token Secret), when ACLs are on. */
export async function consulReadToken(
  client: RunbookClient,
  spec: ClusterSpec,
  topology: Topology,
): Promise<string | undefined> {
  if (!topology.acls.enabled) return undefined;
  const ref = spec.consul.aclToken;
  return client.secretValue(
    ref?.namespace ?? spec.consul.namespace,
    ref?.secret ?? `${await client.fullname()}-bootstrap-acl-token`,
    ref?.key ?? 'token',
  );
}

/**
 * Polls `GET /v1/peering/NAME` until ACTIVE and receiving from its peer; returns what Consul
 * reported. Not a heartbeat: Consul sends the first one only 15 s after the stream opens.
 */
export async function waitForActive(
  client: RunbookClient,
  name: string,
  options: {
    token?: string;
    partition?: string;
    timeoutMs?: number;
    want?: (p: PeeringView) => boolean;
  } = {},
): Promise<PeeringView> {
  const query =
    options.partition === undefined || options.partition === 'default'
      ? ''
      : `?partition=${options.partition}`;
  const want = options.want ?? ((p: PeeringView) => p.state === 'ACTIVE' && p.lastReceive !== null);
  return pollUntil(
    async () => {
      const res = await client.consul(`/v1/peering/${name}${query}`, options.token);
      if (res.status !== 200) return undefined;
      const p = res.json as { State?: string; StreamStatus?: Record<string, unknown> };
      const view: PeeringView = {
        cluster: client.cluster,
        name,
        state: String(p.State ?? ''),
        lastHeartbeat: (p.StreamStatus?.LastHeartbeat as string | null | undefined) ?? null,
        lastReceive: (p.StreamStatus?.LastReceive as string | null | undefined) ?? null,
        importedServices: (p.StreamStatus?.ImportedServices as string[] | null | undefined) ?? [],
        exportedServices: (p.StreamStatus?.ExportedServices as string[] | null | undefined) ?? [],
      };
      return want(view) ? view : undefined;
    },
    `peering "${name}" in ${client.cluster} to be ${options.want === undefined ? 'ACTIVE' : 'as expected'}`,
    options.timeoutMs ?? 30_000,
  );
}

/** Polls `GET /v1/health/service/SVC?peer=PEER` until Consul lists an imported instance. */
export async function waitForImport(
  client: RunbookClient,
  service: string,
  peer: string,
  options: { token?: string; timeoutMs?: number } = {},
): Promise<number> {
  return pollUntil(
    async () => {
      const res = await client.consul(`/v1/health/service/${service}?peer=${peer}`, options.token);
      return res.status === 200 && Array.isArray(res.json) && res.json.length > 0
        ? res.json.length
        : undefined;
    },
    `${client.cluster} to import ${service} from peer ${peer}`,
    options.timeoutMs ?? 30_000,
  );
}

/** Where an export to `peer` from `cluster` is imported: the other cluster and its name for the exporter. */
export function importerOf(
  topology: Topology,
  cluster: string,
  peer: string,
): { cluster: string; peer: string } | undefined {
  for (const p of topology.peerings) {
    if (p.dialer.cluster === cluster && p.acceptor.peerName === peer)
      return { cluster: p.acceptor.cluster, peer: p.dialer.peerName };
    if (p.acceptor.cluster === cluster && p.dialer.peerName === peer)
      return { cluster: p.dialer.cluster, peer: p.acceptor.peerName };
  }
  return undefined;
}
