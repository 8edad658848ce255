/**
 * Everything a sandbox cluster runs besides its Kubernetes API: the Consul Helm release Secret, a
 * simulated Consul server published as Service `<release>-server` (port `http`), the ACL token
 * Secrets the chart would create, the consul-k8s controllers, the mesh gateway, and the admin API
 * for Consul faults. What runs follows the cluster's Helm values, as the chart would render it.
 */
import { registerSecret } from '../secrets/redact.ts';
import { type SimulatedConsul, startConsulServer } from './consul/consul-server.ts';
import { ConsulK8sControllers } from './controllers/consul-k8s-controllers.ts';
import { MeshGateway } from './gateway/mesh-gateway.ts';
import { consulHelmReleaseSecret } from './helm/consul-helm-release.ts';
import type { KubeObject } from './kube/kube-object.ts';
import { SANDBOX_ADMIN_SERVICE, SandboxAdmin } from './sandbox-admin.ts';
import type { SandboxCluster, SandboxComponent } from './sandbox-cluster.ts';
import { effectiveValues, type SandboxClusterConfig, type SandboxConfig } from './sandbox-config.ts';

/** The component name of a cluster's Consul server. */
export const CONSUL_COMPONENT = 'consul';

/** The running parts of one cluster (gateway and controllers only when the Helm values enable them). */
export interface ClusterStack {
  readonly consul: SimulatedConsul;
  readonly controllers?: ConsulK8sControllers;
  readonly gateway?: MeshGateway;
  readonly admin: SandboxAdmin;
}

/** The Helm switches that decide what runs. */
export interface HelmSwitches {
  peering: boolean;
  tls: boolean;
  meshGateway: boolean;
  connectInject: boolean;
  manageSystemACLs: boolean;
  meshGatewayReplicas: number;
}

function at(values: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined,
      values,
    );
}

/** Reads the switches from a cluster's effective Helm values. */
export function helmSwitches(config: SandboxClusterConfig): HelmSwitches {
  const values = effectiveValues(config);
  return {
    peering: at(values, 'global.peering.enabled') === true,
    tls: at(values, 'global.tls.enabled') === true,
    meshGateway: at(values, 'meshGateway.enabled') === true,
    connectInject: at(values, 'connectInject.enabled') !== false,
    manageSystemACLs: at(values, 'global.acls.manageSystemACLs') === true,
    meshGatewayReplicas: Number(at(values, 'meshGateway.replicas') ?? 1),
  };
}

/** The Consul server as a cluster component: publishes its addresses and a token reference. */
class ConsulComponent implements SandboxComponent {
  readonly name = CONSUL_COMPONENT;
  constructor(
    readonly server: SimulatedConsul,
    private readonly config: SandboxClusterConfig,
  ) {}

  endpoints(): Record<string, string> {
    const out: Record<string, string> = {
      datacenter: this.server.datacenter,
      http: this.server.apiUrl,
      peering: this.server.peeringAddress,
      serverName: this.server.serverName,
    };
    if (this.server.acl !== undefined) {
      // A reference, never the value: read it from the cluster like any other Secret.
      out.aclBootstrapTokenSecret = `${this.config.helm.namespace}/${this.config.helm.release}-bootstrap-acl-token`;
      out.aclBootstrapTokenKey = 'token';
    }
    return out;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

function upsert(cluster: SandboxCluster, obj: KubeObject): void {
  const ref = {
    apiVersion: String(obj.apiVersion),
    kind: String(obj.kind),
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
  };
  if (cluster.objects.get(ref) === undefined) cluster.objects.create(obj, { fieldManager: 'helm' });
  else cluster.objects.replace(obj, { fieldManager: 'helm' });
}

function tokenSecret(namespace: string, name: string, token: string): KubeObject {
  registerSecret(token);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'Helm', component: 'server-acl-init' },
    },
    data: { token: Buffer.from(token, 'utf8').toString('base64') },
  };
}

function ensureNamespace(cluster: SandboxCluster, name: string): void {
  if (cluster.objects.get({ apiVersion: 'v1', kind: 'Namespace', name }) === undefined)
    cluster.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/**
 * Real consul-k8s serves one admin partition per install; a sandbox cluster serves all of its
 * partitions, each with its own namespace (`<consul-namespace>-<partition>`, where meshpeer puts
 * that partition's peering resources) and accepted by the ExportedServices webhook.
 */
function preparePartitions(cluster: SandboxCluster, config: SandboxClusterConfig): void {
  const partitions = config.enterprise
    ? ['default', ...config.partitions.filter((p) => p !== 'default')]
    : ['default'];
  cluster.kube.service.consulPartitions = partitions;
  for (const p of partitions) if (p !== 'default') ensureNamespace(cluster, `${config.helm.namespace}-${p}`);
}

function installRelease(cluster: SandboxCluster, config: SandboxClusterConfig): void {
  const { namespace, release } = config.helm;
  ensureNamespace(cluster, namespace);
  preparePartitions(cluster, config);
  const secret = consulHelmReleaseSecret({ ...config.helm, config: config.helm.values });
  // A persisted cluster keeps its first install time; the content is rewritten from the config.
  upsert(cluster, secret);
  cluster.objects.apply(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: `${release}-server`,
        namespace,
        labels: { app: 'consul', component: 'server', release },
      },
      spec: {
        ports: [
          { name: 'http', port: 8500, targetPort: 8500, protocol: 'TCP' },
          { name: 'grpc', port: 8502, targetPort: 8502, protocol: 'TCP' },
        ],
      },
    },
    'helm',
  );
}

/** Installs Consul into a sandbox cluster and attaches every part to it. */
export async function startClusterStack(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  shared: Pick<SandboxConfig, 'consul' | 'controllers'> & { log?: (line: string) => void },
): Promise<ClusterStack> {
  const switches = helmSwitches(config);
  installRelease(cluster, config);
  const consul = await startConsulServer({
    cluster: cluster.name,
    datacenter: config.datacenter,
    enterprise: config.enterprise,
    partitions: [...config.partitions],
    acls: {
      enabled: config.acls.enabled,
      gatewayPolicyLacksPeeringRead: config.acls.gatewayPolicyLacksPeeringRead,
    },
    services: config.services.map((s) => ({ ...s })),
    heartbeatIntervalMs: shared.consul.heartbeatIntervalMs,
    idleTimeoutMs: shared.consul.idleTimeoutMs,
  });
  cluster.attach(new ConsulComponent(consul, config));
  const { namespace, release } = config.helm;
  const publish = () =>
    cluster.registerServiceEndpoint(namespace, `${release}-server`, consul.apiUrl, {
      port: 'http',
      ensureService: false,
    });
  publish();
  if (consul.acl !== undefined) {
    registerSecret(consul.acl.injectorToken);
    upsert(cluster, tokenSecret(namespace, `${release}-bootstrap-acl-token`, consul.acl.bootstrapToken));
    upsert(cluster, tokenSecret(namespace, `${release}-mesh-gateway-acl-token`, consul.acl.meshGatewayToken));
  }
  const controllers = switches.connectInject
    ? ConsulK8sControllers.start({
        objects: cluster.objects,
        consulUrl: () => consul.apiUrl,
        ...(consul.acl !== undefined && { token: consul.acl.injectorToken }),
        datacenter: config.datacenter,
        enterprise: config.enterprise,
        peering: switches.peering,
        resyncMs: shared.controllers.resyncMs,
        ...(shared.log !== undefined && { log: shared.log }),
      })
    : undefined;
  if (controllers !== undefined) cluster.attach(controllers);
  const gateway = switches.meshGateway
    ? await MeshGateway.start({
        objects: cluster.objects,
        consul,
        namespace,
        release,
        fullname: release,
        replicas: switches.meshGatewayReplicas,
        ...(consul.acl !== undefined && { aclToken: consul.acl.meshGatewayToken }),
      })
    : undefined;
  if (gateway !== undefined) cluster.attach(gateway);
  const admin = await SandboxAdmin.start({
    consul,
    ...(gateway !== undefined && { gateway }),
    onConsulStarted: publish,
  });
  cluster.attach(admin);
  cluster.registerServiceEndpoint(SANDBOX_ADMIN_SERVICE.namespace, SANDBOX_ADMIN_SERVICE.name, admin.url, {
    port: SANDBOX_ADMIN_SERVICE.port,
  });
  return {
    consul,
    admin,
    ...(controllers !== undefined && { controllers }),
    ...(gateway !== undefined && { gateway }),
  };
}
