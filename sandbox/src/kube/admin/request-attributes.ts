/**
 * A routed request's authorization attributes, as kube-apiserver's RequestInfoFactory derives them
 * (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): the verb of a proxied
 * request comes from its method, and its name is the `[scheme:]name[:port]` segment as sent.
 */
import type { IncomingMessage } from 'node:http';
import type { Route } from '../http/request-route.ts';
import type { RequestAttributes } from './request-counters.ts';

const methodVerbs: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The attributes of a request, without its status (known once it is answered). */
export function requestAttributes(route: Route, req: IncomingMessage): Omit<RequestAttributes, 'status'> {
  if (route.kind === 'resource') {
    const attributes: Omit<RequestAttributes, 'status'> = {
      verb: route.verb,
      apiGroup: route.rt.group,
      resource: route.rt.plural,
    };
    if (route.subresource !== undefined) attributes.subresource = route.subresource;
    if (route.namespace !== undefined) attributes.namespace = route.namespace;
    if (route.name !== undefined) attributes.name = route.name;
    if (route.verb === 'patch')
      attributes.patchType = (req.headers['content-type'] ?? '').split(';')[0] ?? '';
    return attributes;
  }
  if (route.kind === 'proxy') {
    return {
      verb: methodVerbs[req.method ?? 'GET'] ?? 'get',
      apiGroup: '',
      resource: 'services',
      subresource: 'proxy',
      namespace: route.namespace,
      name: route.id,
    };
  }
  return { verb: (req.method ?? 'GET').toLowerCase(), nonResourcePath: route.path };
}
