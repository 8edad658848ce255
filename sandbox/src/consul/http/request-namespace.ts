/**
 * The namespace of a request, as agent/http_ce.go parseEntMeta reads it: CE refuses `?ns=` and
 * X-Consul-Namespace outright. Simplified for Enterprise (its source is not public): no namespace
 * means `default` rather than the token's own namespace, and any name is accepted.
 */
import { ConsulHttpError } from '../consul-http-error.ts';
import type { RouteRequest } from './route.ts';

/** The request's namespace (`default` when none is given). */
export function requestNamespace(enterprise: boolean, req: RouteRequest): string {
  const query = req.url.searchParams.get('ns') ?? '';
  const header = req.raw.headers['x-consul-namespace'];
  const fromHeader = typeof header === 'string' ? header : '';
  if (!enterprise) {
    const reason = 'Namespaces are a Consul Enterprise feature';
    if (fromHeader !== '') throw new ConsulHttpError(400, `Invalid header: "X-Consul-Namespace" - ${reason}`);
    if (query !== '') throw new ConsulHttpError(400, `Invalid query parameter: "ns" - ${reason}`);
    return 'default';
  }
  return query || fromHeader || 'default';
}
