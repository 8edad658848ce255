/**
 * What `helm install` leaves in a sandbox cluster besides the pods, for both kinds of install: the
 * release namespace, the release Secret (unless rendered with `helm template`), the chart's
 * objects, and the settings of the consul-k8s webhooks, which serve exactly the install's one
 * partition (control-plane/api/v1alpha1/exportedservices_webhook.go with ConsulMeta.Partition).
 */
import { consulChartObjects } from './helm/consul-chart-objects.ts';
import { consulHelmReleaseSecret } from './helm/consul-helm-release.ts';
import type { StoredObject } from './kube/stored-object.ts';
import type { SandboxCluster } from './sandbox-cluster.ts';
import type { ClusterInstall, SandboxClusterConfig } from './sandbox-cluster-config.ts';

/** Creates an object, or replaces it when a persisted cluster already has it, as Helm's field manager. */
export function upsert(cluster: SandboxCluster, obj: StoredObject): void {
  const ref = {
    apiVersion: String(obj.apiVersion),
    kind: String(obj.kind),
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
  };
  if (cluster.objects.get(ref) === undefined) cluster.objects.create(obj, { fieldManager: 'helm' });
  else cluster.objects.replace(obj, { fieldManager: 'helm' });
}

/** Creates a Namespace unless it exists. */
export function ensureNamespace(cluster: SandboxCluster, name: string): void {
  if (cluster.objects.get({ apiVersion: 'v1', kind: 'Namespace', name }) === undefined)
    cluster.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** The webhooks judge by the install's own switches and partition, as consul-k8s's ConsulMeta carries them. */
function prepareWebhooks(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
): void {
  cluster.kube.service.consulWebhooks = {
    fullname: install.fullname,
    partition: config.partition,
    partitionsEnabled: install.switches.adminPartitionsEnabled,
    namespacesEnabled: install.switches.enableConsulNamespaces,
  };
}

/** Extra material the chart's objects carry: tls-init's CA and server-acl-init's token Secrets. */
export interface InstallExtras {
  ca?: { certPem: string; keyPem: string };
  aclSecrets?: ReadonlyArray<{ name: string; value: string }>;
}

/** Writes the release namespace, webhook settings, release Secret and the chart's objects. */
export function installObjects(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
  extras: InstallExtras,
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
