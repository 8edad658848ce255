/**
 * The API semantics shared by the HTTP handlers and in-process callers: create, replace, patch and
 * status writes with resourceVersion preconditions, generation, managedFields, no-op detection and
 * dryRun; reads and lists with selectors. Deletion lives in object-deletion.ts.
 */
import { randomUUID } from 'node:crypto';
import type { ObjectStore } from './object-store.ts';
import { updateManagedFields, type WriteManager } from './patch/managed-fields.ts';
import { applyPatch, type PatchType } from './patch/patch-dispatch.ts';
import { serverSideApply } from './patch/server-side-apply.ts';
import { normaliseBody, requireNamespace } from './request-body.ts';
import type { ResourceCatalog } from './resource-catalog.ts';
import { apiVersionOf, type ResourceType } from './resource-type.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { alreadyExists, badRequest, conflict, KubeApiError, notFound } from './status-error.ts';
import { clone, jsonEqual, type StoredObject } from './stored-object.ts';
import { type ConsulInstallOptions, consulInstall } from './validation/consul-install.ts';
import { admitWrite, decodeBody, type FieldValidation } from './write-admission.ts';

/** Options every write accepts (the query parameters of the real API). */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  subresource?: 'status';
  force?: boolean;
  /** The manager name derived from the User-Agent, used for non-apply writes without fieldManager. */
  userAgentManager?: string;
}

/** The stored (or, under dryRun, would-be) object and any warnings for the Warning header. */
export interface WriteResult {
  object: StoredObject;
  warnings: string[];
  created: boolean;
}

/** Selectors for list and watch. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

/** RFC 3339 with second precision, as the API server writes timestamps. */
export function serverTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function withoutVolatile(obj: StoredObject): unknown {
  const managed = (obj.metadata.managedFields ?? []).map(({ time: _t, ...rest }) => rest);
  return { ...obj, metadata: { ...obj.metadata, managedFields: managed, resourceVersion: undefined } };
}

function specPart(obj: StoredObject): unknown {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/** The verbs of the Kubernetes API over one ObjectStore. */
export class ObjectService {
  /**
   * What the simulated consul-k8s webhooks know of the install: its fullname, the one partition it
   * serves (ExportedServices must be named after it), and whether partitions and namespaces are on.
   */
  consulWebhooks: ConsulInstallOptions = {};

  constructor(
    readonly catalog: ResourceCatalog,
    readonly store: ObjectStore,
    readonly now: () => Date = () => new Date(),
  ) {}

  /** A copy of one object; 404 when absent. */
  get(rt: ResourceType, namespace: string | undefined, name: string): StoredObject {
    const obj = this.store.get(rt, namespace, name);
    if (obj === undefined) throw notFound(rt, name);
    return clone(obj);
  }

  /** Copies of the matching objects and the revision the list reflects. */
  list(
    rt: ResourceType,
    namespace: string | undefined,
    options: ListOptions = {},
  ): { items: StoredObject[]; resourceVersion: string } {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector, rt);
    const items = this.store.list(rt, namespace).filter((o) => labels(o) && fields(o));
    return { items: items.map(clone), resourceVersion: String(this.store.resourceVersion) };
  }

  /** Creates an object (409 AlreadyExists when the name is taken). */
  create(
    rt: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const obj = normaliseBody(rt, body, namespace, undefined);
    const warnings = decodeBody(rt, obj, options.fieldValidation ?? 'Strict');
    return this.commitCreate(rt, obj, this.manager(rt, options, 'Update'), options, warnings);
  }

  /** Replaces an object (PUT), honouring the resourceVersion precondition; `subresource` = status. */
  replace(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const old = this.store.get(rt, namespace, name);
    if (old === undefined) throw notFound(rt, name);
    const obj = normaliseBody(rt, body, namespace, name);
    const warnings = decodeBody(rt, obj, options.fieldValidation ?? 'Strict');
    return this.commitUpdate(rt, old, obj, this.manager(rt, options, 'Update'), options, warnings);
  }

  /** Patches an object with a JSON, merge, strategic-merge or apply patch. */
  patch(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    if (type === 'apply') return this.apply(rt, namespace, name, body, options);
    if (options.force !== undefined) throw badRequest('force may not be set for non-apply patch');
    const old = this.store.get(rt, namespace, name);
    if (old === undefined) throw notFound(rt, name);
    const obj = normaliseBody(rt, applyPatch(rt, type, old, body), namespace, name);
    const warnings = decodeBody(rt, obj, options.fieldValidation ?? 'Strict');
    return this.commitUpdate(rt, old, obj, this.manager(rt, options, 'Update'), options, warnings);
  }

  private apply(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions,
  ): WriteResult {
    if (options.fieldManager === undefined || options.fieldManager === '') {
      throw badRequest('PATCH /apply requests require fieldManager to be set');
    }
    const config = normaliseBody(rt, body, namespace, name, true);
    const warnings = decodeBody(rt, config, options.fieldValidation ?? 'Strict');
    const old = this.store.get(rt, namespace, name);
    const scope = options.subresource === 'status' ? 'status' : 'main';
    const outcome = serverSideApply(old, config, {
      manager: options.fieldManager,
      force: options.force === true,
      scope,
    });
    const manager = { ...this.manager(rt, options, 'Apply'), applied: outcome.applied };
    if (outcome.previous === undefined)
      return this.commitCreate(rt, outcome.object, manager, options, warnings);
    const rv = config.metadata.resourceVersion;
    if (rv !== undefined && rv !== outcome.previous.metadata.resourceVersion) throw conflict(rt, name);
    outcome.object.metadata.resourceVersion = outcome.previous.metadata.resourceVersion ?? '';
    return this.commitUpdate(rt, outcome.previous, outcome.object, manager, options, warnings);
  }

  private manager(rt: ResourceType, options: WriteOptions, operation: 'Apply' | 'Update'): WriteManager {
    const m: WriteManager = {
      manager: options.fieldManager ?? options.userAgentManager ?? 'sandbox',
      operation,
      apiVersion: apiVersionOf(rt),
    };
    if (options.subresource !== undefined) m.subresource = options.subresource;
    return m;
  }

  private commitCreate(
    rt: ResourceType,
    obj: StoredObject,
    manager: WriteManager,
    options: WriteOptions,
    warnings: string[],
  ): WriteResult {
    const meta = obj.metadata;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
      throw new KubeApiError(
        500,
        'InternalError',
        'Internal error occurred: resourceVersion should not be set on objects to be created',
      );
    }
    if ((meta.name ?? '') === '' && (meta.generateName ?? '') !== '')
      meta.name = `${meta.generateName}${randomUUID().slice(0, 5)}`;
    requireNamespace(this.catalog, this.store, rt, obj);
    for (const key of [
      'uid',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
    ])
      delete meta[key];
    if (rt.hasStatus && rt.kind !== 'Namespace') delete obj.status;
    admitWrite(rt, obj, undefined, this.store, consulInstall(this.consulWebhooks));
    if (this.store.get(rt, meta.namespace, meta.name ?? '') !== undefined)
      throw alreadyExists(rt, meta.name ?? '');
    meta.uid = randomUUID();
    meta.creationTimestamp = serverTime(this.now());
    if (rt.tracksGeneration) meta.generation = 1;
    meta.managedFields = updateManagedFields(undefined, obj, manager, serverTime(this.now()));
    if (options.dryRun === true) return { object: obj, warnings, created: true };
    return { object: clone(this.store.put(rt, obj, 'ADDED')), warnings, created: true };
  }

  private merged(
    rt: ResourceType,
    old: StoredObject,
    incoming: StoredObject,
    options: WriteOptions,
  ): StoredObject {
    if (options.subresource === 'status') {
      const next = clone(old);
      if (incoming.status === undefined) delete next.status;
      else next.status = incoming.status;
      return next;
    }
    const next = incoming;
    const keep = [
      'uid',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'managedFields',
    ];
    for (const key of keep) {
      if (old.metadata[key] === undefined) delete next.metadata[key];
      else next.metadata[key] = old.metadata[key];
    }
    if (rt.hasStatus) {
      if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
    return next;
  }

  /** The shared tail of replace, patch and apply. */
  commitUpdate(
    rt: ResourceType,
    old: StoredObject,
    incoming: StoredObject,
    manager: WriteManager,
    options: WriteOptions,
    warnings: string[],
  ): WriteResult {
    const rv = incoming.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw conflict(rt, old.metadata.name ?? '');
    const next = this.merged(rt, old, incoming, options);
    next.metadata.resourceVersion = old.metadata.resourceVersion ?? '';
    admitWrite(rt, next, old, this.store, consulInstall(this.consulWebhooks));
    if (rt.tracksGeneration && !jsonEqual(specPart(old), specPart(next)))
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    next.metadata.managedFields = updateManagedFields(old, next, manager, serverTime(this.now()));
    if (jsonEqual(withoutVolatile(old), withoutVolatile(next)))
      return { object: clone(old), warnings, created: false };
    if (options.dryRun === true) return { object: next, warnings, created: false };
    if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
      const removed = this.store.remove(rt, next);
      this.onRemoved?.(rt, removed);
      return { object: clone(removed), warnings, created: false };
    }
    return { object: clone(this.store.put(rt, next, 'MODIFIED')), warnings, created: false };
  }

  /** Set by the deletion logic so a finalizer removal can finish a terminating namespace. */
  onRemoved?: (rt: ResourceType, removed: StoredObject) => void;
}
