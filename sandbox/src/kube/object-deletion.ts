/**
 * Deletion as the real server does it: preconditions, finalizers (the object stays with a
 * deletionTimestamp until the last finalizer is removed), and namespaces that terminate their
 * content before they disappear.
 */

import { type ObjectService, serverTime } from './object-service.ts';
import type { ResourceType } from './resource-type.ts';
import { conflict, forbidden, notFound } from './status-error.ts';
import { clone, type StoredObject } from './stored-object.ts';

/** Options of a DELETE (query parameters and DeleteOptions body). */
export interface DeleteOptions {
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** What a delete did: removed the object now, or marked it for deletion behind finalizers. */
export interface DeleteResult {
  object: StoredObject;
  removed: boolean;
}

const undeletable = new Set(['default', 'kube-system', 'kube-public']);

/** Deletes objects through a ObjectService, finishing terminating namespaces. */
export class ObjectDeleter {
  constructor(private readonly service: ObjectService) {
    service.onRemoved = (rt, removed) => this.afterRemoval(rt, removed);
  }

  /** Deletes one object. */
  delete(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const store = this.service.store;
    const old = store.get(rt, namespace, name);
    if (old === undefined) throw notFound(rt, name);
    const pre = options.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw conflict(
        rt,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        rt,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    if (rt.kind === 'Namespace' && undeletable.has(name))
      throw forbidden(rt, name, 'this namespace may not be deleted');
    const pending = (old.metadata.finalizers ?? []).length > 0 || rt.kind === 'Namespace';
    if (options.dryRun === true) return { object: clone(old), removed: !pending };
    if (!pending) {
      const removed = store.remove(rt, old);
      this.afterRemoval(rt, removed);
      return { object: clone(removed), removed: true };
    }
    const marked = old.metadata.deletionTimestamp === undefined ? this.mark(rt, old) : old;
    if (rt.kind === 'Namespace') return this.terminateNamespace(rt, marked);
    return { object: clone(marked), removed: false };
  }

  private mark(rt: ResourceType, old: StoredObject): StoredObject {
    const next = clone(old);
    next.metadata.deletionTimestamp = serverTime(this.service.now());
    next.metadata.deletionGracePeriodSeconds = 0;
    if (rt.tracksGeneration) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    rt.defaults?.(next);
    return this.service.store.put(rt, next, 'MODIFIED');
  }

  private terminateNamespace(nsType: ResourceType, ns: StoredObject): DeleteResult {
    const name = ns.metadata.name ?? '';
    for (const rt of this.service.catalog.types) {
      if (!rt.namespaced) continue;
      for (const obj of this.service.store.list(rt, name)) {
        if (obj.metadata.deletionTimestamp === undefined) this.delete(rt, name, obj.metadata.name ?? '');
      }
    }
    const finished = this.finishNamespace(nsType, name);
    return { object: clone(finished ?? ns), removed: finished !== undefined };
  }

  private afterRemoval(rt: ResourceType, removed: StoredObject): void {
    if (!rt.namespaced) return;
    const nsType = this.service.catalog.require('v1', 'Namespace');
    const ns = this.service.store.get(nsType, undefined, removed.metadata.namespace ?? '');
    if (ns?.metadata.deletionTimestamp !== undefined) this.finishNamespace(nsType, ns.metadata.name ?? '');
  }

  private finishNamespace(nsType: ResourceType, name: string): StoredObject | undefined {
    const store = this.service.store;
    const empty = this.service.catalog.types.every(
      (rt) => !rt.namespaced || store.list(rt, name).length === 0,
    );
    const ns = store.get(nsType, undefined, name);
    if (!empty || ns === undefined) return undefined;
    return store.remove(nsType, ns);
  }
}
