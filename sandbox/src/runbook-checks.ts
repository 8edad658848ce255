/**
 * What the runbook walk checks, as anyone can check it through the Kubernetes API: per-install
 * client-node clients, the Consul read token from the chart's Secret, a peering's state and
 * whether it receives from its peer, and imported services through `?peer=`, all via the service
 * proxy. A partition install runs no servers: its Consul is read through its datacenter's own
 * install's server Service with `?partition=`.
 */
import type { ClusterSpec, Topology } from '../../src/topology/index.ts';
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

/** The clients of a topology's installs, keyed by install (each through its own kube context). */
export function runbookClients(kubeconfig: string, topology: Topology): Map<string, RunbookClient> {
  return new Map(
    topology.clusters.map((c) => [
      c.name,
      new RunbookClient(c.name, kubeConfigForContext(kubeconfig, c.context)),
    ]),
  );
}

/** An install's spec by key; throws for a key the topology does not have. */
export function installSpec(topology: Topology, install: string): ClusterSpec {
  const spec = topology.clusters.find((c) => c.name === install);
  if (spec === undefined) throw new Error(`install ${install} is not part of the topology`);
  return spec;
}

/** The install whose servers answer for `install`: itself, or its datacenter's own install. */
export function serversOf(topology: Topology, install: string): ClusterSpec {
  const spec = installSpec(topology, install);
  return spec.server === undefined ? spec : installSpec(topology, spec.server);
}

/** The ACL token for Consul reads (the chart's bootstrap token Secret of the servers' install). */
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
  options: { token?: string; partition?: string; timeoutMs?: number } = {},
): Promise<number> {
  const partition =
    options.partition === undefined || options.partition === 'default'
      ? ''
      : `&partition=${options.partition}`;
  return pollUntil(
    async () => {
      const res = await client.consul(
        `/v1/health/service/${service}?peer=${peer}${partition}`,
        options.token,
      );
      return res.status === 200 && Array.isArray(res.json) && res.json.length > 0
        ? res.json.length
        : undefined;
    },
    `${client.cluster} to import ${service} from peer ${peer}`,
    options.timeoutMs ?? 30_000,
  );
}

/** Where an export to `peer` from an install is imported: the other install, its partition and its name for the exporter. */
export function importerOf(
  topology: Topology,
  install: string,
  peer: string,
): { install: string; partition: string; peer: string } | undefined {
  for (const p of topology.peerings) {
    if (p.dialer.install === install && p.acceptor.peerName === peer)
      return { install: p.acceptor.install, partition: p.acceptor.partition, peer: p.dialer.peerName };
    if (p.acceptor.install === install && p.dialer.peerName === peer)
      return { install: p.dialer.install, partition: p.dialer.partition, peer: p.acceptor.peerName };
  }
  return undefined;
}
