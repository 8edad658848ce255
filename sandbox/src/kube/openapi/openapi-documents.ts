/**
 * OpenAPI v3 documents: the /openapi/v3 index and one document per group/version with every path,
 * operation (tagged with x-kubernetes-group-version-kind, listing fieldValidation so kubectl uses
 * server-side validation) and the schema of every kind.
 */
import { createHash } from 'node:crypto';
import { acceptedPatchTypes } from '../patch/patch-dispatch.ts';
import type { ResourceCatalog } from '../resource-catalog.ts';
import type { ResourceType, Schema } from '../resource-type.ts';
import { emulatedVersion } from './discovery-documents.ts';

type Doc = Record<string, unknown>;

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

const query = (name: string, description: string, type = 'string'): Doc => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});
const pathParam = (name: string): Doc => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

const writeParams = [
  query('dryRun', 'When present, indicates that modifications should not be persisted.'),
  query(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  query('fieldValidation', 'Ignore, Warn or Strict: how the server treats unknown or duplicate fields.'),
];
const listParams = [
  query('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  query('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  query(
    'resourceVersion',
    'resourceVersion sets a constraint on what resource versions a request may be served from.',
  ),
  query('watch', 'Watch for changes to the described resources.', 'boolean'),
  query('allowWatchBookmarks', 'Requests watch events with type "BOOKMARK".', 'boolean'),
  query('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
];

function ref(name: string): Doc {
  return { $ref: `#/components/schemas/${name}` };
}

function operation(
  rt: ResourceType,
  action: string,
  id: string,
  params: Doc[],
  body?: { types: string[]; schema: Doc },
  result?: Doc,
): Doc {
  const op: Doc = {
    operationId: id,
    parameters: params,
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: result ?? ref(rt.schemaName) } } },
    },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: rt.group, version: rt.version, kind: rt.kind },
  };
  if (body !== undefined) {
    op.requestBody = {
      required: true,
      content: Object.fromEntries(body.types.map((t) => [t, { schema: body.schema }])),
    };
  }
  return op;
}

function pathsOf(rt: ResourceType): Record<string, Doc> {
  const base = `/${gvPath(rt.group, rt.version)}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
  const scope = rt.namespaced ? [pathParam('namespace')] : [];
  const id = `${rt.kind}${rt.namespaced ? 'Namespaced' : ''}`;
  const json = { types: ['application/json'], schema: ref(rt.schemaName) };
  const patch = { types: acceptedPatchTypes(rt), schema: { type: 'object' } };
  const patchParams = [
    ...writeParams,
    query('force', 'Force is going to "force" Apply requests.', 'boolean'),
  ];
  const listRef = ref(`${rt.schemaName}List`);
  const paths: Record<string, Doc> = {
    [base]: {
      get: operation(rt, 'list', `list${id}`, listParams, undefined, listRef),
      post: operation(rt, 'post', `create${id}`, writeParams, json),
      delete: operation(rt, 'deletecollection', `deleteCollection${id}`, [
        ...listParams,
        query('dryRun', 'dry run'),
      ]),
      parameters: scope,
    },
    [`${base}/{name}`]: {
      get: operation(rt, 'get', `read${id}`, []),
      put: operation(rt, 'put', `replace${id}`, writeParams, json),
      patch: operation(rt, 'patch', `patch${id}`, patchParams, patch),
      delete: operation(rt, 'delete', `delete${id}`, [query('dryRun', 'dry run')]),
      parameters: [pathParam('name'), ...scope],
    },
  };
  if (rt.hasStatus) {
    paths[`${base}/{name}/status`] = {
      get: operation(rt, 'get', `read${id}Status`, []),
      put: operation(rt, 'put', `replace${id}Status`, writeParams, json),
      patch: operation(rt, 'patch', `patch${id}Status`, patchParams, patch),
      parameters: [pathParam('name'), ...scope],
    };
  }
  return paths;
}

function schemasOf(rt: ResourceType): Record<string, Schema> {
  const gvk = [{ group: rt.group, kind: rt.kind, version: rt.version }];
  const listGvk = [{ group: rt.group, kind: `${rt.kind}List`, version: rt.version }];
  return {
    [rt.schemaName]: { ...rt.schema, 'x-kubernetes-group-version-kind': gvk },
    [`${rt.schemaName}List`]: {
      type: 'object',
      description: `${rt.kind}List is a list of ${rt.kind}.`,
      required: ['items'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: { type: 'array', items: ref(rt.schemaName) as Schema },
      },
      'x-kubernetes-group-version-kind': listGvk,
    },
  };
}

/** The OpenAPI v3 document of one group/version, or undefined when not served. */
export function openApiDocument(catalog: ResourceCatalog, group: string, version: string): Doc | undefined {
  const types = catalog.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: emulatedVersion.gitVersion },
    paths: Object.assign({}, ...types.map(pathsOf)),
    components: { schemas: Object.assign({}, ...types.map(schemasOf)) },
  };
}

/** GET /openapi/v3: where each group/version document lives (with a content hash, as served). */
export function openApiIndex(catalog: ResourceCatalog): Doc {
  const paths: Record<string, Doc> = {};
  for (const { group, version } of catalog.groupVersions()) {
    const doc = JSON.stringify(openApiDocument(catalog, group, version));
    const hash = createHash('sha512').update(doc).digest('hex').slice(0, 32).toUpperCase();
    paths[gvPath(group, version)] = {
      serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}`,
    };
  }
  return { paths };
}
