/**
 * Watch over the store: replays from a resourceVersion (or synthesises ADDED events for the current
 * state when none is given), then follows commits. Objects leaving a selector produce DELETED, as
 * the real watch cache does; a revision older than the history is 410 Expired.
 */

import type { ListOptions } from './object-service.ts';
import type { ObjectStore, StoreEvent } from './object-store.ts';
import type { ResourceType } from './resource-type.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { badRequest, expired } from './status-error.ts';
import { objectKey, type StoredObject } from './stored-object.ts';

/** Which objects to watch and from where. */
export interface WatchOptions extends ListOptions {
  namespace?: string;
  resourceVersion?: string;
}

/** One delivered event; `object` is shared and must not be mutated. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: StoredObject;
}

/** Starts a watch; throws 410 Expired before any event when the revision is too old. */
export function watchStore(
  store: ObjectStore,
  rt: ResourceType,
  options: WatchOptions,
  onEvent: (event: WatchEvent) => void,
): () => void {
  const labels = parseLabelSelector(options.labelSelector);
  const fields = parseFieldSelector(options.fieldSelector, rt);
  const matches = (o: StoredObject): boolean => labels(o) && fields(o);
  const inScope = (e: StoreEvent): boolean =>
    e.rt === rt &&
    (options.namespace === undefined || !rt.namespaced || e.object.metadata.namespace === options.namespace);
  const seen = new Set<string>();
  const keyOf = (o: StoredObject): string => objectKey(o.metadata.namespace, o.metadata.name ?? '');

  const deliver = (e: StoreEvent): void => {
    if (!inScope(e)) return;
    const key = keyOf(e.object);
    if (e.type !== 'DELETED' && matches(e.object)) {
      onEvent({ type: seen.has(key) || e.type === 'MODIFIED' ? e.type : 'ADDED', object: e.object });
      seen.add(key);
    } else if (seen.delete(key) || (e.type === 'DELETED' && matches(e.object))) {
      onEvent({ type: 'DELETED', object: e.object });
    }
  };

  const rv = options.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    for (const obj of store.list(rt, options.namespace)) {
      if (!matches(obj)) continue;
      seen.add(keyOf(obj));
      onEvent({ type: 'ADDED', object: obj });
    }
  } else {
    const revision = Number(rv);
    if (!Number.isInteger(revision) || revision < 0) throw badRequest(`invalid resource version: ${rv}`);
    const backlog = store.eventsAfter(revision);
    if (backlog === 'expired') throw expired(rv, String(store.oldestResumable));
    for (const obj of store.list(rt, options.namespace)) if (matches(obj)) seen.add(keyOf(obj));
    for (const e of backlog) deliver(e);
  }
  return store.subscribe(deliver);
}
