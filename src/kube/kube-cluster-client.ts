/**
 * ClusterClient on @kubernetes/client-node 1.x: one KubeConfig per cluster (never a shared one
 * with switched contexts), server-side apply with meshpeer's field manager, and per-call timeouts.
 */
import { request as httpsRequest } from 'node:https';
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { retryTransient } from '../io/retry-transient.ts';
import type {
  ClusterClient,
  LiveObject,
  ObjectKey,
  ProxyRequestInit,
  ProxyResponse,
} from './cluster-client.ts';
import { KubeError } from './cluster-client.ts';
import { type KubeEndpoint, kubeTimeout, toKubeError } from './kube-error.ts';
import { reuseConnections, withRequestSignal } from './reuse-connections.ts';

/** The field manager of every server-side apply meshpeer makes; load-bearing for ownership. */
export const FIELD_MANAGER = 'meshpeer';

/**
 * Runs one API call under a deadline that aborts its request (closing the socket), so a server
 * that accepts the connection and never answers fails the call instead of holding it for ever.
 * The race also covers what ignores the signal, such as an exec credential plugin.
 */
async function withDeadline<T>(fn: () => Promise<T>, ms: number, timeoutError: () => KubeError): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(timeoutError());
    }, ms);
  });
  const work = withRequestSignal(controller.signal, fn);
  // Once the deadline has won, the aborted request's own rejection is expected.
  work.catch(() => {});
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function header(key: ObjectKey) {
  return {
    apiVersion: key.apiVersion,
    kind: key.kind,
    metadata: { name: key.name, namespace: key.namespace },
  };
}

/** client-node types every object loosely; meshpeer reads them through LiveObject. */
const live = (value: unknown) => value as LiveObject;

/** Reads are idempotent, so transient failures (5xx, 429, conflicts, network) are retried; a timeout is not. */
const retryRead = <T>(read: () => Promise<T>): Promise<T> =>
  retryTransient(read, (err) => err instanceof KubeError && err.transient && err.code !== 'timeout');

/** The API server and context of a one-context KubeConfig, for error messages. */
function endpointOf(kc: KubeConfig): KubeEndpoint {
  const server = kc.getCurrentCluster()?.server;
  const context = kc.getCurrentContext();
  return { ...(server !== undefined && { server }), ...(context !== '' && { context }) };
}

/** Creates the client of one cluster from its own KubeConfig. */
export function createKubeClusterClient(
  cluster: string,
  kc: KubeConfig,
  options: { timeoutMs?: number } = {},
): ClusterClient {
  const api = KubernetesObjectApi.makeApiClient(reuseConnections(kc));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const endpoint = endpointOf(kc);
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await withDeadline(fn, timeoutMs, () => kubeTimeout(cluster, what, timeoutMs, endpoint));
    } catch (err) {
      throw toKubeError(err, cluster, what, endpoint);
    }
  };
  const describe = (key: ObjectKey) => `${key.kind} ${key.namespace}/${key.name}`;
  return {
    cluster,
    async get(key) {
      try {
        return live(await retryRead(() => call(`get ${describe(key)}`, () => api.read(header(key)))));
      } catch (err) {
        if (err instanceof KubeError && err.status === 404) return undefined;
        throw err;
      }
    },
    async list(apiVersion, kind, namespace, labelSelector) {
      const result = await retryRead(() =>
        call(`list ${kind} in ${namespace}`, () =>
          api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector),
        ),
      );
      return result.items.map((item) => ({ ...live(item), apiVersion, kind }));
    },
    async apply(object) {
      const what = `apply ${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
      return live(
        await call(what, () =>
          api.patch(
            object as KubernetesObject,
            undefined,
            undefined,
            FIELD_MANAGER,
            true,
            PatchStrategy.ServerSideApply,
          ),
        ),
      );
    },
    async mergePatch(key, patch) {
      const body = {
        ...patch,
        apiVersion: key.apiVersion,
        kind: key.kind,
        metadata: { ...(patch.metadata as object | undefined), name: key.name, namespace: key.namespace },
      };
      return live(
        await call(`patch ${describe(key)}`, () =>
          api.patch(
            body as KubernetesObject,
            undefined,
            undefined,
            FIELD_MANAGER,
            undefined,
            PatchStrategy.MergePatch,
          ),
        ),
      );
    },
    async create(object) {
      const what = `create ${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
      return live(
        await call(what, () =>
          api.create(object as unknown as KubernetesObject, undefined, undefined, FIELD_MANAGER),
        ),
      );
    },
    async replace(object) {
      const what = `replace ${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
      return live(
        await call(what, () =>
          api.replace(object as unknown as KubernetesObject, undefined, undefined, FIELD_MANAGER),
        ),
      );
    },
    async delete(key) {
      try {
        await call(`delete ${describe(key)}`, () => api.delete(header(key)));
        return true;
      } catch (err) {
        if (err instanceof KubeError && err.status === 404) return false;
        throw err;
      }
    },
    proxyRequest: (namespace, service, path, init) =>
      proxyRequest(kc, { cluster, ...endpoint }, namespace, service, path, init),
  };
}

/** A raw request through `/api/v1/namespaces/NS/services/NAME/proxy/PATH`, authenticated like the client. */
async function proxyRequest(
  kc: KubeConfig,
  where: KubeEndpoint & { readonly cluster: string },
  namespace: string,
  service: string,
  path: string,
  init: ProxyRequestInit,
): Promise<ProxyResponse> {
  const { cluster } = where;
  if (where.server === undefined)
    throw new KubeError('unreachable', `${cluster}: the kube context has no server`);
  const url = new URL(
    `/api/v1/namespaces/${namespace}/services/${service}/proxy${path.startsWith('/') ? path : `/${path}`}`,
    where.server,
  );
  const options: import('node:https').RequestOptions = { method: init.method, headers: { ...init.headers } };
  await kc.applyToHTTPSOptions(options);
  const what = `service proxy ${namespace}/${service}`;
  return await new Promise<ProxyResponse>((resolve, reject) => {
    const req = httpsRequest(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    // A deadline for the whole exchange (a socket timeout would let a trickling answer run on);
    // destroying the request closes its socket.
    const timer = setTimeout(
      () => req.destroy(kubeTimeout(cluster, what, init.timeoutMs, where)),
      init.timeoutMs,
    );
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err) => reject(toKubeError(err, cluster, what, where)));
    if (init.body !== undefined) req.end(init.body);
    else req.end();
  });
}
