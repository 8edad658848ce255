/**
 * Observes one cluster, read-only: the Consul install (release Secret, declared or inferred
 * values), the Mesh and ProxyDefaults singletons and the ExportedServices wherever they live, the
 * mesh gateway, peering resources, token Secrets (metadata and keyed fingerprints only), the
 * traffic resources (intentions, resolvers, sameness groups) its part of the topology needs, and
 * Consul's own view (with the catalog's service names where the install exports). Reads run in
 * parallel once the install's names are known; nothing writes.
 */

import { type ConsulConnector, defaultConsulConnector, readSecretValue } from '../consul/consul-access.ts';
import type { InstallDirectory } from '../consul/install-directory.ts';
import type { ClusterReader, LiveObject } from '../kube/cluster-client.ts';
import { fullnameOf, installNames } from '../resources/consul-chart.ts';
import { CONSUL_API_VERSION, PEERING_TOKEN_LABEL } from '../resources/consul-resources.ts';
import { aclTokenRef, type ClusterSpec, meshGatewayTokenRef, type Topology } from '../topology/index.ts';
import { exportNamespaces } from './observe-catalog.ts';
import { type AclObservation, observeConsul } from './observe-consul.ts';
import { observeTraffic } from './observe-traffic.ts';
import type { ObservedCluster } from './observed-state.ts';
import { baseFacts, exportFacts, peeringResourceFacts, tokenSecretFacts } from './resource-facts.ts';

function namespacesOf(spec: ClusterSpec, topology: Topology): string[] {
  const set = new Set([spec.consul.namespace]);
  for (const p of topology.peerings) {
    if (p.acceptor.install === spec.name) set.add(p.tokenSecret.acceptorNamespace);
    if (p.dialer.install === spec.name) set.add(p.tokenSecret.dialerNamespace);
  }
  return [...set].sort();
}

async function listAll(
  kube: ClusterReader,
  namespaces: string[],
  apiVersion: string,
  kind: string,
  selector?: string,
): Promise<LiveObject[]> {
  const lists = await Promise.all(namespaces.map((ns) => kube.list(apiVersion, kind, ns, selector)));
  return lists.flat();
}

/** The Consul client with meshpeer's token, and what the ACL observation needs. */
async function consulAccess(
  spec: ClusterSpec,
  topology: Topology,
  installs: InstallDirectory,
  connect: ConsulConnector,
) {
  const target = await installs.consulTarget(spec.name);
  const { install, kube } = target;
  if (!topology.acls.enabled) return { client: await connect(target), acl: undefined };
  const ref = aclTokenRef(spec);
  const gatewayRef = meshGatewayTokenRef(spec, topology.acls);
  const [token, gatewayToken] = await Promise.all([
    ref ? readSecretValue(kube, ref) : undefined,
    gatewayRef ? readSecretValue(kube, gatewayRef) : undefined,
  ]);
  const acl: AclObservation = {
    install,
    ...(ref !== undefined &&
      token === undefined && { tokenMissing: `${ref.namespace}/${ref.name} (key ${ref.key})` }),
    ...(gatewayRef !== undefined && {
      gatewayToken: { secret: `${gatewayRef.namespace}/${gatewayRef.name}`, token: gatewayToken },
    }),
  };
  return { client: await connect(target, token), acl };
}

/** The one object of a singleton kind, wherever it lives (consul-k8s admits one per cluster). */
const first = (list: readonly LiveObject[]) =>
  [...list].sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? ''))[0];

/** Everything meshpeer needs to know about one install. */
export async function observeCluster(
  spec: ClusterSpec,
  topology: Topology,
  installs: InstallDirectory,
  connect: ConsulConnector = defaultConsulConnector,
): Promise<ObservedCluster> {
  const { install, kube } = await installs.access(spec.name);
  const names = installNames(fullnameOf(spec.consul, install));
  const namespaces = namespacesOf(spec, topology);
  const crd = (kind: string) => listAll(kube, namespaces, CONSUL_API_VERSION, kind);
  const [meshes, proxyDefaults, gateway, acceptors, dialers, secrets, exports, traffic, access] =
    await Promise.all([
      kube.list(CONSUL_API_VERSION, 'Mesh', ''),
      kube.list(CONSUL_API_VERSION, 'ProxyDefaults', ''),
      kube.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: spec.consul.namespace,
        name: names.meshGateway,
      }),
      crd('PeeringAcceptor'),
      crd('PeeringDialer'),
      listAll(kube, namespaces, 'v1', 'Secret', `${PEERING_TOKEN_LABEL}=true`),
      kube.list(CONSUL_API_VERSION, 'ExportedServices', ''),
      observeTraffic(kube, spec, topology),
      consulAccess(spec, topology, installs, connect),
    ]);
  const accepts =
    spec.peerThroughMeshGateways && topology.peerings.some((p) => p.acceptor.install === spec.name);
  const consul = await observeConsul(
    spec,
    access.client,
    access.acl,
    exportNamespaces(spec, topology),
    accepts,
  );
  const mesh = first(meshes);
  const proxy = first(proxyDefaults.filter((p) => p.metadata.name === 'global'));
  return {
    reachable: true,
    ...(install && { install }),
    ...(mesh && {
      mesh: {
        ...baseFacts(mesh),
        peerThroughMeshGateways:
          (mesh.spec?.peering as { peerThroughMeshGateways?: boolean } | undefined)
            ?.peerThroughMeshGateways === true,
      },
    }),
    ...(proxy && {
      proxyDefaults: {
        ...baseFacts(proxy),
        meshGatewayMode: (proxy.spec?.meshGateway as { mode?: string } | undefined)?.mode ?? '',
      },
    }),
    gateway: {
      found: gateway !== undefined,
      name: names.meshGateway,
      replicas: Number(gateway?.spec?.replicas ?? 0),
      readyReplicas: Number(gateway?.status?.readyReplicas ?? 0),
    },
    acceptors: acceptors.map(peeringResourceFacts),
    dialers: dialers.map(peeringResourceFacts),
    tokenSecrets: secrets.map(tokenSecretFacts),
    exports: exports.map(exportFacts),
    ...traffic,
    consul,
  };
}
