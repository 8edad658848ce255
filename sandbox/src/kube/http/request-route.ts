/**
 * Parses request paths into what they address: a resource (with namespace, name, subresource and
 * the Kubernetes verb), a service proxy, discovery/OpenAPI documents, or the sandbox admin API.
 */
import type { ResourceCatalog } from '../resource-catalog.ts';
import type { ResourceType } from '../resource-type.ts';
import { KubeApiError } from '../status-error.ts';

/** The Kubernetes verbs, as counted and fault-injected. */
export type KubeVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  | 'proxy'
  | 'discovery'
  | 'admin';

/** A request addressed to a resource. */
export interface ResourceRoute {
  kind: 'resource';
  verb: KubeVerb;
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** A request to a Service's proxy subresource. */
export interface ProxyRoute {
  kind: 'proxy';
  verb: 'proxy';
  namespace: string;
  /** The `[SCHEME:]NAME[:PORT]` segment as given, quoted in errors. */
  id: string;
  service: string;
  scheme?: 'http' | 'https';
  port?: string;
  path: string;
}

/** Anything else: discovery, OpenAPI, health, admin. */
export interface OtherRoute {
  kind: 'discovery' | 'admin';
  verb: 'discovery' | 'admin';
  path: string;
}

/** A parsed request target. */
export type Route = ResourceRoute | ProxyRoute | OtherRoute;

/** The counter/fault label of a route: `secrets`, `peeringacceptors/status`, `services/proxy`. */
export function resourceLabel(route: Route): string {
  if (route.kind === 'resource')
    return route.subresource === undefined ? route.rt.plural : `${route.rt.plural}/${route.subresource}`;
  if (route.kind === 'proxy') return 'services/proxy';
  return route.kind;
}

function verbFor(method: string, named: boolean, watch: boolean): KubeVerb {
  switch (method) {
    case 'GET':
      return named ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      throw new KubeApiError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
  }
}

/** Splits `[SCHEME:]NAME[:PORT]` as apimachinery's utilnet.SplitSchemeNamePort does; 400 when invalid. */
function splitServiceId(id: string): { scheme: string; name: string; port: string } {
  const parts = id.split(':');
  const [first = '', second = '', third = ''] = parts;
  const split =
    parts.length === 3
      ? { scheme: first, name: second, port: third }
      : { scheme: '', name: first, port: parts.length === 2 ? second : '' };
  if (parts.length > 3 || split.name === '' || !['', 'http', 'https'].includes(split.scheme))
    throw new KubeApiError(400, 'BadRequest', `invalid service request "${id}"`);
  return split;
}

function proxyRoute(segments: string[], rest: string[], trailingSlash: boolean): ProxyRoute | undefined {
  // segments: namespaces NS services TARGET proxy ...
  if (segments[0] !== 'namespaces' || segments[2] !== 'services' || segments[4] !== 'proxy') return undefined;
  const id = segments[3] ?? '';
  const { scheme, name, port } = splitServiceId(id);
  const route: ProxyRoute = {
    kind: 'proxy',
    verb: 'proxy',
    namespace: segments[1] ?? '',
    id,
    service: name,
    // The real proxy joins the paths preserving a trailing slash (net.JoinPreservingTrailingSlash).
    path: `/${rest.join('/')}${trailingSlash && rest.length > 0 ? '/' : ''}`,
  };
  if (scheme === 'http' || scheme === 'https') route.scheme = scheme;
  if (port !== '') route.port = port;
  return route;
}

function splitApiPath(segments: string[]): { group: string; version: string; rest: string[] } | undefined {
  if (segments[0] === 'api' && segments.length >= 3)
    return { group: '', version: segments[1] ?? '', rest: segments.slice(2) };
  if (segments[0] === 'apis' && segments.length >= 4) {
    return { group: segments[1] ?? '', version: segments[2] ?? '', rest: segments.slice(3) };
  }
  return undefined;
}

/** Routes a path; unknown resources are 404 NotFound as on the real server. */
export function routeRequest(
  catalog: ResourceCatalog,
  method: string,
  pathname: string,
  watch: boolean,
): Route {
  const segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  if (segments[0] === '_sandbox') return { kind: 'admin', verb: 'admin', path: pathname };
  const api = splitApiPath(segments);
  if (api === undefined) return { kind: 'discovery', verb: 'discovery', path: pathname };
  const { group, version } = api;
  let rest = api.rest;
  if (group === '' && rest.length >= 5) {
    const proxy = proxyRoute(rest.slice(0, 5), rest.slice(5), pathname.endsWith('/'));
    if (proxy !== undefined) return proxy;
  }
  let namespace: string | undefined;
  const namespaceSubresource = rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresource) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural = '', name, subresource] = rest;
  const rt = catalog.byResource(group, version, plural);
  if (
    rt === undefined ||
    rest.length > 3 ||
    (subresource !== undefined && !(subresource === 'status' && rt.hasStatus))
  ) {
    throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  if (!rt.namespaced && namespace !== undefined) {
    throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  const route: ResourceRoute = { kind: 'resource', verb: verbFor(method, name !== undefined, watch), rt };
  if (namespace !== undefined) route.namespace = namespace;
  if (name !== undefined) route.name = name;
  if (subresource !== undefined) route.subresource = subresource;
  return route;
}
