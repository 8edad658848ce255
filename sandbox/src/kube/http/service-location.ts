/**
 * Where a service proxy request goes, decided as the real API server does in kubernetes
 * pkg/registry/core/service/storage/storage.go `ResourceLocation`: a port number is translated to
 * the Service port's name, the endpoint serving that port name is picked, and the scheme comes from
 * the request (`http` unless `https:` was given).
 */

import { KubeApiError } from '../status-error.ts';
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import type { ProxyRoute } from './request-route.ts';
import type { ServiceEndpoint, ServiceEndpoints } from './service-endpoints.ts';

/** The backend of one proxy request. */
export interface ServiceLocation {
  scheme: 'http' | 'https';
  endpoint: ServiceEndpoint;
}

function unavailable(message: string): KubeApiError {
  return new KubeApiError(503, 'ServiceUnavailable', message);
}

function declaredPorts(service: StoredObject): Array<{ name: string; port: unknown }> {
  const ports = getPath(service, ['spec', 'ports']);
  return (Array.isArray(ports) ? ports : [])
    .filter(isRecord)
    .map((p) => ({ name: typeof p.name === 'string' ? p.name : '', port: p.port }));
}

/** A port number in the request names the Service port that has it (its name may be empty). */
function portName(route: ProxyRoute, service: StoredObject | undefined): string {
  const given = route.port ?? '';
  if (!/^\d+$/.test(given)) return given;
  if (service === undefined) {
    throw new KubeApiError(404, 'NotFound', `services "${route.service}" not found`, {
      name: route.service,
      kind: 'services',
    });
  }
  const match = declaredPorts(service).find((p) => p.port === Number(given));
  if (match === undefined)
    throw unavailable(`no service port ${Number(given)} found for service "${route.service}"`);
  return match.name;
}

/** Resolves the backend of a proxy request; 404 and 503 Status errors as the real server sends them. */
export function resolveServiceLocation(
  route: ProxyRoute,
  service: StoredObject | undefined,
  endpoints: ServiceEndpoints,
): ServiceLocation {
  const wanted = portName(route, service);
  // Simplified: the sandbox has no Endpoints objects. A Service stands for its Endpoints, whose
  // ports are the Service's ports that have a registered backend (as the endpoints controller
  // publishes only the Service's declared ports).
  if (service === undefined) {
    throw new KubeApiError(404, 'NotFound', `endpoints "${route.service}" not found`, {
      name: route.service,
      kind: 'endpoints',
    });
  }
  const registered = endpoints.ports(route.namespace, route.service);
  const served = declaredPorts(service).filter((p) => registered.has(p.name));
  if (served.length === 0) throw unavailable(`no endpoints available for service "${route.service}"`);
  const endpoint = served.some((p) => p.name === wanted) ? registered.get(wanted) : undefined;
  if (endpoint === undefined) throw unavailable(`no endpoints available for service "${route.id}"`);
  return { scheme: route.scheme === 'https' ? 'https' : 'http', endpoint };
}
