/**
 * The Service proxy subresource: /api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/PATH is
 * forwarded to the endpoint the sandbox registered for that Service, as the real API server proxies
 * to cluster-internal services (the caller's Authorization header is not passed on).
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeApiError } from '../status-error.ts';
import type { ProxyRoute } from './request-route.ts';

/** Where a Service's traffic goes, with the TLS trust needed to reach an HTTPS endpoint. */
export interface ServiceEndpoint {
  url: URL;
  port?: string;
  ca?: string;
  rejectUnauthorized?: boolean;
}

/** Endpoints registered per namespace/service (and optionally per port name or number). */
export class ServiceEndpoints {
  private readonly endpoints = new Map<string, ServiceEndpoint[]>();

  /** Registers (or replaces) the endpoint of a Service, optionally for one port. */
  register(namespace: string, name: string, endpoint: ServiceEndpoint): void {
    const key = `${namespace}/${name}`;
    const others = (this.endpoints.get(key) ?? []).filter((e) => e.port !== endpoint.port);
    this.endpoints.set(key, [...others, endpoint]);
  }

  /** Removes every endpoint of a Service. */
  unregister(namespace: string, name: string): void {
    this.endpoints.delete(`${namespace}/${name}`);
  }

  /** The endpoint for a request: the exact port if registered, else the only or portless one. */
  resolve(namespace: string, name: string, port?: string): ServiceEndpoint | undefined {
    const list = this.endpoints.get(`${namespace}/${name}`) ?? [];
    return (
      list.find((e) => port !== undefined && e.port === port) ??
      list.find((e) => e.port === undefined) ??
      (list.length === 1 ? list[0] : undefined)
    );
  }
}

function forwardable(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !hopByHop.has(k)) out[k] = v;
  return out;
}

const hopByHop = new Set([
  'authorization',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
]);

function upstreamUrl(endpoint: ServiceEndpoint, route: ProxyRoute, search: string): URL {
  const target = new URL(endpoint.url);
  const base = target.pathname.replace(/\/$/, '');
  target.pathname = `${base}${route.path}`;
  target.search = search;
  return target;
}

function requestOptions(req: IncomingMessage, endpoint: ServiceEndpoint): RequestOptions {
  const options: RequestOptions = {
    method: req.method ?? 'GET',
    headers: forwardable(req.headers),
    rejectUnauthorized: endpoint.rejectUnauthorized ?? true,
  };
  if (endpoint.ca !== undefined) options.ca = endpoint.ca;
  return options;
}

function unreachable(res: ServerResponse, err: Error): void {
  const status = new KubeApiError(503, 'ServiceUnavailable', `error trying to reach service: ${err.message}`);
  if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json' });
  res.end(JSON.stringify(status.toStatus()));
}

/** Forwards one request to the Service's endpoint and streams the answer back. */
export function proxyToService(
  req: IncomingMessage,
  res: ServerResponse,
  route: ProxyRoute,
  endpoint: ServiceEndpoint | undefined,
  search: string,
): Promise<void> {
  if (endpoint === undefined) {
    throw new KubeApiError(
      503,
      'ServiceUnavailable',
      `no endpoints available for service "${route.service}"`,
    );
  }
  const target = upstreamUrl(endpoint, route, search);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const upstream = send(target, requestOptions(req, endpoint), (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', () => resolve());
    });
    upstream.on('error', (err) => {
      unreachable(res, err);
      resolve();
    });
    req.pipe(upstream);
  });
}
