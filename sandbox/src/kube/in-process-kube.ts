/**
 * The emulator's in-process API for sandbox components (simulated controllers, the Helm release
 * Secret, Consul's Service): the same semantics as the HTTP API (validation, resourceVersion,
 * finalizers, watch events) without a socket. Objects are addressed by apiVersion and kind.
 */

import type { DeleteOptions, DeleteResult, ObjectDeleter } from './object-deletion.ts';
import type { ListOptions, ObjectService, WriteOptions } from './object-service.ts';
import type { StoreEvent } from './object-store.ts';
import { type WatchEvent, type WatchOptions, watchStore } from './object-watch.ts';
import type { PatchType } from './patch/patch-dispatch.ts';
import type { ResourceType } from './resource-type.ts';
import { KubeApiError } from './status-error.ts';
import { clone, type StoredObject } from './stored-object.ts';

/** Identifies one stored object: its resource (apiVersion and kind), namespace and name. */
export interface StoredObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Typed, socket-free access to one emulated cluster's objects. */
export class InProcessKube {
  constructor(
    private readonly service: ObjectService,
    private readonly deleter: ObjectDeleter,
  ) {}

  private type(apiVersion: string | undefined, kind: string | undefined): ResourceType {
    return this.service.catalog.require(String(apiVersion), String(kind));
  }

  /** Creates an object (its apiVersion, kind and metadata.namespace say where). */
  create(obj: StoredObject, options: WriteOptions = {}): StoredObject {
    return this.service.create(this.type(obj.apiVersion, obj.kind), obj.metadata.namespace, obj, options)
      .object;
  }

  /** A copy of an object, or undefined when it does not exist. */
  get(ref: StoredObjectRef): StoredObject | undefined {
    const obj = this.service.store.get(this.type(ref.apiVersion, ref.kind), ref.namespace, ref.name);
    return obj === undefined ? undefined : clone(obj);
  }

  /** Copies of the objects of a kind, optionally in one namespace and filtered by selectors. */
  list(apiVersion: string, kind: string, namespace?: string, options: ListOptions = {}): StoredObject[] {
    return this.service.list(this.type(apiVersion, kind), namespace, options).items;
  }

  /** Replaces an object (a stale metadata.resourceVersion is a 409 Conflict). */
  replace(obj: StoredObject, options: WriteOptions = {}): StoredObject {
    const rt = this.type(obj.apiVersion, obj.kind);
    return this.service.replace(rt, obj.metadata.namespace, obj.metadata.name ?? '', obj, options).object;
  }

  /** Replaces only the status of an object, as a controller does through /status. */
  updateStatus(obj: StoredObject, options: WriteOptions = {}): StoredObject {
    return this.replace(obj, { ...options, subresource: 'status' });
  }

  /** Patches an object (merge, json, strategic or apply). */
  patch(ref: StoredObjectRef, type: PatchType, body: unknown, options: WriteOptions = {}): StoredObject {
    return this.service.patch(
      this.type(ref.apiVersion, ref.kind),
      ref.namespace,
      ref.name,
      type,
      body,
      options,
    ).object;
  }

  /** Creates the object or updates it to match (server-side apply with force, as a controller). */
  apply(obj: StoredObject, fieldManager: string): StoredObject {
    const ref = { apiVersion: String(obj.apiVersion), kind: String(obj.kind), name: obj.metadata.name ?? '' };
    const where = obj.metadata.namespace === undefined ? ref : { ...ref, namespace: obj.metadata.namespace };
    return this.patch(where, 'apply', obj, { fieldManager, force: true });
  }

  /** Deletes an object; resolves undefined when it did not exist. */
  delete(ref: StoredObjectRef, options: DeleteOptions = {}): DeleteResult | undefined {
    try {
      return this.deleter.delete(this.type(ref.apiVersion, ref.kind), ref.namespace, ref.name, options);
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  /** Watches one kind; events carry copies. Returns the function that stops the watch. */
  watch(
    apiVersion: string,
    kind: string,
    options: WatchOptions,
    listener: (event: WatchEvent) => void,
  ): () => void {
    return watchStore(this.service.store, this.type(apiVersion, kind), options, (e) =>
      listener({ type: e.type, object: clone(e.object) }),
    );
  }

  /** Follows every committed change of every kind (for controllers reacting to several kinds). */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    return this.service.store.subscribe(listener);
  }

  /** The latest resourceVersion of the cluster. */
  get resourceVersion(): string {
    return String(this.service.store.resourceVersion);
  }
}
