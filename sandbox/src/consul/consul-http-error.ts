/**
 * The one error type route handlers throw: an HTTP status and Consul's plain-text body. Errors of
 * the stores and the ACL layer are mapped here, as agent/http.go maps RPC errors (spec 2.6).
 */
import { TokenError } from '../peering/index.ts';
import { AclDenied } from './acl/acl-authorizer.ts';
import { AclWriteError } from './acl/acl-store.ts';
import { ConfigEntryError } from './config-entry-store.ts';
import { StoreError } from './consul-store.ts';

/** A failed request: status code and plain-text body. */
export class ConsulHttpError extends Error {
  override readonly name = 'ConsulHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Maps anything thrown while serving a request to a status and body; unknown errors become 500. */
export function toHttpError(error: unknown): ConsulHttpError {
  if (error instanceof ConsulHttpError) return error;
  if (error instanceof AclDenied) return new ConsulHttpError(403, error.message);
  if (error instanceof AclWriteError || error instanceof ConfigEntryError) {
    return new ConsulHttpError(error.status, error.message);
  }
  if (error instanceof StoreError || error instanceof TokenError)
    return new ConsulHttpError(500, error.message);
  return new ConsulHttpError(500, 'Internal error: the simulated Consul server failed to handle the request');
}
