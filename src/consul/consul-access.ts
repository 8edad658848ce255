/**
 * How meshpeer reaches one install's Consul HTTP API: `consul.address` trusting the install's CA
 * (or the one peerings.yaml names), else the Kubernetes API's service proxy to the chart's server
 * Service on its `https` port when TLS is on, its `http` port otherwise. A partition install runs no
 * servers (it points `externalServers` at its cluster's), so its calls go through the service proxy
 * of the cluster's own install, with `?partition=` for its partition.
 */
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import type { ClusterReader } from '../kube/cluster-client.ts';
import { fullnameOf, type InstallFacts, installNames, serverApiPort } from '../resources/consul-chart.ts';
import { registerSecret } from '../secrets/redact.ts';
import type { ClusterSpec } from '../topology/index.ts';
import { ConsulClient } from './consul-client.ts';
import { directTransport, failingTransport, serviceProxyTransport } from './consul-transport.ts';

/** One install, as much as reaching its Consul needs. */
export interface InstallAccess {
  readonly spec: ClusterSpec;
  readonly install: InstallFacts | undefined;
  /** The install's own cluster (its CA and token Secrets are there). */
  readonly kube: ClusterReader;
}

/** What a Consul client is built from: the install, and where its servers run when elsewhere. */
export interface ConsulTarget extends InstallAccess {
  /** A partition install's cluster's own install, whose server Service the calls go through. */
  readonly servers?: InstallAccess;
}

/** Builds the Consul client of an install for a token (undefined: no ACL token). */
export type ConsulConnector = (target: ConsulTarget, token?: string) => Promise<ConsulClient>;

/** Reads one key of a Secret, trimmed; undefined when the Secret or the key is absent. */
export async function readSecretKey(
  kube: ClusterReader,
  ref: { namespace: string; name: string; key: string },
): Promise<string | undefined> {
  const secret = await kube.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: ref.namespace,
    name: ref.name,
  });
  const encoded = secret?.data?.[ref.key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8').trim();
}

/** Reads a token from a Secret and registers it for redaction; undefined when absent. */
export async function readSecretValue(
  kube: ClusterReader,
  ref: { namespace: string; name: string; key: string },
): Promise<string | undefined> {
  const value = await readSecretKey(kube, ref);
  registerSecret(value);
  return value;
}

/**
 * The CAs to trust for an https `consul.address`: the one peerings.yaml names, else the install's
 * `<fullname>-ca-cert` beside the system CAs (an address behind a public certificate keeps working).
 */
async function trustFor(
  spec: ClusterSpec,
  install: InstallFacts | undefined,
  kube: ClusterReader,
): Promise<string[] | undefined> {
  const ref = spec.consul.caCert;
  if (ref !== undefined && 'file' in ref) return [await readFile(ref.file, 'utf8')];
  if (ref !== undefined) {
    const pem = await readSecretKey(kube, { namespace: ref.namespace, name: ref.secret, key: ref.key });
    if (pem === undefined)
      throw new Error(`CA Secret ${ref.namespace}/${ref.secret} (key ${ref.key}) not found`);
    return [pem];
  }
  const ca = install?.caCert ?? {
    secret: installNames(fullnameOf(spec.consul, install)).caCert,
    key: 'tls.crt',
  };
  const pem = await readSecretKey(kube, { namespace: spec.consul.namespace, name: ca.secret, key: ca.key });
  return pem === undefined ? undefined : [...rootCertificates, pem];
}

/** Consul at `consul.address` when set, else through the Kubernetes API's service proxy. */
export const defaultConsulConnector: ConsulConnector = async (target, token) => {
  const { spec, install, kube } = target;
  const partition = spec.partition;
  const address = spec.consul.address;
  if (address !== undefined) {
    // A CA that cannot be read makes every call fail with that reason, so the plan names it.
    const ca = address.startsWith('https:')
      ? await trustFor(spec, install, kube).catch((err: Error) => err)
      : undefined;
    if (ca instanceof Error) return new ConsulClient(failingTransport(address, ca.message), token, partition);
    return new ConsulClient(directTransport(address, ca === undefined ? {} : { ca }), token, partition);
  }
  const servers = target.servers ?? target;
  // Peering needs TLS, so an install that could not be found is most likely TLS-only.
  const port = serverApiPort(servers.install?.values ?? { tlsEnabled: true });
  const service = { service: installNames(fullnameOf(servers.spec.consul, servers.install)).server, ...port };
  const transport = serviceProxyTransport(servers.kube, servers.spec.consul.namespace, service);
  return new ConsulClient(transport, token, partition);
};
