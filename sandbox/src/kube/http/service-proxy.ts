/**
 * The Service proxy subresource: /api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/PATH is
 * forwarded to the endpoint of that Service port, as the real API server proxies to cluster-internal
 * services: the caller's Authorization header is not passed on, the scheme of the request decides
 * how to connect, and an HTTPS backend's certificate is not verified (kubernetes
 * pkg/registry/core/service/proxy.go with the API server's proxy transport). Whatever the backend
 * answers, an HTTP 400 from a TLS listener included, is relayed as it is.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeApiError } from '../status-error.ts';
import type { ProxyRoute } from './request-route.ts';
import type { ServiceLocation } from './service-location.ts';

const hopByHop = new Set([
  'authorization',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
]);

function forwardable(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !hopByHop.has(k)) out[k] = v;
  return out;
}

function upstreamUrl(location: ServiceLocation, route: ProxyRoute, search: string): URL {
  const { endpoint, scheme } = location;
  const target = new URL(`${scheme}://${endpoint.host}:${endpoint.port}`);
  const base = (endpoint.basePath ?? '').replace(/\/$/, '');
  target.pathname = `${base}${route.path}`;
  target.search = search;
  return target;
}

/** Node's socket errors in the words of Go's net/http transport, which the real server quotes. */
function reason(err: NodeJS.ErrnoException, target: URL): string {
  const address = `${target.hostname}:${target.port}`;
  if (err.code === 'ECONNREFUSED') return `dial tcp ${address}: connect: connection refused`;
  if (err.code === 'ECONNRESET') return `read tcp ${address}: read: connection reset by peer`;
  if (/wrong version number|packet length too long/i.test(err.message))
    return 'tls: first record does not look like a TLS handshake';
  return err.message;
}

function unreachable(res: ServerResponse, err: NodeJS.ErrnoException, target: URL): void {
  const status = new KubeApiError(
    503,
    'ServiceUnavailable',
    `error trying to reach service: ${reason(err, target)}`,
  );
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(503, { 'content-type': 'application/json' });
  res.end(JSON.stringify(status.toStatus()));
}

/** Forwards one request to the resolved backend and streams the answer back. */
export function proxyToService(
  req: IncomingMessage,
  res: ServerResponse,
  route: ProxyRoute,
  location: ServiceLocation,
  search: string,
): Promise<void> {
  const target = upstreamUrl(location, route, search);
  const options: RequestOptions = { method: req.method ?? 'GET', headers: forwardable(req.headers) };
  // The API server's proxy transport skips backend certificate verification.
  if (location.scheme === 'https') options.rejectUnauthorized = false;
  const send = location.scheme === 'https' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const upstream = send(target, options, (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', () => resolve());
    });
    upstream.on('error', (err) => {
      unreachable(res, err, target);
      resolve();
    });
    req.pipe(upstream);
  });
}
