/**
 * Everything a datacenter's own install runs besides its Kubernetes API, as the consul chart
 * renders it for the cluster's Helm values: the release Secret (unless rendered with `helm
 * template`), the headless server Service `<fullname>-server` with the ports the TLS settings give
 * (and `<fullname>-expose-servers` with admin partitions), `server.replicas` simulated servers
 * behind them (HTTPS with the chart's CA when TLS is on) hosting every partition of the datacenter,
 * the CA and bootstrap token Secrets, the connect-injector and its consul-k8s controllers serving
 * the default partition, the mesh gateway, and the admin API for Consul faults. Components log in
 * through the ACL auth method, as on a real install. Partition installs: partition-stack.ts.
 */
import { installNames, valueAt } from '../../src/resources/consul-chart.ts';
import { createCertificateAuthority } from '../../src/tls/certificate-authority.ts';
import { type SimulatedConsul, startConsulServer } from './consul/consul-server.ts';
import type { ConsulK8sControllers } from './controllers/consul-k8s-controllers.ts';
import { MeshGateway } from './gateway/mesh-gateway.ts';
import { serverServices } from './helm/consul-chart-objects.ts';
import { exposeServersServiceName } from './helm/partition-install-values.ts';
import { startInstallControllers } from './install-controllers.ts';
import { installObjects } from './install-objects.ts';
import { SANDBOX_ADMIN_SERVICE, SandboxAdmin } from './sandbox-admin.ts';
import type { SandboxCluster, SandboxComponent } from './sandbox-cluster.ts';
import { type ClusterInstall, clusterInstall, type SandboxClusterConfig } from './sandbox-cluster-config.ts';

/** What every install's stack shares: Consul's intervals, the controllers' resync and the log. */
export interface StackSettings {
  readonly consul: { readonly heartbeatIntervalMs: number; readonly idleTimeoutMs: number };
  readonly controllers: { readonly resyncMs: number };
  readonly log?: (line: string) => void;
}

/** The component name of a cluster's Consul server. */
export const CONSUL_COMPONENT = 'consul';

/** The running parts of one cluster (gateway and controllers only when the Helm values enable them). */
export interface ClusterStack {
  /** The datacenter's Consul servers: this install's own, or for a partition install its cluster's. */
  readonly consul: SimulatedConsul;
  readonly install: ClusterInstall;
  /** The one admin partition this install's consul-k8s serves. */
  readonly partition: string;
  /** For a partition install: the sandbox cluster whose install runs the servers. */
  readonly server?: string;
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
  shared: StackSettings,
  ca: { certPem: string; keyPem: string } | undefined,
): Promise<SimulatedConsul> {
  const { switches } = install;
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
      partition: config.partition,
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

/** Registers the endpoints of the server Services: one per API port each Service has. */
function publisher(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
  consul: SimulatedConsul,
) {
  const exposed = serverServices(install.values, install.switches).exposeServers;
  const services = [
    installNames(install.fullname).server,
    ...(exposed ? [exposeServersServiceName(install.fullname)] : []),
  ];
  return () => {
    const options = { ensureService: false } as const;
    for (const service of services) {
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
    }
  };
}

/** Installs a datacenter's own Consul into a sandbox cluster and attaches every part to it. */
export async function startClusterStack(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  shared: StackSettings,
): Promise<ClusterStack> {
  if (config.partitionOf !== undefined)
    throw new Error(`${config.name} is a partition install: start it with startPartitionStack`);
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
  const controllers = startInstallControllers(
    cluster,
    config,
    install,
    consul,
    shared,
    consul.acl?.injectorToken,
  );
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
    partition: config.partition,
    admin,
    ...(controllers !== undefined && { controllers }),
    ...(gateway !== undefined && { gateway }),
  };
}
