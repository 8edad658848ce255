/**
 * A partition install in its own sandbox cluster, as consul-k8s serves a non-default admin
 * partition: no Consul servers and no server Service (`server.enabled: false`); the release Secret
 * and the chart's objects, with the connect-injector pointed at `externalServers` and carrying
 * `CONSUL_PARTITION`; the server cluster's CA Secret, copied as the consul-k8s acceptance tests copy
 * it (acceptance/tests/partitions/partitions_connect_test.go, `k8s.CopySecret`); the partition's
 * services registered in its partition of the datacenter's catalog, as its endpoints controller
 * would; consul-k8s controllers acting only in the partition; and the partition's mesh gateway.
 * Simplified: the sandbox resolves no DNS between clusters, so the controllers are handed the
 * servers' URL instead of reading `externalServers.hosts`; partition-init (which creates the
 * partition) is not run, as the servers already host every partition of the datacenter.
 */
import { caCertOf, valueAt } from '../../src/resources/consul-chart.ts';
import type { ClusterStack, StackSettings } from './cluster-stack.ts';
import type { SimulatedConsul } from './consul/consul-server.ts';
import { MeshGateway } from './gateway/mesh-gateway.ts';
import { startInstallControllers } from './install-controllers.ts';
import { installObjects, upsert } from './install-objects.ts';
import { getPath, isRecord } from './kube/stored-object.ts';
import { SANDBOX_ADMIN_SERVICE, SandboxAdmin } from './sandbox-admin.ts';
import type { SandboxCluster, SandboxComponent } from './sandbox-cluster.ts';
import { type ClusterInstall, clusterInstall, type SandboxClusterConfig } from './sandbox-cluster-config.ts';

/** The datacenter's servers as a partition install sees them: published, never stopped with it. */
class ExternalServersComponent implements SandboxComponent {
  readonly name = 'consul';
  constructor(
    private readonly consul: SimulatedConsul,
    private readonly config: SandboxClusterConfig,
    private readonly install: ClusterInstall,
    private readonly server: string,
  ) {}

  endpoints(): Record<string, string> {
    return {
      datacenter: this.consul.datacenter,
      http: this.consul.apiUrl,
      partition: this.config.partition,
      externalServers: this.server,
      serverName: this.consul.serverName,
      fullname: this.install.fullname,
    };
  }

  /** The servers belong to the server cluster's install, which stops them. */
  async stop(): Promise<void> {}
}

/** The server cluster's CA Secret (`global.tls.caCert`), copied into the partition install's namespace. */
function copyCaSecret(
  cluster: SandboxCluster,
  server: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
  serverNamespace: string,
): void {
  const { secret } = caCertOf(install.fullname, install.values);
  const source = server.objects.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: serverNamespace,
    name: secret,
  });
  if (source === undefined)
    throw new Error(`${config.name}: the server cluster ${server.name} has no CA Secret ${secret} to copy`);
  const labels = getPath(source, ['metadata', 'labels']);
  upsert(cluster, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secret,
      namespace: config.helm.namespace,
      ...(isRecord(labels) && { labels: labels as Record<string, string> }),
    },
    type: String(source.type ?? 'Opaque'),
    data: { ...(source.data as Record<string, string>) },
  });
}

/** The partition's mesh gateway: its Deployment in this cluster, registered in the partition. */
function startGateway(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
  consul: SimulatedConsul,
): Promise<MeshGateway> {
  return MeshGateway.start({
    objects: cluster.objects,
    consul,
    partition: config.partition,
    namespace: config.helm.namespace,
    release: config.helm.release,
    fullname: install.fullname,
    replicas: install.meshGatewayReplicas,
    service: { type: String(valueAt(install.values, 'meshGateway.service.type') ?? 'LoadBalancer') },
  });
}

/** Where a partition install's servers run. */
export interface PartitionServers {
  readonly cluster: SandboxCluster;
  readonly stack: ClusterStack;
  readonly config: SandboxClusterConfig;
}

/** Installs consul-k8s for one partition into its own sandbox cluster, against its datacenter's servers. */
export async function startPartitionStack(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  servers: PartitionServers,
  shared: StackSettings,
): Promise<ClusterStack> {
  const install = clusterInstall(config);
  const { switches } = install;
  const consul = servers.stack.consul;
  cluster.attach(new ExternalServersComponent(consul, config, install, servers.cluster.name));
  installObjects(cluster, config, install, {});
  if (switches.tlsEnabled)
    copyCaSecret(cluster, servers.cluster, config, install, servers.config.helm.namespace);
  consul.addServices(config.services.map((s) => ({ ...s, partition: s.partition ?? config.partition })));
  const controllers = startInstallControllers(cluster, config, install, consul, shared);
  const gateway = switches.meshGatewayEnabled
    ? await startGateway(cluster, config, install, consul)
    : undefined;
  if (gateway !== undefined) cluster.attach(gateway);
  // Consul faults belong to the server cluster's admin API; this one reads the gateway only.
  const admin = await SandboxAdmin.start({ ...(gateway !== undefined && { gateway }) });
  cluster.attach(admin);
  cluster.registerServiceEndpoint(SANDBOX_ADMIN_SERVICE.namespace, SANDBOX_ADMIN_SERVICE.name, admin.url, {
    port: SANDBOX_ADMIN_SERVICE.port,
  });
  return {
    consul,
    install,
    partition: config.partition,
    server: servers.cluster.name,
    admin,
    ...(controllers !== undefined && { controllers }),
    ...(gateway !== undefined && { gateway }),
  };
}
