/** Serves /version, /api, /apis, resource lists, the OpenAPI documents and the health probes. */
import type { ServerResponse } from 'node:http';
import {
  apiGroup,
  coreVersions,
  groupList,
  resourceList,
  versionInfo,
} from '../openapi/discovery-documents.ts';
import { openApiDocument, openApiIndex } from '../openapi/openapi-documents.ts';
import { openApiV2Json, openApiV2Protobuf, openApiV2ProtobufType } from '../openapi/openapi-v2.ts';
import type { ResourceCatalog } from '../resource-catalog.ts';
import { KubeApiError } from '../status-error.ts';
import { sendJson } from './http-io.ts';

function document(catalog: ResourceCatalog, segments: string[], serverAddress: string): unknown {
  const [first, second, third, fourth] = segments;
  if (first === 'version' && segments.length === 1) return versionInfo();
  if (first === 'api') {
    if (segments.length === 1) return coreVersions(serverAddress);
    if (segments.length === 2) return resourceList(catalog, '', second ?? '');
  }
  if (first === 'apis') {
    if (segments.length === 1) return groupList(catalog);
    if (segments.length === 2) return apiGroup(catalog, second ?? '');
    if (segments.length === 3) return resourceList(catalog, second ?? '', third ?? '');
  }
  if (first === 'openapi' && second === 'v2' && segments.length === 2) return openApiV2Json(catalog);
  if (first === 'openapi' && second === 'v3') {
    if (segments.length === 2) return openApiIndex(catalog);
    if (third === 'api' && segments.length === 4) return openApiDocument(catalog, '', fourth ?? '');
    if (third === 'apis' && segments.length === 5)
      return openApiDocument(catalog, fourth ?? '', segments[4] ?? '');
  }
  return undefined;
}

/** Serves a discovery path, or a 404 Status for anything unknown. */
export function handleDiscovery(
  catalog: ResourceCatalog,
  res: ServerResponse,
  pathname: string,
  serverAddress: string,
  accept = '',
): void {
  const segments = pathname.split('/').filter((s) => s !== '');
  if (['healthz', 'livez', 'readyz'].includes(segments[0] ?? '')) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('ok');
    return;
  }
  if (segments.join('/') === 'openapi/v2' && accept.includes('protobuf')) {
    const body = openApiV2Protobuf(catalog);
    res.writeHead(200, { 'content-type': openApiV2ProtobufType, 'content-length': String(body.length) });
    res.end(body);
    return;
  }
  const doc = document(catalog, segments, serverAddress);
  if (doc === undefined)
    throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  sendJson(res, 200, doc);
}
