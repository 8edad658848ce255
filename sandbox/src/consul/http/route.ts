/**
 * The route model of the simulated HTTP API: a method and path pattern per handler, and the request
 * helpers every handler shares (JSON body, ACL token, partition resolution, blocking queries).
 */
import type { IncomingMessage } from 'node:http';
import type { Authorizer } from '../acl/acl-authorizer.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import type { Table } from '../consul-store.ts';

/** A handler's answer: JSON, plain text or an empty body, with the index of the data it read. */
export interface Reply {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly index?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a handler gets. */
export interface RouteRequest {
  readonly method: string;
  readonly url: URL;
  /** The pattern's capture groups, URL-decoded. */
  readonly params: readonly string[];
  readonly raw: IncomingMessage;
  /** The parsed JSON body (undefined when empty); bad JSON is a 400 like Consul's decoder. */
  body(): Promise<unknown>;
  /** The partition from the query, header or `bodyPartition`, checked against the server's edition. */
  partition(bodyPartition?: unknown): string;
  /** The caller's authorizer (everything allowed when ACLs are off); an unknown token is a 403. */
  authz(): Authorizer;
  /** Waits as a blocking query does when `?index=` is at or past the table's index. */
  block(table: Table): Promise<void>;
}

/** One endpoint. */
export interface Route {
  readonly method: string;
  readonly path: RegExp;
  handle(request: RouteRequest): Promise<Reply> | Reply;
}

/** Reads a string field of a decoded body (Go's decoder matches field names case-insensitively). */
export function field(body: unknown, name: string): unknown {
  if (body === null || typeof body !== 'object') return undefined;
  const entry = Object.entries(body as Record<string, unknown>).find(
    ([key]) => key.replace(/_/g, '').toLowerCase() === name.toLowerCase(),
  );
  return entry?.[1];
}

/** A string field, or '' when absent; a wrong type is a 400 like Go's json decoder. */
export function stringField(body: unknown, name: string): string {
  const value = field(body, name);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw new ConsulHttpError(
      400,
      `Body decoding failed: json: cannot unmarshal ${typeof value} into field ${name} of type string`,
    );
  }
  return value;
}

/** A string map field such as Meta. */
export function stringMap(body: unknown, name: string): Record<string, string> | undefined {
  const value = field(body, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConsulHttpError(
      400,
      `Body decoding failed: json: cannot unmarshal into field ${name} of type map[string]string`,
    );
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** A string list field such as ServerExternalAddresses. */
export function stringList(body: unknown, name: string): string[] | undefined {
  const value = field(body, name);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    throw new ConsulHttpError(
      400,
      `Body decoding failed: json: cannot unmarshal into field ${name} of type []string`,
    );
  }
  return value.map(String);
}
