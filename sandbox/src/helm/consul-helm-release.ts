/**
 * The Consul Helm release of a sandbox cluster, stored as Helm v3 does it: a Secret named
 * `sh.helm.release.v1.<release>.v<version>` of type `helm.sh/release.v1` whose `release` key holds
 * base64 of gzipped release JSON (inside the Secret's own base64). Chart defaults and the user's
 * config are kept apart, as Helm keeps them, so meshpeer's decoder computes the effective values.
 */
import { gzipSync } from 'node:zlib';
import type { StoredObject } from '../kube/stored-object.ts';

type Values = Record<string, unknown>;

/** What the release Secret is built from. */
export interface ConsulHelmReleaseOptions {
  release: string;
  namespace: string;
  /** The chart version, e.g. `1.6.2`. */
  chartVersion: string;
  /** Consul's version (the chart's appVersion and the image tag), e.g. `1.20.1`. */
  consulVersion: string;
  /** The user-supplied values (`helm install -f values.yaml`), stored as the release config. */
  config: Values;
  /** Release revision (default 1). */
  revision?: number;
  now?: Date;
}

/** The consul chart's defaults for the keys meshpeer and the sandbox read. */
export function consulChartDefaults(consulVersion: string): Values {
  return {
    global: {
      enabled: true,
      name: null,
      datacenter: 'dc1',
      image: `hashicorp/consul:${consulVersion}`,
      peering: { enabled: false },
      tls: { enabled: false, httpsOnly: true },
      acls: { manageSystemACLs: false },
      adminPartitions: { enabled: false, name: 'default' },
      enableConsulNamespaces: false,
    },
    // `server.enabled` is "-" in the chart (follow global.enabled); exposeService.enabled stays "-".
    server: { enabled: true, replicas: 1, exposeService: { type: 'LoadBalancer' } },
    externalServers: { enabled: false, hosts: [], httpsPort: 8501, grpcPort: 8502, tlsServerName: null },
    connectInject: { enabled: true },
    meshGateway: {
      enabled: false,
      replicas: 1,
      containerPort: 8443,
      service: { type: 'LoadBalancer', port: 443 },
      wanAddress: { source: 'Service', port: 443 },
    },
  };
}

function releaseJson(options: ConsulHelmReleaseOptions, revision: number): string {
  const time = (options.now ?? new Date()).toISOString();
  return JSON.stringify({
    name: options.release,
    info: {
      first_deployed: time,
      last_deployed: time,
      deleted: '',
      description: revision === 1 ? 'Install complete' : 'Upgrade complete',
      status: 'deployed',
    },
    chart: {
      metadata: {
        name: 'consul',
        home: 'https://www.consul.io',
        version: options.chartVersion,
        description: 'Official HashiCorp Consul Chart',
        apiVersion: 'v2',
        appVersion: options.consulVersion,
        kubeVersion: '>=1.22.0-0',
      },
      lock: null,
      templates: [],
      values: consulChartDefaults(options.consulVersion),
      schema: null,
      files: [],
    },
    config: options.config,
    manifest: '',
    version: revision,
    namespace: options.namespace,
  });
}

/** The name Helm gives the Secret of one release revision. */
export function helmReleaseSecretName(release: string, revision = 1): string {
  return `sh.helm.release.v1.${release}.v${revision}`;
}

/** Builds the release Secret (decodable by meshpeer's `decodeHelmRelease`). */
export function consulHelmReleaseSecret(options: ConsulHelmReleaseOptions): StoredObject {
  const revision = options.revision ?? 1;
  const helmPayload = gzipSync(Buffer.from(releaseJson(options, revision), 'utf8')).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: helmReleaseSecretName(options.release, revision),
      namespace: options.namespace,
      labels: {
        name: options.release,
        owner: 'helm',
        status: 'deployed',
        version: String(revision),
        modifiedAt: String(Math.floor((options.now ?? new Date()).getTime() / 1000)),
      },
    },
    type: 'helm.sh/release.v1',
    // Helm writes base64 text as the Secret's bytes, so the API shows it base64-encoded twice.
    data: { release: Buffer.from(helmPayload, 'utf8').toString('base64') },
  };
}
