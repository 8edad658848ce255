/**
 * The `fail` calls of the consul chart that values meshpeer cares about can hit: `helm install`
 * and `helm template` stop on them, so no real cluster runs such an install and no sandbox cluster
 * may either. Each names its template in charts/consul/templates (hashicorp/consul-k8s).
 */
import { installValues, partitionNameOf, type Values, valueAt } from '../../../src/resources/consul-chart.ts';

interface ChartFail {
  readonly template: string;
  readonly message: string;
  readonly when: (v: ReturnType<typeof installValues>, values: Values) => boolean;
}

const serverEnabled = (values: Values) => valueAt(values, 'server.enabled') !== false;
const hasHosts = (values: Values) => {
  const hosts = valueAt(values, 'externalServers.hosts');
  return Array.isArray(hosts) && hosts.length > 0;
};

const fails: readonly ChartFail[] = [
  {
    template: 'connect-inject-deployment.yaml',
    message: 'setting global.peering.enabled to true requires connectInject.enabled to be true',
    when: (v) => v.peeringEnabled && !v.connectInjectEnabled,
  },
  {
    template: 'connect-inject-deployment.yaml',
    message: 'setting global.peering.enabled to true requires global.tls.enabled to be true',
    when: (v) => v.peeringEnabled && !v.tlsEnabled,
  },
  {
    template: 'connect-inject-deployment.yaml',
    message: 'setting global.peering.enabled to true requires meshGateway.enabled to be true',
    when: (v) => v.peeringEnabled && !v.meshGatewayEnabled,
  },
  {
    template: 'connect-inject-deployment.yaml',
    message: 'global.enableConsulNamespaces must be true if global.adminPartitions.enabled=true',
    when: (v) => v.connectInjectEnabled && v.adminPartitionsEnabled && !v.enableConsulNamespaces,
  },
  {
    template: 'mesh-gateway-deployment.yaml',
    message: 'connectInject.enabled must be true',
    when: (v) => v.meshGatewayEnabled && !v.connectInjectEnabled,
  },
  {
    template: 'server-acl-init-job.yaml',
    message: 'only one of server.enabled or externalServers.enabled can be set',
    when: (v, values) => serverEnabled(values) && v.externalServersEnabled,
  },
  {
    template: 'partition-init-job.yaml',
    message: 'externalServers.enabled needs to be true and configured to create a non-default partition.',
    when: (v, values) =>
      v.adminPartitionsEnabled &&
      !serverEnabled(values) &&
      partitionNameOf(values) !== 'default' &&
      !v.externalServersEnabled,
  },
  {
    template: 'connect-inject-deployment.yaml',
    message: 'externalServers.hosts must be set if externalServers.enabled is true',
    when: (v, values) => v.externalServersEnabled && !hasHosts(values),
  },
];

/** Helm's error for effective values the chart refuses, or undefined when it renders them. */
export function chartFailure(values: Values): string | undefined {
  const switches = installValues(values);
  const fail = fails.find((f) => f.when(switches, values));
  return fail && `execution error at (consul/templates/${fail.template}): ${fail.message}`;
}
