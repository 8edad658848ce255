/**
 * The emulator's storage: objects per resource type, one cluster-wide resourceVersion counter (as
 * etcd's revision) and a bounded history of change events so watches can resume, or get 410 Gone
 * when they ask for a revision that was compacted away.
 */

import type { ResourceType } from './resource-type.ts';
import { objectKey, type StoredObject } from './stored-object.ts';

/** The watch event types the store produces. */
export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change; `object` is the stored value and must not be mutated. */
export interface StoreEvent {
  readonly type: StoreEventType;
  readonly rt: ResourceType;
  readonly object: StoredObject;
  readonly resourceVersion: number;
}

/** A listener for committed changes, called synchronously after each commit. */
export type StoreListener = (event: StoreEvent) => void;

/** Serialisable content of a store, for persistence. */
export interface StoreSnapshot {
  resourceVersion: number;
  objects: StoredObject[];
}

/** Options for an ObjectStore. */
export interface ObjectStoreOptions {
  /** How many events are kept for watch resumption (etcd's compaction window). */
  historyLimit?: number;
}

/** In-memory objects with a global revision and an event history. */
export class ObjectStore {
  private readonly buckets = new Map<ResourceType, Map<string, StoredObject>>();
  private readonly listeners = new Set<StoreListener>();
  private history: StoreEvent[] = [];
  private revision = 0;
  private compactedThrough = 0;
  private readonly historyLimit: number;

  constructor(options: ObjectStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10_000;
  }

  /** The latest committed revision. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest revision a watch may resume from. */
  get oldestResumable(): number {
    return this.compactedThrough;
  }

  /** The stored object (shared; callers copy before mutating). */
  get(rt: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.buckets.get(rt)?.get(objectKey(rt.namespaced ? namespace : undefined, name));
  }

  /** Stored objects of a type, optionally in one namespace, sorted by namespace/name. */
  list(rt: ResourceType, namespace?: string): StoredObject[] {
    const bucket = this.buckets.get(rt);
    if (bucket === undefined) return [];
    const keys = [...bucket.keys()].sort();
    const out: StoredObject[] = [];
    for (const key of keys) {
      const obj = bucket.get(key);
      if (obj === undefined) continue;
      if (namespace !== undefined && rt.namespaced && obj.metadata.namespace !== namespace) continue;
      out.push(obj);
    }
    return out;
  }

  /** Stores an object under a new revision and records the event; returns the stored object. */
  put(rt: ResourceType, object: StoredObject, type: 'ADDED' | 'MODIFIED'): StoredObject {
    const revision = ++this.revision;
    const stored: StoredObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(revision) },
    };
    this.bucket(rt).set(this.keyOf(rt, stored), stored);
    this.record({ type, rt, object: stored, resourceVersion: revision });
    return stored;
  }

  /** Removes an object; the DELETED event carries it with a fresh revision. */
  remove(rt: ResourceType, object: StoredObject): StoredObject {
    const revision = ++this.revision;
    const last: StoredObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(revision) },
    };
    this.bucket(rt).delete(this.keyOf(rt, object));
    this.record({ type: 'DELETED', rt, object: last, resourceVersion: revision });
    return last;
  }

  /** Events after `revision`, or 'expired' when that revision is older than the history. */
  eventsAfter(revision: number): StoreEvent[] | 'expired' {
    if (revision < this.compactedThrough) return 'expired';
    const first = this.history.findIndex((e) => e.resourceVersion > revision);
    return first === -1 ? [] : this.history.slice(first);
  }

  /** Registers a listener for every later commit; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the event history, as etcd compaction does: older watch revisions then get 410. */
  compact(): void {
    this.history = [];
    this.compactedThrough = this.revision;
  }

  /** Every stored object and the revision, for persistence. */
  snapshot(): StoreSnapshot {
    const objects: StoredObject[] = [];
    for (const bucket of this.buckets.values()) objects.push(...bucket.values());
    return { resourceVersion: this.revision, objects };
  }

  /** Replaces the content with a snapshot; history starts empty at its revision. */
  restore(snapshot: StoreSnapshot, resolve: (obj: StoredObject) => ResourceType | undefined): void {
    this.buckets.clear();
    for (const obj of snapshot.objects) {
      const rt = resolve(obj);
      if (rt !== undefined) this.bucket(rt).set(this.keyOf(rt, obj), obj);
    }
    this.revision = snapshot.resourceVersion;
    this.compact();
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedThrough = dropped[dropped.length - 1]?.resourceVersion ?? this.compactedThrough;
    }
    for (const listener of this.listeners) listener(event);
  }

  private bucket(rt: ResourceType): Map<string, StoredObject> {
    let bucket = this.buckets.get(rt);
    if (bucket === undefined) {
      bucket = new Map();
      this.buckets.set(rt, bucket);
    }
    return bucket;
  }

  private keyOf(rt: ResourceType, obj: StoredObject): string {
    return objectKey(rt.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name ?? '');
  }
}
