/**
 * The request pipeline of one emulator: bearer-token check (401), routing, request counting, fault
 * and latency injection, then dispatch to resources, the Service proxy, discovery or the admin API.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redact } from '../../../src/secrets/redact.ts';
import { handleAdmin } from './admin/admin-handler.ts';
import type { FaultInjector } from './admin/fault-injector.ts';
import { requestAttributes } from './admin/request-attributes.ts';
import type { RequestCounters } from './admin/request-counters.ts';
import { handleDiscovery } from './http/discovery-handler.ts';
import { sendError } from './http/http-io.ts';
import { type Route, resourceLabel, routeRequest } from './http/request-route.ts';
import { handleResource, type ResourceContext } from './http/resource-handlers.ts';
import type { ServiceEndpoints } from './http/service-endpoints.ts';
import { resolveServiceLocation } from './http/service-location.ts';
import { proxyToService } from './http/service-proxy.ts';
import type { ObjectStore } from './object-store.ts';
import type { ResourceCatalog } from './resource-catalog.ts';
import { conflict, KubeApiError, unauthorized } from './status-error.ts';

/** Everything the pipeline dispatches to. */
export interface PipelineDeps extends ResourceContext {
  catalog: ResourceCatalog;
  store: ObjectStore;
  token: string;
  faults: FaultInjector;
  requests: RequestCounters;
  endpoints: ServiceEndpoints;
  serverAddress(): string;
  /** Requests held open by a 'hang' fault, so stop() can release them. */
  hung: Set<ServerResponse>;
  closeWatches(): number;
  log?: (line: string) => void;
}

function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (match === null) return false;
  const given = Buffer.from(match[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function injectedError(fault: 500 | 429 | 409, route: Route): KubeApiError {
  if (fault === 429) {
    return new KubeApiError(
      429,
      'TooManyRequests',
      'the server has received too many requests and has asked us to try again later',
      { retryAfterSeconds: 1 },
    );
  }
  if (fault === 409 && route.kind === 'resource') return conflict(route.rt, route.name ?? '');
  if (fault === 409)
    return new KubeApiError(409, 'Conflict', 'Operation cannot be fulfilled: injected conflict');
  return new KubeApiError(500, 'InternalError', 'Internal error occurred: injected fault');
}

async function dispatch(
  deps: PipelineDeps,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  url: URL,
): Promise<void> {
  if (route.kind === 'resource') return handleResource(deps, req, res, route, url.searchParams);
  if (route.kind === 'proxy') {
    const service = deps.store.get(deps.catalog.require('v1', 'Service'), route.namespace, route.service);
    const location = resolveServiceLocation(route, service, deps.endpoints);
    return proxyToService(req, res, route, location, url.search);
  }
  return handleDiscovery(deps.catalog, res, url.pathname, deps.serverAddress(), req.headers.accept);
}

/** Handles one HTTP request end to end; never throws. */
export async function handleApiRequest(
  deps: PipelineDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
    if (!authorized(req, deps.token)) throw unauthorized();
    const watch = url.searchParams.get('watch');
    const route = routeRequest(
      deps.catalog,
      req.method ?? 'GET',
      url.pathname,
      watch === 'true' || watch === '1',
    );
    if (route.kind === 'admin') return await handleAdmin(deps, req, res, url.pathname);
    const label = resourceLabel(route);
    deps.requests.record(route.verb, label);
    const attributes = requestAttributes(route, req);
    // Logged once answered: an apply patch answered 201 created its object (and needed `create`).
    res.once('close', () =>
      deps.requests.logRequest({ ...attributes, status: res.headersSent ? res.statusCode : 0 }),
    );
    const decision = deps.faults.decide(route.verb, label);
    if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
    if (decision.fault === 'hang') {
      deps.hung.add(res);
      res.on('close', () => deps.hung.delete(res));
      return;
    }
    if (decision.fault !== undefined) throw injectedError(decision.fault, route);
    await dispatch(deps, req, res, route, url);
  } catch (err) {
    if (!(err instanceof KubeApiError))
      deps.log?.(
        redact(
          `sandbox api error on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`,
        ),
      );
    sendError(res, err);
  }
}
