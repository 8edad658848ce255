/**
 * The port through which meshpeer reads and writes one Kubernetes cluster. The core depends on
 * this interface only; kube-cluster-client.ts implements it with @kubernetes/client-node.
 */

/** A Kubernetes object as the API returns it (the fields meshpeer reads). */
export interface LiveObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
    readonly finalizers?: readonly string[];
  };
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly status?: Readonly<Record<string, unknown>>;
  readonly data?: Readonly<Record<string, string>>;
  readonly type?: string;
}

/** Names one object of a kind. */
export interface ObjectKey {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** Why a cluster call failed; a closed set so callers can decide to retry. */
export type KubeErrorCode =
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'throttled'
  | 'server'
  | 'timeout';

/** A failed cluster call, with a sanitized message (never a response body). */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  constructor(
    readonly code: KubeErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** Whether retrying later may succeed. */
  get transient(): boolean {
    return (
      this.code === 'unreachable' ||
      this.code === 'throttled' ||
      this.code === 'server' ||
      this.code === 'timeout' ||
      this.code === 'conflict'
    );
  }
}

/** Read access to one cluster. */
export interface ClusterReader {
  /** The object, or undefined when it does not exist. */
  get(key: ObjectKey): Promise<LiveObject | undefined>;
  /** Objects of a kind in a namespace; namespace `''` lists every namespace. */
  list(apiVersion: string, kind: string, namespace: string, labelSelector?: string): Promise<LiveObject[]>;
  /** A GET through the API server's service proxy, for Consul behind a ClusterIP Service. */
  proxyRequest(
    namespace: string,
    service: string,
    path: string,
    init: ProxyRequestInit,
  ): Promise<ProxyResponse>;
}

/** An object to write: its identity plus whatever body the kind has. */
export interface WritableObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** Write access to one cluster: server-side apply with meshpeer's field manager, merge patches, deletes. */
export interface ClusterWriter {
  apply(object: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string };
  }): Promise<LiveObject>;
  mergePatch(key: ObjectKey, patch: Readonly<Record<string, unknown>>): Promise<LiveObject>;
  /** Creates the object (POST); an existing one fails with a `conflict` KubeError. */
  create(object: WritableObject): Promise<LiveObject>;
  /**
   * Replaces the object (PUT) with the resourceVersion it carries, so a concurrent change fails
   * with a `conflict` KubeError instead of being overwritten (read-modify-write).
   */
  replace(object: WritableObject & { metadata: { resourceVersion: string } }): Promise<LiveObject>;
  /** Deletes the object; NotFound counts as success. Returns whether it existed. */
  delete(key: ObjectKey): Promise<boolean>;
}

/** Both halves, for executors. */
export type ClusterClient = ClusterReader & ClusterWriter & { readonly cluster: string };

/** A raw request through the service proxy. */
export interface ProxyRequestInit {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/** A raw response through the service proxy. */
export interface ProxyResponse {
  readonly status: number;
  readonly body: string;
}
