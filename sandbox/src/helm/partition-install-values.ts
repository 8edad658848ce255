/**
 * The Helm values that make an install a partition install, as the consul-k8s acceptance tests
 * install one (acceptance/tests/partitions/partitions_connect_test.go, secondaryPartitionHelmValues):
 * `global.adminPartitions.name`, the server cluster's CA Secret as `global.tls.caCert`,
 * `externalServers` pointing at the server cluster's `<fullname>-expose-servers` Service with the
 * servers' TLS name, and no servers of its own. The chart refuses `adminPartitions.enabled` without
 * `enableConsulNamespaces` (connect-inject-deployment.yaml), so both are set.
 */
import { installNames } from '../../../src/resources/consul-chart.ts';

type Values = Record<string, unknown>;

/** What a partition install's values are derived from: its partition and the server install. */
export interface PartitionInstallInput {
  readonly partition: string;
  readonly server: {
    readonly fullname: string;
    readonly namespace: string;
    readonly datacenter: string;
    /** `global.domain` of the servers (chart default `consul`). */
    readonly domain: string;
    readonly tlsEnabled: boolean;
  };
}

/** The Service the server install renders for partitions to reach its servers (expose-servers-service.yaml). */
export function exposeServersServiceName(fullname: string): string {
  return `${fullname}-expose-servers`;
}

/**
 * The Enterprise values of a datacenter's own install: Consul namespaces, and admin partitions
 * only when its servers host partitions besides `default` (the chart's default is off, and it
 * refuses partitions without namespaces).
 */
export function serverEnterpriseValues(hostsPartitions: boolean): Values {
  return {
    global: {
      enableConsulNamespaces: true,
      ...(hostsPartitions && { adminPartitions: { enabled: true, name: 'default' } }),
    },
  };
}

/**
 * The values a partition install adds over the values every install of the sandbox shares.
 * `externalServers.hosts` names the expose-servers Service by its DNS name in the server cluster;
 * a real partition install names its load balancer address (the sandbox resolves no DNS: its
 * controllers are handed the servers' URL, see partition-stack.ts).
 */
export function partitionInstallValues(input: PartitionInstallInput): Values {
  const { server } = input;
  return {
    global: {
      adminPartitions: { enabled: true, name: input.partition },
      enableConsulNamespaces: true,
      ...(server.tlsEnabled && {
        tls: { caCert: { secretName: installNames(server.fullname).caCert, secretKey: 'tls.crt' } },
      }),
    },
    server: { enabled: false },
    externalServers: {
      enabled: true,
      hosts: [`${exposeServersServiceName(server.fullname)}.${server.namespace}.svc`],
      ...(server.tlsEnabled && { tlsServerName: `server.${server.datacenter}.${server.domain}` }),
    },
  };
}
