/** HTTP handling of resource requests: one function per verb over the ObjectService. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeleteOptions, ObjectDeleter } from '../object-deletion.ts';
import type { ObjectService } from '../object-service.ts';
import { patchTypeOf } from '../patch/patch-dispatch.ts';
import { apiVersionOf } from '../resource-type.ts';
import { methodNotAllowed } from '../status-error.ts';
import { isRecord, type StoredObject } from '../stored-object.ts';
import { decode, readBody, sendJson } from './http-io.ts';
import { writeOptions } from './request-options.ts';
import type { ResourceRoute } from './request-route.ts';
import { toTable, wantsTable } from './table-printer.ts';
import { streamWatch } from './watch-stream.ts';
import { readWriteBody } from './write-body.ts';

/** What the handlers need from the server. */
export interface ResourceContext {
  service: ObjectService;
  deleter: ObjectDeleter;
  bookmarkIntervalMs: number;
  /** Registers an open watch so the server can end it; returns the function that forgets it. */
  trackWatch(stop: () => void): () => void;
}

function listSelectors(query: URLSearchParams): { labelSelector?: string; fieldSelector?: string } {
  const out: { labelSelector?: string; fieldSelector?: string } = {};
  const label = query.get('labelSelector');
  const field = query.get('fieldSelector');
  if (label !== null) out.labelSelector = label;
  if (field !== null) out.fieldSelector = field;
  return out;
}

function handleRead(
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): void {
  const { rt } = route;
  const table = wantsTable(req.headers.accept);
  if (route.name !== undefined) {
    const obj = ctx.service.get(rt, route.namespace, route.name);
    sendJson(
      res,
      200,
      table ? toTable(rt, [obj], obj.metadata.resourceVersion ?? '', query.get('includeObject')) : obj,
    );
    return;
  }
  const { items, resourceVersion } = ctx.service.list(rt, route.namespace, listSelectors(query));
  if (table) {
    sendJson(res, 200, toTable(rt, items, resourceVersion, query.get('includeObject')));
    return;
  }
  sendJson(res, 200, {
    apiVersion: apiVersionOf(rt),
    kind: `${rt.kind}List`,
    metadata: { resourceVersion },
    items,
  });
}

function handleWatch(
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): void {
  const timeout = query.get('timeoutSeconds');
  const options = {
    ...listSelectors(query),
    bookmarks: query.get('allowWatchBookmarks') === 'true',
    bookmarkIntervalMs: ctx.bookmarkIntervalMs,
    ...(route.namespace === undefined ? {} : { namespace: route.namespace }),
    ...(query.get('resourceVersion') === null ? {} : { resourceVersion: query.get('resourceVersion') ?? '' }),
    ...(timeout === null ? {} : { timeoutSeconds: Number(timeout) }),
  };
  let untrack = (): void => {};
  const stop = streamWatch(req, res, ctx.service.store, route.rt, options, () => untrack());
  const forget = ctx.trackWatch(stop);
  untrack = () => {
    forget();
  };
}

function deleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const options: DeleteOptions = {};
  const opts = isRecord(body) ? body : {};
  const dryRun = [...query.getAll('dryRun'), ...(Array.isArray(opts.dryRun) ? opts.dryRun.map(String) : [])];
  if (dryRun.includes('All')) options.dryRun = true;
  if (isRecord(opts.preconditions)) {
    const pre = opts.preconditions;
    options.preconditions = {};
    if (typeof pre.uid === 'string') options.preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string') options.preconditions.resourceVersion = pre.resourceVersion;
  }
  return options;
}

function deletedStatus(route: ResourceRoute, obj: StoredObject): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name, group: route.rt.group, kind: route.rt.plural, uid: obj.metadata.uid },
  };
}

async function handleDelete(
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): Promise<void> {
  const options = deleteOptions(decode(await readBody(req), 'application/json'), query);
  if (route.name === undefined) {
    for (const obj of ctx.service.list(route.rt, route.namespace, listSelectors(query)).items) {
      ctx.deleter.delete(route.rt, obj.metadata.namespace, obj.metadata.name ?? '', options);
    }
    sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
    return;
  }
  const result = ctx.deleter.delete(route.rt, route.namespace, route.name, options);
  const builtInRemoved = result.removed && route.rt.builtIn && route.rt.kind !== 'Namespace';
  sendJson(res, 200, builtInRemoved ? deletedStatus(route, result.object) : result.object);
}

async function handleWrite(
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): Promise<void> {
  const options = writeOptions(query, req.headers['user-agent'], route.subresource);
  const contentType = req.headers['content-type'];
  const name = route.name ?? '';
  if (route.verb === 'create') {
    if (route.name !== undefined) throw methodNotAllowed();
    const result = ctx.service.create(route.rt, route.namespace, await readWriteBody(req, route.rt), options);
    return sendJson(res, 201, result.object, result.warnings);
  }
  if (route.verb === 'update') {
    const result = ctx.service.replace(
      route.rt,
      route.namespace,
      name,
      await readWriteBody(req, route.rt),
      options,
    );
    return sendJson(res, 200, result.object, result.warnings);
  }
  const type = patchTypeOf(route.rt, contentType);
  const result = ctx.service.patch(
    route.rt,
    route.namespace,
    name,
    type,
    decode(await readBody(req), contentType),
    options,
  );
  sendJson(res, result.created ? 201 : 200, result.object, result.warnings);
}

/** Serves one resource request. */
export async function handleResource(
  ctx: ResourceContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): Promise<void> {
  if (route.subresource !== undefined && !['get', 'update', 'patch'].includes(route.verb))
    throw methodNotAllowed();
  switch (route.verb) {
    case 'get':
    case 'list':
      return handleRead(ctx, req, res, route, query);
    case 'watch':
      return handleWatch(ctx, req, res, route, query);
    case 'delete':
    case 'deletecollection':
      return handleDelete(ctx, req, res, route, query);
    case 'create':
    case 'update':
    case 'patch':
      return handleWrite(ctx, req, res, route, query);
    default:
      throw methodNotAllowed();
  }
}
