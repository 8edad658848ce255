/**
 * An in-memory ClusterClient for executor unit tests: resourceVersions with conflicts on a stale
 * replace, create refused for an existing object, server-side apply merging the fields it sends
 * (lists replaced whole, as for CRD lists without a list-type marker), labels kept, and a stand-in
 * config-entry controller that marks written objects Synced. It counts writes, so a test can prove
 * that a second run writes nothing.
 */
import {
  type ClusterClient,
  KubeError,
  type LiveObject,
  type ObjectKey,
} from '../../src/kube/cluster-client.ts';

type Body = Record<string, unknown>;

const isRecord = (v: unknown): v is Body => v !== null && typeof v === 'object' && !Array.isArray(v);

function merge(live: unknown, sent: unknown): unknown {
  if (!isRecord(live) || !isRecord(sent)) return structuredClone(sent);
  const out: Body = { ...live };
  for (const [k, v] of Object.entries(sent)) out[k] = merge(live[k], v);
  return out;
}

/** A memory cluster; `synced` decides the Synced condition the stand-in controller writes. */
export function memoryCluster(
  cluster = 'cluster-01',
  synced: (o: LiveObject) => { status: string; reason?: string; message?: string } = () => ({
    status: 'True',
  }),
) {
  const objects = new Map<string, LiveObject>();
  const id = (k: { kind: string; namespace?: string | undefined; name: string }) =>
    `${k.kind}/${k.namespace ?? ''}/${k.name}`;
  let rv = 100;
  let writes = 0;
  const store = (o: LiveObject): LiveObject => {
    const bumped = { ...o, metadata: { ...o.metadata, resourceVersion: String(++rv) } };
    const stored = { ...bumped, status: { conditions: [{ type: 'Synced', ...synced(bumped) }] } };
    objects.set(
      id({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }),
      structuredClone(stored),
    );
    writes++;
    return structuredClone(stored);
  };
  const key = (o: { kind: string; metadata: { namespace: string; name: string } }) =>
    id({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
  const client: ClusterClient = {
    cluster,
    get: async (k: ObjectKey) => structuredClone(objects.get(id(k))),
    list: async (_apiVersion, kind, namespace) =>
      [...objects.values()]
        .filter((o) => o.kind === kind && (namespace === '' || o.metadata.namespace === namespace))
        .map((o) => structuredClone(o)),
    proxyRequest: async () => {
      throw new Error('not used');
    },
    async apply(object) {
      const live = objects.get(key(object));
      return store(merge(live ?? {}, object) as LiveObject);
    },
    async mergePatch() {
      throw new Error('not used');
    },
    async create(object) {
      if (objects.has(key(object)))
        throw new KubeError('conflict', `${object.metadata.name} already exists`, 409);
      return store(object as unknown as LiveObject);
    },
    async replace(object) {
      const live = objects.get(key(object));
      if (live === undefined) throw new KubeError('not_found', `${object.metadata.name} not found`, 404);
      if (live.metadata.resourceVersion !== object.metadata.resourceVersion)
        throw new KubeError('conflict', `${object.metadata.name} was modified`, 409);
      return store(object as unknown as LiveObject);
    },
    async delete(k) {
      writes++;
      return objects.delete(id(k));
    },
  };
  /** Puts an object in place as someone else would, without counting a write. */
  const seed = (
    o: Body & {
      kind: string;
      metadata: { name: string; namespace: string; labels?: Body; annotations?: Body };
    },
  ) => {
    const live = {
      apiVersion: 'consul.hashicorp.com/v1alpha1',
      ...o,
      metadata: { ...o.metadata, resourceVersion: String(++rv) },
    };
    objects.set(key(o), structuredClone(live) as unknown as LiveObject);
  };
  const find = (kind: string, namespace: string, name: string) => objects.get(id({ kind, namespace, name }));
  return { client, seed, find, writes: () => writes, objects };
}
