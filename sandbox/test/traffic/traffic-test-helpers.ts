/**
 * Helpers for the data plane tests: a two-install sandbox (ACLs on, so intentions default to deny)
 * whose cluster-01 accepts a peering that cluster-02 dials, cluster-02 exporting static-server to
 * cluster-01, with calls to each install's Consul API as its bootstrap token.
 */
import { directTransport } from '../../../src/consul/consul-transport.ts';
import { Sandbox } from '../../src/sandbox.ts';
import { parseSandboxConfig } from '../../src/sandbox-config.ts';
import { waitFor } from '../sandbox-test-helpers.ts';

/** Calls a cluster's Consul API with its bootstrap token; throws on anything but 200. */
export async function consulCall(
  sandbox: Sandbox,
  cluster: string,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const consul = sandbox.stack(cluster).consul;
  const transport = directTransport(consul.apiUrl, {
    timeoutMs: 5000,
    ...(consul.apiCaPem !== undefined && { ca: consul.apiCaPem }),
  });
  const token = consul.acl?.bootstrapToken;
  const headers: Record<string, string> = token === undefined ? {} : { 'x-consul-token': token };
  const res = await transport.send(
    method,
    path,
    headers,
    body === undefined ? undefined : JSON.stringify(body),
  );
  if (res.status !== 200) throw new Error(`${cluster} ${method} ${path}: ${res.status} ${res.body}`);
  return res.body === '' ? undefined : JSON.parse(res.body);
}

/** Writes a config entry into a cluster's Consul. */
export function writeEntry(
  sandbox: Sandbox,
  cluster: string,
  entry: Record<string, unknown>,
): Promise<unknown> {
  return consulCall(sandbox, cluster, 'PUT', '/v1/config', entry);
}

/** Deletes a config entry. */
export function deleteEntry(sandbox: Sandbox, cluster: string, kind: string, name: string): Promise<unknown> {
  return consulCall(sandbox, cluster, 'DELETE', `/v1/config/${kind}/${name}`);
}

const CONFIG = `
clusters:
  - name: cluster-01
    acls: true
    services:
      - { name: static-client, instances: 1 }
      - { name: static-server }
  - name: cluster-02
    acls: true
    services:
      - { name: static-server }
      - { name: billing, instances: 1 }
consul: { heartbeatIntervalMs: 1000, idleTimeoutMs: 10000 }
`;

/**
 * Starts the two installs, peers them through the Consul API (cluster-01 knows cluster-02 as
 * `cluster-02` and the reverse), exports static-server from cluster-02 to cluster-01 and waits until
 * cluster-01 imports it and both sides hold the other's trust bundle.
 */
export async function startPeeredSandbox(): Promise<Sandbox> {
  const sandbox = await Sandbox.start({ config: parseSandboxConfig(CONFIG, 'traffic.yaml'), persist: false });
  try {
    const generated = (await consulCall(sandbox, 'cluster-01', 'POST', '/v1/peering/token', {
      PeerName: 'cluster-02',
    })) as { PeeringToken: string };
    await consulCall(sandbox, 'cluster-02', 'POST', '/v1/peering/establish', {
      PeerName: 'cluster-01',
      PeeringToken: generated.PeeringToken,
    });
    await writeEntry(sandbox, 'cluster-02', {
      Kind: 'exported-services',
      Name: 'default',
      Services: [{ Name: 'static-server', Consumers: [{ Peer: 'cluster-01' }] }],
    });
    const bundles = (cluster: string) =>
      sandbox
        .stack(cluster)
        .consul.connect.peerTrustBundles('default')
        .map((b) => b.PeerName);
    await waitFor(
      () =>
        bundles('cluster-01').includes('cluster-02') && bundles('cluster-02').includes('cluster-01')
          ? true
          : undefined,
      'both trust bundles',
      10_000,
    );
    const imported = () =>
      sandbox.stack('cluster-01').consul.traffic.importedInstances('cluster-02', 'static-server');
    await waitFor(
      () => (imported().length === 2 ? true : undefined),
      'cluster-01 to import static-server',
      10_000,
    );
    return sandbox;
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
}
