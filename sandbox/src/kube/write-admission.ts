/**
 * Everything a write passes through before it is stored, in the real server's order: decoding
 * (unknown fields pruned, refused under `fieldValidation=Strict`), schema checks, defaulting,
 * ObjectMeta and per-kind validation (422), then the consul-k8s admission webhooks (400).
 */

import type { ObjectStore } from './object-store.ts';
import type { FieldError, ResourceType } from './resource-type.ts';
import { badRequest, invalid } from './status-error.ts';
import type { StoredObject } from './stored-object.ts';
import { admitConsulResource } from './validation/consul-admission.ts';
import type { ConsulInstall } from './validation/consul-install.ts';
import { checkObjectMeta } from './validation/object-meta-check.ts';
import { checkAgainstSchema } from './validation/schema-check.ts';

/** How unknown fields are treated (the `fieldValidation` query parameter). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Prunes unknown fields and checks types; returns warnings, throws 400 or 422. */
export function decodeBody(rt: ResourceType, obj: StoredObject, mode: FieldValidation): string[] {
  const check = checkAgainstSchema(obj, rt.schema);
  const name = obj.metadata.name ?? '';
  if (check.unknownFields.length > 0 && mode === 'Strict') {
    const fields = check.unknownFields.map((f) => `unknown field "${f}"`).join(', ');
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${fields}`,
    );
  }
  if (check.errors.length > 0) throw invalid(rt, name, check.errors);
  return mode === 'Warn' ? check.unknownFields.map((f) => `unknown field "${f}"`) : [];
}

/** Runs defaulting, validation and admission on a fully merged object about to be stored. */
export function admitWrite(
  rt: ResourceType,
  obj: StoredObject,
  old: StoredObject | undefined,
  store: ObjectStore,
  consul?: ConsulInstall,
): void {
  rt.defaults?.(obj);
  const errors: FieldError[] = [...checkObjectMeta(obj, rt), ...(rt.validate?.(obj, old) ?? [])];
  if (old !== undefined && old.metadata.deletionTimestamp !== undefined) {
    const before = new Set(old.metadata.finalizers ?? []);
    if ((obj.metadata.finalizers ?? []).some((f) => !before.has(f))) {
      errors.push({
        type: 'FieldValueForbidden',
        field: 'metadata.finalizers',
        message: 'Forbidden: no new finalizers can be added if the object is being deleted',
      });
    }
  }
  if (errors.length > 0) throw invalid(rt, obj.metadata.name ?? '', errors);
  const denial = admitConsulResource(rt, obj, old, store, consul);
  if (denial !== undefined) throw denial;
}
