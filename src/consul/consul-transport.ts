/**
 * How meshpeer reaches a cluster's Consul HTTP API: directly at `consul.address` (trusting a given
 * CA), or through the Kubernetes API server's service proxy to the chart's server Service, on its
 * `https` port when TLS is on (with the default `global.tls.httpsOnly` there is no `http` port).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ClusterReader } from '../kube/cluster-client.ts';

/** A raw HTTP exchange with Consul. */
export interface ConsulTransport {
  readonly description: string;
  send(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; body: string }>;
}

/** Talks to Consul at a URL, trusting an optional CA. */
export function directTransport(
  address: string,
  options: { ca?: string | readonly string[]; timeoutMs?: number } = {},
): ConsulTransport {
  const base = new URL(address);
  const timeout = options.timeoutMs ?? 10_000;
  const ca = typeof options.ca === 'string' || options.ca === undefined ? options.ca : [...options.ca];
  return {
    description: base.origin,
    send(method, path, headers, body) {
      const url = new URL(path, base);
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      return new Promise((resolve, reject) => {
        const req = request(url, { method, headers, timeout, ...(ca !== undefined && { ca }) }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        });
        req.on('timeout', () =>
          req.destroy(
            Object.assign(new Error(`consul ${base.origin} timed out after ${timeout} ms`), {
              code: 'ETIMEDOUT',
            }),
          ),
        );
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}

/**
 * Talks to Consul through `/api/v1/namespaces/NS/services/SCHEME:SERVICE:PORT/proxy`; the API
 * server connects to a server pod with that scheme (and does not verify its certificate).
 */
export function serviceProxyTransport(
  kube: ClusterReader,
  namespace: string,
  target: { readonly service: string; readonly scheme: 'http' | 'https'; readonly port: string },
  timeoutMs = 10_000,
): ConsulTransport {
  const service = `${target.scheme}:${target.service}:${target.port}`;
  return {
    description: `service proxy ${namespace}/${service}`,
    send: (method, path, headers, body) =>
      kube.proxyRequest(namespace, service, path, {
        method,
        headers,
        timeoutMs,
        ...(body !== undefined && { body }),
      }),
  };
}

/** A transport whose every call fails with `reason` (e.g. its CA could not be read). */
export function failingTransport(address: string, reason: string): ConsulTransport {
  return {
    description: new URL(address).origin,
    send: () => Promise.reject(new Error(reason)),
  };
}
