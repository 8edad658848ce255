/**
 * Observes one cluster, read-only: the Helm release, Mesh and ProxyDefaults, the mesh gateway,
 * peering resources, token Secrets (metadata only), exports, and Consul's own view. Reads run in
 * parallel; nothing here writes.
 */
import { ConsulClient } from '../consul/consul-client.ts';
import { directTransport, serviceProxyTransport } from '../consul/consul-transport.ts';
import type { ClusterReader, LiveObject } from '../kube/cluster-client.ts';
import { CONSUL_API_VERSION, PEERING_TOKEN_LABEL } from '../kube/consul-resources.ts';
import { helmFacts, latestDeployed } from '../kube/helm-release.ts';
import { registerSecret } from '../secrets/redact.ts';
import { aclTokenRef, type ClusterSpec, meshGatewayTokenRef, type Topology } from '../topology/index.ts';
import { observeConsul } from './observe-consul.ts';
import type { ObservedCluster } from './observed-state.ts';
import { baseFacts, exportFacts, peeringResourceFacts, tokenSecretFacts } from './resource-facts.ts';

/** Builds the Consul client of a cluster for a token (undefined: no ACL token). */
export type ConsulConnector = (spec: ClusterSpec, kube: ClusterReader, token?: string) => ConsulClient;

/** Consul at `consul.address` when set, else through the Kubernetes API's service proxy. */
export const defaultConsulConnector: ConsulConnector = (spec, kube, token) =>
  new ConsulClient(
    spec.consul.address !== undefined
      ? directTransport(spec.consul.address)
      : serviceProxyTransport(kube, spec.consul.namespace, spec.consul.release),
    token,
  );

/** Reads a token from a Secret and registers it for redaction; undefined when absent. */
export async function readSecretValue(
  kube: ClusterReader,
  ref: { namespace: string; name: string; key: string },
): Promise<string | undefined> {
  const secret = await kube.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: ref.namespace,
    name: ref.name,
  });
  const encoded = secret?.data?.[ref.key];
  if (encoded === undefined) return undefined;
  const value = Buffer.from(encoded, 'base64').toString('utf8').trim();
  registerSecret(value);
  return value;
}

function namespacesOf(spec: ClusterSpec, topology: Topology): string[] {
  const set = new Set([spec.consul.namespace]);
  for (const p of topology.peerings) {
    if (p.acceptor.cluster === spec.name) set.add(p.tokenSecret.acceptorNamespace);
    if (p.dialer.cluster === spec.name) set.add(p.tokenSecret.dialerNamespace);
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

async function consulClients(
  spec: ClusterSpec,
  topology: Topology,
  kube: ClusterReader,
  connect: ConsulConnector,
) {
  if (!topology.acls.enabled) return { main: connect(spec, kube), acl: { enabled: false } };
  const ref = aclTokenRef(spec);
  const [token, gatewayToken] = await Promise.all([
    ref ? readSecretValue(kube, ref) : undefined,
    readSecretValue(kube, meshGatewayTokenRef(spec, topology.acls)),
  ]);
  return {
    main: connect(spec, kube, token),
    acl: { enabled: true, ...(gatewayToken !== undefined && { gateway: connect(spec, kube, gatewayToken) }) },
  };
}

/** Everything meshpeer needs to know about one cluster. */
export async function observeCluster(
  spec: ClusterSpec,
  topology: Topology,
  kube: ClusterReader,
  connect: ConsulConnector = defaultConsulConnector,
): Promise<ObservedCluster> {
  const ns = spec.consul.namespace;
  const namespaces = namespacesOf(spec, topology);
  const crd = (kind: string) => listAll(kube, namespaces, CONSUL_API_VERSION, kind);
  const [helmSecrets, mesh, proxyDefaults, gateway, acceptors, dialers, secrets, exports, clients] =
    await Promise.all([
      kube.list('v1', 'Secret', ns, `owner=helm,name=${spec.consul.release}`),
      kube.get({ apiVersion: CONSUL_API_VERSION, kind: 'Mesh', namespace: ns, name: 'mesh' }),
      kube.get({ apiVersion: CONSUL_API_VERSION, kind: 'ProxyDefaults', namespace: ns, name: 'global' }),
      kube.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: ns,
        name: `${spec.consul.release}-mesh-gateway`,
      }),
      crd('PeeringAcceptor'),
      crd('PeeringDialer'),
      listAll(kube, namespaces, 'v1', 'Secret', `${PEERING_TOKEN_LABEL}=true`),
      crd('ExportedServices'),
      consulClients(spec, topology, kube, connect),
    ]);
  const release = latestDeployed(helmSecrets);
  const consul = await observeConsul(spec, clients.main, clients.acl);
  return {
    reachable: true,
    ...(release && { helm: helmFacts(release) }),
    ...(mesh && {
      mesh: {
        ...baseFacts(mesh),
        peerThroughMeshGateways:
          (mesh.spec?.peering as { peerThroughMeshGateways?: boolean } | undefined)
            ?.peerThroughMeshGateways === true,
      },
    }),
    ...(proxyDefaults && {
      proxyDefaults: {
        ...baseFacts(proxyDefaults),
        meshGatewayMode: (proxyDefaults.spec?.meshGateway as { mode?: string } | undefined)?.mode ?? '',
      },
    }),
    gateway: {
      found: gateway !== undefined,
      replicas: Number(gateway?.spec?.replicas ?? 0),
      readyReplicas: Number(gateway?.status?.readyReplicas ?? 0),
    },
    acceptors: acceptors.map(peeringResourceFacts),
    dialers: dialers.map(peeringResourceFacts),
    tokenSecrets: secrets.map(tokenSecretFacts),
    exports: exports.map(exportFacts),
    consul,
  };
}
