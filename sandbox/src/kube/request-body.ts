/**
 * Normalises a request body before any semantics apply: the object must decode, carry the URL's
 * kind and apiVersion (or none), and agree with the namespace and name in the URL.
 */

import type { ObjectStore } from './object-store.ts';
import type { ResourceCatalog } from './resource-catalog.ts';
import { apiVersionOf, type ResourceType } from './resource-type.ts';
import { badRequest, forbidden, notFound } from './status-error.ts';
import { asStoredObject, clone, type StoredObject } from './stored-object.ts';

/** Normalises a request body: kind and apiVersion, namespace and name agreement with the URL. */
export function normaliseBody(
  rt: ResourceType,
  body: unknown,
  namespace: string | undefined,
  name: string | undefined,
  strictKind = false,
): StoredObject {
  const obj = asStoredObject(clone(body));
  if (obj === undefined) throw badRequest(`the body of the request could not be decoded as a ${rt.kind}`);
  const apiVersion = apiVersionOf(rt);
  if ((obj.apiVersion !== undefined || strictKind) && obj.apiVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion ?? '')}) does not match the expected API version (${apiVersion})`,
    );
  }
  if ((obj.kind !== undefined || strictKind) && obj.kind !== rt.kind) {
    throw badRequest(
      `the kind in the data (${String(obj.kind ?? '')}) does not match the expected kind (${rt.kind})`,
    );
  }
  obj.apiVersion = apiVersion;
  obj.kind = rt.kind;
  if (rt.namespaced) {
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    obj.metadata.namespace = namespace ?? '';
  } else delete obj.metadata.namespace;
  if (name !== undefined) {
    obj.metadata.name ??= name;
    if (obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
  }
  return obj;
}

/** Refuses content for a namespace that does not exist (404) or is terminating (403). */
export function requireNamespace(
  catalog: ResourceCatalog,
  store: ObjectStore,
  rt: ResourceType,
  obj: StoredObject,
): void {
  if (!rt.namespaced) return;
  const nsType = catalog.require('v1', 'Namespace');
  const ns = store.get(nsType, undefined, obj.metadata.namespace ?? '');
  if (ns === undefined) throw notFound(nsType, obj.metadata.namespace ?? '');
  if (ns.metadata.deletionTimestamp !== undefined) {
    throw forbidden(
      rt,
      obj.metadata.name ?? '',
      `unable to create new content in namespace ${ns.metadata.name} because it is being terminated`,
    );
  }
}
