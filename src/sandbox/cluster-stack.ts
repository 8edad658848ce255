/**
 * Everything a sandbox cluster runs besides its Kubernetes API, as the consul chart renders it for
 * the cluster's Helm values: the release Secret (unless rendered with `helm template`), the
 * headless server Service `<fullname>-server` with the ports the TLS settings give, `server.replicas`
 * simulated servers behind it (HTTPS with the chart's CA when TLS is on), the CA and bootstrap
 * token Secrets, the connect-injector and its consul-k8s controllers, the mesh gateway, and the
 * admin API for Consul faults. Components log in through the ACL auth method, as on a real install.
 */
import { valueAt } from '../kube/consul-chart.ts';
import { createCertificateAuthority } from '../tls/certificate-authority.ts';
import { type SimulatedConsul, startConsulServer } from './consul/consul-server.ts';
import { ConsulK8sControllers } from './controllers/consul-k8s-controllers.ts';
import { MeshGateway } from './gateway/mesh-gateway.ts';
import { consulChartObjects } from './helm/consul-chart-objects.ts';
import { consulHelmReleaseSecret } from './helm/consul-helm-release.ts';
import type { KubeObject } from './kube/kube-object.ts';
import { SANDBOX_ADMIN_SERVICE, SandboxAdmin } from './sandbox-admin.ts';
import type { SandboxCluster, SandboxComponent } from './sandbox-cluster.ts';
import {
  type ClusterInstall,
  clusterInstall,
  type SandboxClusterConfig,
  type SandboxConfig,
} from './sandbox-config.ts';

/** The component name of a cluster's Consul server. */
export const CONSUL_COMPONENT = 'consul';

/** The running parts of one cluster (gateway and controllers only when the Helm values enable them). */
export interface ClusterStack {
  readonly consul: SimulatedConsul;
  readonly install: ClusterInstall;
  readonly controllers?: ConsulK8sControllers;
  readonly gateway?: MeshGateway;
  readonly admin: SandboxAdmin;
}

/** The Consul server as a cluster component: publishes its addresses and a token reference. */
class ConsulComponent implements SandboxComponent {
  readonly name = CONSUL_COMPONENT;
  constructor(
    readonly server: SimulatedConsul,
    private readonly config: SandboxClusterConfig,
    private readonly install: ClusterInstall,
  ) {}

  endpoints(): Record<string, string> {
    const out: Record<string, string> = {
      datacenter: this.server.datacenter,
      http: this.server.apiUrl,
      peering: this.server.peeringAddress,
      serverName: this.server.serverName,
      servers: String(this.server.servers.length),
      fullname: this.install.fullname,
    };
    if (this.server.acl !== undefined) {
      // A reference, never the value: read it from the cluster like any other Secret.
      out.aclBootstrapTokenSecret = `${this.config.helm.namespace}/${this.install.fullname}-bootstrap-acl-token`;
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

function ensureNamespace(cluster: SandboxCluster, name: string): void {
  if (cluster.objects.get({ apiVersion: 'v1', kind: 'Namespace', name }) === undefined)
    cluster.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/**
 * Real consul-k8s serves one admin partition per install; a sandbox cluster serves all of its
 * partitions, each with its own namespace (`<consul-namespace>-<partition>`, where meshpeer puts
 * that partition's peering resources) and accepted by the ExportedServices webhook.
 */
function prepareWebhooks(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
): void {
  const partitions = config.enterprise
    ? ['default', ...config.partitions.filter((p) => p !== 'default')]
    : ['default'];
  cluster.kube.service.consulPartitions = partitions;
  // The webhooks judge by the install's own switches, as consul-k8s's ConsulMeta carries them.
  cluster.kube.service.consulWebhooks = {
    fullname: install.fullname,
    partitionsEnabled: install.switches.adminPartitionsEnabled,
    namespacesEnabled: install.switches.enableConsulNamespaces,
  };
  for (const p of partitions) if (p !== 'default') ensureNamespace(cluster, `${config.helm.namespace}-${p}`);
}

/** What `helm install` leaves besides the pods: the release Secret and the rendered objects. */
function installObjects(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
  extras: {
    ca?: { certPem: string; keyPem: string };
    aclSecrets?: ReadonlyArray<{ name: string; value: string }>;
  },
): void {
  const { namespace, release } = config.helm;
  ensureNamespace(cluster, namespace);
  prepareWebhooks(cluster, config, install);
  // A persisted cluster keeps its first install time; the content is rewritten from the config.
  if (config.helm.installedWith === 'helm')
    upsert(cluster, consulHelmReleaseSecret({ ...config.helm, config: config.helm.values }));
  const objects = consulChartObjects({
    release,
    namespace,
    fullname: install.fullname,
    values: install.values,
    switches: install.switches,
    ...extras,
  });
  for (const object of objects) upsert(cluster, object);
}

/** The chart's TLS CA (tls-init's `<fullname>-ca-cert`), when TLS is on. */
async function tlsCa(install: ClusterInstall, datacenter: string) {
  if (!install.switches.tlsEnabled) return undefined;
  const ca = await createCertificateAuthority(`Consul Agent CA ${datacenter}`);
  return { certPem: ca.certPem, keyPem: ca.keyPem };
}

function startServers(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
  shared: Pick<SandboxConfig, 'consul'>,
  ca: { certPem: string; keyPem: string } | undefined,
): Promise<SimulatedConsul> {
  const { switches } = install;
  const partition = valueAt(install.values, 'global.adminPartitions.name');
  return startConsulServer({
    cluster: cluster.name,
    datacenter: config.datacenter,
    enterprise: config.enterprise,
    partitions: [...config.partitions],
    servers: install.serverReplicas,
    fullname: install.fullname,
    namespace: config.helm.namespace,
    api: { http: !switches.tlsEnabled || !switches.httpsOnly, https: switches.tlsEnabled, ca },
    acls: {
      enabled: switches.manageSystemACLs,
      gatewayPolicyLacksPeeringRead: config.acls.gatewayPolicyLacksPeeringRead,
      resourcePrefix: install.fullname,
      partition: typeof partition === 'string' ? partition : 'default',
      peering: switches.peeringEnabled,
      meshGateway: switches.meshGatewayEnabled,
      connectInject: switches.connectInjectEnabled,
      enableNamespaces: switches.enableConsulNamespaces,
    },
    services: config.services.map((s) => ({ ...s })),
    heartbeatIntervalMs: shared.consul.heartbeatIntervalMs,
    idleTimeoutMs: shared.consul.idleTimeoutMs,
  });
}

/** Registers the server Service's endpoints: one per port the Service has. */
function publisher(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
  consul: SimulatedConsul,
) {
  const service = `${install.fullname}-server`;
  return () => {
    const options = { ensureService: false } as const;
    if (consul.httpUrl !== undefined)
      cluster.registerServiceEndpoint(config.helm.namespace, service, consul.httpUrl, {
        ...options,
        port: 'http',
      });
    if (consul.httpsUrl !== undefined)
      cluster.registerServiceEndpoint(config.helm.namespace, service, consul.httpsUrl, {
        ...options,
        port: 'https',
      });
  };
}

/** Installs Consul into a sandbox cluster and attaches every part to it. */
export async function startClusterStack(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  shared: Pick<SandboxConfig, 'consul' | 'controllers'> & { log?: (line: string) => void },
): Promise<ClusterStack> {
  const install = clusterInstall(config);
  const { switches } = install;
  const ca = await tlsCa(install, config.datacenter);
  const consul = await startServers(cluster, config, install, shared, ca);
  cluster.attach(new ConsulComponent(consul, config, install));
  installObjects(cluster, config, install, {
    ...(ca !== undefined && { ca }),
    ...(consul.acl !== undefined && { aclSecrets: consul.acl.secrets() }),
  });
  const publish = publisher(cluster, config, install, consul);
  publish();
  const controllers = switches.connectInjectEnabled
    ? ConsulK8sControllers.start({
        objects: cluster.objects,
        consulUrl: () => consul.apiUrl,
        ...(consul.apiCaPem !== undefined && { consulCa: consul.apiCaPem }),
        ...(consul.acl !== undefined && { token: consul.acl.injectorToken }),
        datacenter: config.datacenter,
        enterprise: config.enterprise,
        peering: switches.peeringEnabled,
        resyncMs: shared.controllers.resyncMs,
        ...(shared.log !== undefined && { log: shared.log }),
      })
    : undefined;
  if (controllers !== undefined) cluster.attach(controllers);
  const gateway = switches.meshGatewayEnabled
    ? await MeshGateway.start({
        objects: cluster.objects,
        consul,
        namespace: config.helm.namespace,
        release: config.helm.release,
        fullname: install.fullname,
        replicas: install.meshGatewayReplicas,
        service: { type: String(valueAt(install.values, 'meshGateway.service.type') ?? 'LoadBalancer') },
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
    install,
    admin,
    ...(controllers !== undefined && { controllers }),
    ...(gateway !== undefined && { gateway }),
  };
}
