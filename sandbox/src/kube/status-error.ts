/**
 * Kubernetes `Status` errors: every failure the emulator returns is one of these, with the reason,
 * code and details a real API server would send, so clients branch on them exactly as in production.
 */
import type { FieldError, ResourceType } from './resource-type.ts';
import { qualifiedKind, qualifiedResource } from './resource-type.ts';

/** The `details` block of a Status. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Array<{ reason?: string; message: string; field?: string }>;
  retryAfterSeconds?: number;
}

/** A Status object as sent on the wire. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** An API failure carrying its HTTP code and Status body. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  /** The wire form of this error. */
  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      ...(this.reason !== '' && { reason: this.reason }),
      ...(this.details !== undefined && { details: this.details }),
      code: this.code,
    };
    return body;
  }
}

function ref(rt: ResourceType, name: string): StatusDetails {
  return { name, group: rt.group, kind: rt.plural };
}

/** 404 NotFound for an object. */
export function notFound(rt: ResourceType, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${qualifiedResource(rt)} "${name}" not found`, ref(rt, name));
}

/** 409 AlreadyExists on create. */
export function alreadyExists(rt: ResourceType, name: string): KubeApiError {
  return new KubeApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(rt)} "${name}" already exists`,
    ref(rt, name),
  );
}

/** 409 Conflict on a stale resourceVersion. */
export function conflict(rt: ResourceType, name: string, why?: string): KubeApiError {
  const reason =
    why ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": ${reason}`,
    ref(rt, name),
  );
}

/** 422 Invalid with one cause per field error. */
export function invalid(rt: ResourceType, name: string, errors: readonly FieldError[]): KubeApiError {
  const text = errors.map((e) => `${e.field}: ${e.message}`);
  const joined = text.length === 1 ? text[0] : `[${text.join(', ')}]`;
  return new KubeApiError(422, 'Invalid', `${qualifiedKind(rt)} "${name}" is invalid: ${joined}`, {
    name,
    group: rt.group,
    kind: rt.kind,
    causes: errors.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

/** 403 Forbidden, as returned for writes into a terminating namespace. */
export function forbidden(rt: ResourceType, name: string, why: string): KubeApiError {
  return new KubeApiError(
    403,
    'Forbidden',
    `${qualifiedResource(rt)} "${name}" is forbidden: ${why}`,
    ref(rt, name),
  );
}

/**
 * 415 UnsupportedMediaType for a body type the resource does not take (apiserver
 * pkg/endpoints/handlers/negotiation/errors.go: no details).
 */
export function unsupportedMediaType(accepted: readonly string[]): KubeApiError {
  return new KubeApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 405 MethodNotAllowed for a verb the resource does not support. */
export function methodNotAllowed(): KubeApiError {
  return new KubeApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** 410 Expired for a resourceVersion older than the retained history. */
export function expired(requested: string, oldest: string): KubeApiError {
  return new KubeApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

/** 401 Unauthorized for a missing or wrong bearer token. */
export function unauthorized(): KubeApiError {
  return new KubeApiError(401, 'Unauthorized', 'Unauthorized');
}

/**
 * A denial from a (simulated) admission webhook that answered `admission.Errored(400, err)`: the
 * API server keeps the webhook's code and message and adds no reason (apiserver
 * pkg/admission/plugin/webhook/errors ToStatusErr).
 */
export function webhookDenied(webhook: string, message: string): KubeApiError {
  return new KubeApiError(400, '', `admission webhook "${webhook}" denied the request: ${message}`);
}
