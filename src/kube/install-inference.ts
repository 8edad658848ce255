/**
 * The install facts of a Consul deployed without a Helm release Secret (`helm template` through
 * Argo CD, Flux post-renderers): declared in peerings.yaml, or read off the objects the chart
 * renders. The connect-injector's command line carries the chart's switches
 * (charts/consul/templates/connect-inject-deployment.yaml: `-resource-prefix`, `-enable-peering`,
 * `-enable-partitions`, `-enable-namespaces`, `CONSUL_LOGIN_AUTH_METHOD` with managed ACLs) and the
 * server Service's ports carry the TLS settings (server-service.yaml).
 */

import {
  caCertOf,
  consulFullname,
  type InstallFacts,
  type InstallValues,
  imageVersion,
  installValues,
  partitionNameOf,
} from '../resources/consul-chart.ts';
import type { LiveObject } from './cluster-client.ts';

interface Container {
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: ReadonlyArray<{ readonly name?: string; readonly value?: string }>;
}

/** The install facts from values declared in peerings.yaml (chart defaults for the rest). */
export function installFromDeclared(
  release: string,
  values: Readonly<Record<string, unknown>>,
  fullname?: string,
): InstallFacts {
  const version = imageVersion(values);
  const name = fullname ?? consulFullname(release, values);
  return {
    source: 'declared',
    release,
    fullname: name,
    caCert: caCertOf(name, values),
    ...(version !== undefined && { consulVersion: version }),
    values: installValues(values),
    partitionName: partitionNameOf(values),
  };
}

function containers(deployment: LiveObject): Container[] {
  const template = deployment.spec?.template as { spec?: { containers?: Container[] } } | undefined;
  return template?.spec?.containers ?? [];
}

function commandText(deployment: LiveObject): string {
  return containers(deployment)
    .flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])])
    .join(' ');
}

function flagValue(text: string, flag: string): string | undefined {
  return new RegExp(`(?:^|\\s)-${flag}=("?)([^\\s"]*)\\1`).exec(text)?.[2];
}

const envValue = (deployment: LiveObject, name: string) =>
  containers(deployment)
    .flatMap((c) => c.env ?? [])
    .find((e) => e.name === name);

function portNames(service: LiveObject): Set<string> {
  const ports = (service.spec?.ports as Array<{ name?: string }> | undefined) ?? [];
  return new Set(ports.map((p) => p.name ?? ''));
}

const labelled = (objects: readonly LiveObject[], component: string) =>
  objects.find((o) => o.metadata.labels?.component === component);

/**
 * Facts read off the objects of one release (Services and Deployments labelled `release=NAME`),
 * or undefined when neither a connect-injector nor a server Service of that release exists.
 */
export function inferInstall(
  release: string,
  objects: { readonly services: readonly LiveObject[]; readonly deployments: readonly LiveObject[] },
  fullnameOverride?: string,
): InstallFacts | undefined {
  const injector = labelled(objects.deployments, 'connect-injector');
  // With admin partitions the chart also labels `<fullname>-expose-servers` component=server
  // (expose-servers-service.yaml), with other ports: the headless `<fullname>-server` carries TLS.
  const server = objects.services.find(
    (o) => o.metadata.labels?.component === 'server' && o.metadata.name.endsWith('-server'),
  );
  if (injector === undefined && server === undefined) return undefined;
  const text = injector === undefined ? '' : commandText(injector);
  const fullname =
    fullnameOverride ??
    flagValue(text, 'resource-prefix') ??
    server?.metadata.name.replace(/-server$/, '') ??
    consulFullname(release, {});
  const ports = server === undefined ? new Set<string>() : portNames(server);
  const evidence: string[] = [];
  const from = (what: string, source: string) => evidence.push(`${what} from ${source}`);
  const injectorName = injector === undefined ? '' : `Deployment ${injector.metadata.name}`;
  if (server !== undefined) from('TLS and httpsOnly', `the ports of Service ${server.metadata.name}`);
  if (injector !== undefined)
    from('peering, partitions, namespaces and ACLs', `the flags of ${injectorName}`);
  const meshGateway = objects.deployments.some((d) => d.metadata.name === `${fullname}-mesh-gateway`);
  from('meshGateway.enabled', `Deployment ${fullname}-mesh-gateway ${meshGateway ? 'present' : 'absent'}`);
  const tls =
    ports.has('https') || (injector !== undefined && envValue(injector, 'CONSUL_USE_TLS')?.value === 'true');
  const addresses = injector === undefined ? undefined : envValue(injector, 'CONSUL_ADDRESSES')?.value;
  const partition = injector === undefined ? undefined : envValue(injector, 'CONSUL_PARTITION')?.value;
  const values: InstallValues = {
    ...installValues({}),
    peeringEnabled: flagValue(text, 'enable-peering') === 'true',
    tlsEnabled: tls,
    httpsOnly: tls && !ports.has('http'),
    meshGatewayEnabled: meshGateway,
    connectInjectEnabled: injector !== undefined,
    manageSystemACLs: injector !== undefined && envValue(injector, 'CONSUL_LOGIN_AUTH_METHOD') !== undefined,
    adminPartitionsEnabled: flagValue(text, 'enable-partitions') === 'true',
    enableConsulNamespaces: flagValue(text, 'enable-namespaces') === 'true',
    // The chart points CONSUL_ADDRESSES at its own server Service unless externalServers is on.
    externalServersEnabled:
      addresses !== undefined && addresses !== `${fullname}-server.${injector?.metadata.namespace}.svc`,
  };
  const image = flagValue(text, 'consul-image');
  const version = image === undefined ? undefined : imageVersion({ global: { image } });
  return {
    source: 'inferred',
    release,
    fullname,
    caCert: caCertOf(fullname, {}),
    ...(version !== undefined && { consulVersion: version }),
    values,
    partitionName: partition ?? 'default',
    evidence,
  };
}
