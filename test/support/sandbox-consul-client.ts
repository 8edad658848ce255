/** A Consul client for a sandbox cluster's API, trusting its CA (the API is HTTPS-only by default). */

import type { Sandbox } from '../../sandbox/src/sandbox.ts';
import { ConsulClient } from '../../src/consul/consul-client.ts';
import { directTransport } from '../../src/consul/consul-transport.ts';

/** meshpeer's Consul client, pointed straight at a sandbox cluster's Consul API. */
export function sandboxConsulClient(sandbox: Sandbox, cluster: string, token?: string): ConsulClient {
  const consul = sandbox.stack(cluster).consul;
  const ca = consul.apiCaPem;
  return new ConsulClient(
    directTransport(consul.apiUrl, { timeoutMs: 10_000, ...(ca !== undefined && { ca }) }),
    token,
  );
}
