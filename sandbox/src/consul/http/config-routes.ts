/**
 * Config entry endpoints (`PUT /v1/config`, `GET|DELETE /v1/config/:kind/:name`, `GET
 * /v1/config/:kind`) and `GET /v1/exported-services`, with each kind's ACL checks
 * (config-entry-access.ts): a denied read or write is a 403, a list leaves out what the token may
 * not read and says so in X-Consul-Results-Filtered-By-ACLs (agent/consul/config_endpoint.go).
 * On Enterprise the namespace comes from the body's Namespace or `?ns=`.
 */
import { ANONYMOUS_ACCESSOR_ID } from '../acl/acl-authorizer.ts';
import { CONFIG_KINDS, type ConfigEntry } from '../config-entry-store.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import type { ApiContext } from './api-context.ts';
import { mayRead, requireRead, requireWrite } from './config-entry-access.ts';
import { requestNamespace } from './request-namespace.ts';
import { field, type Route } from './route.ts';

function checkKind(kind: string): void {
  if (!(CONFIG_KINDS as readonly string[]).includes(kind)) {
    throw new ConsulHttpError(400, `invalid config entry kind: ${kind}`);
  }
}

function resolvedExports(api: ApiContext, partition: string): Record<string, unknown>[] {
  const entry = api.config.get(partition, 'exported-services', partition);
  const services = (entry?.Services ?? []) as Array<{
    Name: string;
    Consumers?: Array<Record<string, string>>;
  }>;
  const byName = new Map<string, { peers: Set<string>; partitions: Set<string> }>();
  for (const service of services) {
    const names =
      service.Name === '*'
        ? [...api.catalog.services(partition).keys()].filter((n) => n !== 'consul')
        : [service.Name];
    for (const name of names) {
      const slot = byName.get(name) ?? { peers: new Set(), partitions: new Set() };
      for (const consumer of service.Consumers ?? []) {
        if (consumer.Peer) slot.peers.add(consumer.Peer);
        if (consumer.Partition) slot.partitions.add(consumer.Partition);
      }
      byName.set(name, slot);
    }
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, slot]) => ({
      Service: name,
      ...(api.enterprise && { Partition: partition, Namespace: 'default' }),
      Consumers: {
        ...(slot.peers.size > 0 && { Peers: [...slot.peers].sort() }),
        ...(slot.partitions.size > 0 && { Partitions: [...slot.partitions].sort() }),
      },
    }));
}

/** The body with `?ns=` as its Namespace when it names none (Enterprise only). */
function withNamespace(body: unknown, namespace: string): unknown {
  if (namespace === 'default' || body === null || typeof body !== 'object') return body;
  const own = field(body, 'Namespace');
  return own === undefined || own === '' ? { ...(body as object), Namespace: namespace } : body;
}

/** The config entry endpoints. */
export function configRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'PUT',
      path: /^\/v1\/config\/?$/,
      async handle(req) {
        const raw = await req.body();
        if (raw === undefined) throw new ConsulHttpError(400, 'Request decoding failed: EOF');
        const partition = req.partition(field(raw, 'Partition'));
        const body = withNamespace(raw, requestNamespace(api.enterprise, req));
        const kind = String(field(body, 'Kind') ?? '');
        const name = kind === 'mesh' ? 'mesh' : String(field(body, 'Name') ?? '');
        const namespace = String(field(body, 'Namespace') || 'default');
        requireWrite(req.authz(), { ...(body as object), Kind: kind, Name: name }, partition);
        const cas = req.url.searchParams.get('cas');
        if (cas !== null) {
          const current = api.config.get(partition, kind, name, api.enterprise ? namespace : 'default');
          if ((current?.ModifyIndex ?? 0) !== Number(cas)) return { json: false };
        }
        api.config.put(body, partition);
        return { json: true };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/config\/([^/]+)\/(.+)$/,
      async handle(req) {
        const [kind = '', name = ''] = req.params;
        checkKind(kind);
        const partition = req.partition();
        const namespace = requestNamespace(api.enterprise, req);
        requireRead(req.authz(), kind, name, partition);
        await req.block('config');
        const entry = api.config.get(partition, kind, name, namespace);
        if (entry === undefined)
          throw new ConsulHttpError(404, `Config entry not found for "${kind}" / "${name}"`);
        return { json: entry, index: api.store.tableIndex('config') };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/config\/([^/]+)\/?$/,
      async handle(req) {
        const kind = req.params[0] ?? '';
        checkKind(kind);
        const partition = req.partition();
        const namespace = requestNamespace(api.enterprise, req);
        const authz = req.authz();
        await req.block('config');
        const all: ConfigEntry[] = api.config.list(partition, kind, api.enterprise ? namespace : undefined);
        const json = all.filter((e) => mayRead(authz, kind, e.Name, partition));
        const hidden = json.length !== all.length && authz.accessorID !== ANONYMOUS_ACCESSOR_ID;
        return {
          json,
          index: api.store.tableIndex('config'),
          ...(hidden && { headers: { 'X-Consul-Results-Filtered-By-ACLs': 'true' } }),
        };
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/config\/([^/]+)\/(.+)$/,
      handle(req) {
        const [kind = '', name = ''] = req.params;
        checkKind(kind);
        const partition = req.partition();
        const namespace = requestNamespace(api.enterprise, req);
        const current = api.config.get(partition, kind, name, namespace);
        requireWrite(req.authz(), current ?? { Kind: kind, Name: name }, partition);
        api.config.delete(partition, kind, name, namespace);
        return { json: {} };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/exported-services$/,
      async handle(req) {
        const partition = req.partition();
        req.authz().require('mesh', 'read', partition);
        await req.block('config');
        return { json: resolvedExports(api, partition), index: api.store.tableIndex('config') };
      },
    },
  ];
}
