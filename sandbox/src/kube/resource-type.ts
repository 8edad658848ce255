/**
 * What the emulator knows about one kind: its REST names, scope, schema and the hooks that give it
 * real-server behaviour (defaulting, validation, printer columns).
 */
import type { StoredObject } from './stored-object.ts';

/** The subset of OpenAPI v3 schema the emulator understands (and serves verbatim). */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [extension: `x-${string}`]: unknown;
}

/** One field-level validation failure, shaped like the real `StatusCause`. */
export interface FieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueForbidden'
    | 'FieldValueDuplicate';
  field: string;
  message: string;
}

/** A printer column for `kubectl get` (server-side Table). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  description: string;
  priority?: number;
  cell(obj: StoredObject): string | number | boolean | null;
}

/** The full description of one served resource. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories?: readonly string[];
  /** Built-in kinds accept strategic merge patch; custom resources refuse it with 415. */
  readonly builtIn: boolean;
  readonly hasStatus: boolean;
  /** Whether metadata.generation is maintained (bumped on changes outside metadata and status). */
  readonly tracksGeneration: boolean;
  /** The Go-ish type name used for OpenAPI component keys (io.k8s.api.core.v1.Secret). */
  readonly schemaName: string;
  readonly schema: Schema;
  readonly columns: readonly PrinterColumn[];
  /** Server-side defaulting, run on every write after merging and pruning. */
  readonly defaults?: (obj: StoredObject) => void;
  /** Kind-specific validation (the real server's ValidateX functions). */
  readonly validate?: (obj: StoredObject, old: StoredObject | undefined) => FieldError[];
  /** How metadata.name is checked: most kinds use DNS-1123 subdomains, RBAC kinds a path segment. */
  readonly nameRule?: 'subdomain' | 'label' | 'dns1035' | 'path-segment';
}

/** The apiVersion string of a resource type. */
export function apiVersionOf(rt: ResourceType): string {
  return rt.group === '' ? rt.version : `${rt.group}/${rt.version}`;
}

/** The qualified resource name used in Status messages ("peeringacceptors.consul.hashicorp.com"). */
export function qualifiedResource(rt: ResourceType): string {
  return rt.group === '' ? rt.plural : `${rt.plural}.${rt.group}`;
}

/** The qualified kind used in Invalid messages ("PeeringAcceptor.consul.hashicorp.com"). */
export function qualifiedKind(rt: ResourceType): string {
  return rt.group === '' ? rt.kind : `${rt.kind}.${rt.group}`;
}
