/**
 * The Kubernetes objects the consul chart renders for a sandbox cluster, as far as anything reads
 * them: with servers (`server.enabled`), the headless server Service with the ports the TLS settings
 * give (charts/consul/templates/server-service.yaml) and, with admin partitions, the
 * `<fullname>-expose-servers` Service partition installs reach the servers through
 * (expose-servers-service.yaml); the connect-injector Deployment whose command line and environment
 * carry the chart's switches, its partition and its servers (connect-inject-deployment.yaml,
 * `consul.consulK8sConsulServerEnvVars` in _helpers.tpl); the CA Secrets of tls-init-job.yaml and
 * the token Secrets server-acl-init writes (server-acl-init/command.go: the bootstrap token and the
 * few tokens it creates directly; components log in instead). Names follow `consul.fullname`;
 * labels are the chart's. The mesh gateway's objects come from the gateway itself.
 * Simplified: no server StatefulSet or pods (the emulator has no StatefulSet kind; the Service's
 * endpoints are registered directly), and only the flags and variables meshpeer or a person reads.
 */
import { type InstallValues, installNames, valueAt } from '../../../src/resources/consul-chart.ts';
import type { StoredObject } from '../kube/stored-object.ts';
import { exposeServersServiceName } from './partition-install-values.ts';

/** What the objects are rendered from. */
export interface ChartObjectsInput {
  readonly release: string;
  readonly namespace: string;
  readonly fullname: string;
  /** The effective values (chart defaults with the user's values). */
  readonly values: Readonly<Record<string, unknown>>;
  readonly switches: InstallValues;
  /** The TLS CA (tls-init's `<fullname>-ca-cert` and `-ca-key`), when TLS is on. */
  readonly ca?: { readonly certPem: string; readonly keyPem: string };
  /** The token Secrets server-acl-init wrote (the bootstrap token first), when ACLs are managed. */
  readonly aclSecrets?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

function labels(input: ChartObjectsInput, component: string): Record<string, string> {
  return { app: 'consul', chart: 'consul-helm', heritage: 'Helm', release: input.release, component };
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

type Port = { name: string; port: number; targetPort: number; protocol: 'TCP' };
const port = (name: string, number: number): Port => ({
  name,
  port: number,
  targetPort: number,
  protocol: 'TCP',
});

/** `http` only without TLS or with httpsOnly false, `https` with TLS. */
function apiPorts(switches: InstallValues): Port[] {
  const { tlsEnabled, httpsOnly } = switches;
  return [
    ...(!tlsEnabled || !httpsOnly ? [port('http', 8500)] : []),
    ...(tlsEnabled ? [port('https', 8501)] : []),
  ];
}

function serverSelector(input: ChartObjectsInput) {
  return { app: 'consul', release: input.release, component: 'server' };
}

/** The headless server Service. */
function serverService(input: ChartObjectsInput): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: installNames(input.fullname).server,
      namespace: input.namespace,
      labels: labels(input, 'server'),
    },
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      ports: [
        ...apiPorts(input.switches),
        port('grpc', 8502),
        port('serflan-tcp', 8301),
        port('serfwan-tcp', 8302),
        port('server', 8300),
        port('dns-tcp', 8600),
      ],
      selector: serverSelector(input),
    },
  };
}

/** The Service partition installs reach the servers through (`server.exposeService.type`, LoadBalancer). */
function exposeServersService(input: ChartObjectsInput): StoredObject {
  const type = valueAt(input.values, 'server.exposeService.type');
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: exposeServersServiceName(input.fullname),
      namespace: input.namespace,
      labels: labels(input, 'server'),
    },
    spec: {
      type: typeof type === 'string' ? type : 'LoadBalancer',
      ports: [...apiPorts(input.switches), port('serflan', 8301), port('rpc', 8300), port('grpc', 8502)],
      selector: serverSelector(input),
    },
  };
}

/** Whether the install runs servers, and renders expose-servers (its "-" default follows adminPartitions). */
export function serverServices(values: Readonly<Record<string, unknown>>, switches: InstallValues) {
  const servers = valueAt(values, 'server.enabled') !== false;
  const expose = valueAt(values, 'server.exposeService.enabled');
  return {
    server: servers,
    exposeServers: servers && (typeof expose === 'boolean' ? expose : switches.adminPartitionsEnabled),
  };
}

/** The flags of `consul-k8s-control-plane inject-connect` that follow the values meshpeer checks. */
function injectorCommand(input: ChartObjectsInput): string {
  const s = input.switches;
  const image = valueAt(input.values, 'global.image');
  const flags = [
    `-release-name="${input.release}"`,
    `-release-namespace="${input.namespace}"`,
    `-resource-prefix=${input.fullname}`,
    `-consul-image="${typeof image === 'string' ? image : ''}"`,
    '-listen=:8080',
    ...(s.peeringEnabled ? ['-enable-peering=true'] : []),
    ...(s.manageSystemACLs ? [`-acl-auth-method="${input.fullname}-k8s-auth-method"`] : []),
    ...(s.adminPartitionsEnabled ? ['-enable-partitions=true'] : []),
    ...(s.enableConsulNamespaces ? ['-enable-namespaces=true'] : []),
  ];
  return `exec consul-k8s-control-plane inject-connect \\\n  ${flags.join(' \\\n  ')}\n`;
}

type Env = { name: string; value: string };

/** `consul.consulK8sConsulServerEnvVars`: the servers (its own or externalServers) and the partition. */
function serverEnv(input: ChartObjectsInput): Env[] {
  const s = input.switches;
  const external = s.externalServersEnabled;
  const text = (path: string, fallback: string) => {
    const v = valueAt(input.values, path);
    return typeof v === 'string' || typeof v === 'number' ? String(v) : fallback;
  };
  const hosts = valueAt(input.values, 'externalServers.hosts');
  const firstHost = Array.isArray(hosts) && typeof hosts[0] === 'string' ? hosts[0] : '';
  const partition = text('global.adminPartitions.name', 'default');
  const tlsServerName = valueAt(input.values, 'externalServers.tlsServerName');
  return [
    {
      name: 'CONSUL_ADDRESSES',
      value: external ? firstHost : `${installNames(input.fullname).server}.${input.namespace}.svc`,
    },
    { name: 'CONSUL_GRPC_PORT', value: external ? text('externalServers.grpcPort', '8502') : '8502' },
    {
      name: 'CONSUL_HTTP_PORT',
      value: external ? text('externalServers.httpsPort', '8501') : s.tlsEnabled ? '8501' : '8500',
    },
    { name: 'CONSUL_DATACENTER', value: text('global.datacenter', 'dc1') },
    ...(s.adminPartitionsEnabled ? [{ name: 'CONSUL_PARTITION', value: partition }] : []),
    ...(s.adminPartitionsEnabled && s.manageSystemACLs
      ? [{ name: 'CONSUL_LOGIN_PARTITION', value: partition }]
      : []),
    ...(s.tlsEnabled
      ? [
          { name: 'CONSUL_USE_TLS', value: 'true' },
          { name: 'CONSUL_CACERT_FILE', value: '/consul/tls/ca/tls.crt' },
        ]
      : []),
    ...(s.tlsEnabled && external && typeof tlsServerName === 'string'
      ? [{ name: 'CONSUL_TLS_SERVER_NAME', value: tlsServerName }]
      : []),
  ];
}

function injectorEnv(input: ChartObjectsInput): Env[] {
  return [
    ...serverEnv(input),
    ...(input.switches.manageSystemACLs
      ? [{ name: 'CONSUL_LOGIN_AUTH_METHOD', value: installNames(input.fullname).componentAuthMethod }]
      : []),
  ];
}

function injector(input: ChartObjectsInput): StoredObject {
  const selector = { app: 'consul', release: input.release, component: 'connect-injector' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: installNames(input.fullname).connectInjector,
      namespace: input.namespace,
      labels: labels(input, 'connect-injector'),
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: {
          serviceAccountName: `${input.fullname}-connect-injector`,
          containers: [
            {
              name: 'sidecar-injector',
              image: 'hashicorp/consul-k8s-control-plane',
              env: injectorEnv(input),
              command: ['/bin/sh', '-ec', injectorCommand(input)],
            },
          ],
        },
      },
    },
  };
}

function secret(
  input: ChartObjectsInput,
  name: string,
  component: string,
  data: Record<string, string>,
): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: input.namespace, labels: labels(input, component) },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

/** Every object the sandbox renders for one install, in apply order. */
export function consulChartObjects(input: ChartObjectsInput): StoredObject[] {
  const names = installNames(input.fullname);
  const services = serverServices(input.values, input.switches);
  const objects = [
    ...(services.server ? [serverService(input)] : []),
    ...(services.exposeServers ? [exposeServersService(input)] : []),
  ];
  if (input.ca !== undefined) {
    objects.push(secret(input, names.caCert, 'tls-init', { 'tls.crt': input.ca.certPem }));
    objects.push(secret(input, `${input.fullname}-ca-key`, 'tls-init', { 'tls.key': input.ca.keyPem }));
  }
  for (const acl of input.aclSecrets ?? [])
    objects.push(secret(input, acl.name, 'server-acl-init', { token: acl.value }));
  if (input.switches.connectInjectEnabled) objects.push(injector(input));
  return objects;
}
