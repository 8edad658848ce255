/**
 * Structural schema handling as the real API server does it: unknown fields are pruned (and
 * reported, so `fieldValidation=Strict` can refuse them), then types, required fields and enums
 * are checked.
 */

import type { FieldError, Schema } from '../resource-type.ts';
import { isRecord } from '../stored-object.ts';

/** What checking one object against its schema found. */
export interface SchemaCheck {
  /** Dotted paths of fields the schema does not declare (already removed from the object). */
  unknownFields: string[];
  errors: FieldError[];
}

/** Prunes unknown fields from `value` in place and validates it against `schema`. */
export function checkAgainstSchema(value: Record<string, unknown>, schema: Schema): SchemaCheck {
  const result: SchemaCheck = { unknownFields: [], errors: [] };
  walkObject(value, schema, '', result);
  return result;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function walk(value: unknown, schema: Schema, path: string, result: SchemaCheck): void {
  if (value === null || value === undefined) return;
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (typeof value !== 'string' && !Number.isInteger(value))
      typeError(value, 'integer-or-string', path, result);
    return;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    const allowed = schema.enum.map((v) => JSON.stringify(v)).join(', ');
    result.errors.push({
      type: 'FieldValueNotSupported',
      field: path,
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed}`,
    });
  }
  switch (schema.type) {
    case 'object':
      if (isRecord(value)) walkObject(value, schema, path, result);
      else typeError(value, 'object', path, result);
      return;
    case 'array':
      if (!Array.isArray(value)) {
        typeError(value, 'array', path, result);
        return;
      }
      if (schema.items !== undefined) {
        for (const [i, item] of value.entries()) walk(item, schema.items, `${path}[${i}]`, result);
      }
      return;
    case 'string':
      if (typeof value !== 'string') typeError(value, 'string', path, result);
      return;
    case 'integer':
      if (!Number.isInteger(value)) typeError(value, 'integer', path, result);
      return;
    case 'number':
      if (typeof value !== 'number') typeError(value, 'number', path, result);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') typeError(value, 'boolean', path, result);
      return;
    default:
      return;
  }
}

function walkObject(value: Record<string, unknown>, schema: Schema, path: string, result: SchemaCheck): void {
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of schema.required ?? []) {
    if (value[key] === undefined || value[key] === null) {
      result.errors.push({ type: 'FieldValueRequired', field: join(path, key), message: 'Required value' });
    }
  }
  for (const key of Object.keys(value)) {
    const child = schema.properties?.[key];
    if (child !== undefined) {
      walk(value[key], child, join(path, key), result);
    } else if (isRecord(schema.additionalProperties)) {
      walk(value[key], schema.additionalProperties, join(path, key), result);
    } else if (!preserve && schema.additionalProperties !== true && schema.properties !== undefined) {
      result.unknownFields.push(join(path, key));
      delete value[key];
    }
  }
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function typeError(value: unknown, expected: string, path: string, result: SchemaCheck): void {
  const actual = typeName(value);
  result.errors.push({
    type: 'FieldValueInvalid',
    field: path,
    message: `Invalid value: "${actual}": ${path} in body must be of type ${expected}: "${actual}"`,
  });
}
