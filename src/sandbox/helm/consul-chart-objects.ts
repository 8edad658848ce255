/**
 * The Kubernetes objects the consul chart renders for a sandbox cluster, as far as anything reads
 * them: the headless server Service with the ports the TLS settings give
 * (charts/consul/templates/server-service.yaml), the connect-injector Deployment whose command line
 * carries the chart's switches (connect-inject-deployment.yaml), the CA Secrets of tls-init-job.yaml
 * and the token Secrets server-acl-init writes (server-acl-init/command.go: the bootstrap token and
 * the few tokens it creates directly; components log in instead). Names follow
 * `consul.fullname`; labels are the chart's. The mesh gateway's objects come from the gateway itself.
 * Simplified: no server StatefulSet or pods (the emulator has no StatefulSet kind; the Service's
 * endpoints are registered directly), and only the flags and variables meshpeer or a person reads.
 */
import { type InstallValues, installNames, valueAt } from '../../kube/consul-chart.ts';
import type { KubeObject } from '../kube/kube-object.ts';

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

/** The headless server Service: `http` only without TLS or with httpsOnly false, `https` with TLS. */
function serverService(input: ChartObjectsInput): KubeObject {
  const { tlsEnabled, httpsOnly } = input.switches;
  const port = (name: string, number: number) => ({
    name,
    port: number,
    targetPort: number,
    protocol: 'TCP',
  });
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
        ...(!tlsEnabled || !httpsOnly ? [port('http', 8500)] : []),
        ...(tlsEnabled ? [port('https', 8501)] : []),
        port('grpc', 8502),
        port('serflan-tcp', 8301),
        port('serfwan-tcp', 8302),
        port('server', 8300),
        port('dns-tcp', 8600),
      ],
      selector: { app: 'consul', release: input.release, component: 'server' },
    },
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

function injectorEnv(input: ChartObjectsInput): Array<{ name: string; value: string }> {
  const s = input.switches;
  const datacenter = String(valueAt(input.values, 'global.datacenter') ?? 'dc1');
  return [
    { name: 'CONSUL_ADDRESSES', value: `${installNames(input.fullname).server}.${input.namespace}.svc` },
    { name: 'CONSUL_HTTP_PORT', value: s.tlsEnabled ? '8501' : '8500' },
    { name: 'CONSUL_DATACENTER', value: datacenter },
    ...(s.manageSystemACLs
      ? [{ name: 'CONSUL_LOGIN_AUTH_METHOD', value: installNames(input.fullname).componentAuthMethod }]
      : []),
    ...(s.tlsEnabled ? [{ name: 'CONSUL_USE_TLS', value: 'true' }] : []),
  ];
}

function injector(input: ChartObjectsInput): KubeObject {
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
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: input.namespace, labels: labels(input, component) },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

/** Every object the sandbox renders for one install, in apply order. */
export function consulChartObjects(input: ChartObjectsInput): KubeObject[] {
  const names = installNames(input.fullname);
  const objects = [serverService(input)];
  if (input.ca !== undefined) {
    objects.push(secret(input, names.caCert, 'tls-init', { 'tls.crt': input.ca.certPem }));
    objects.push(secret(input, `${input.fullname}-ca-key`, 'tls-init', { 'tls.key': input.ca.keyPem }));
  }
  for (const acl of input.aclSecrets ?? [])
    objects.push(secret(input, acl.name, 'server-acl-init', { token: acl.value }));
  if (input.switches.connectInjectEnabled) objects.push(injector(input));
  return objects;
}
