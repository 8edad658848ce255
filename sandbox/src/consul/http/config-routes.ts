/**
 * Config entry endpoints (`PUT /v1/config`, `GET|DELETE /v1/config/:kind/:name`, `GET
 * /v1/config/:kind`) and `GET /v1/exported-services`; writes need `mesh:write` (falling back to
 * `operator:write`), reading exports needs `mesh:read`.
 */
import { CONFIG_KINDS } from '../config-entry-store.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import type { ApiContext } from './api-context.ts';
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

/** The config entry endpoints. */
export function configRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'PUT',
      path: /^\/v1\/config\/?$/,
      async handle(req) {
        const body = await req.body();
        if (body === undefined) throw new ConsulHttpError(400, 'Request decoding failed: EOF');
        const partition = req.partition(field(body, 'Partition'));
        req.authz().require('mesh', 'write', partition);
        const cas = req.url.searchParams.get('cas');
        if (cas !== null) {
          const kind = String(field(body, 'Kind') ?? '');
          const name = kind === 'mesh' ? 'mesh' : String(field(body, 'Name') ?? '');
          const current = api.config.get(partition, kind, name);
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
        if (kind === 'exported-services') req.authz().require('mesh', 'read', partition);
        await req.block('config');
        const entry = api.config.get(partition, kind, name);
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
        if (kind === 'exported-services') req.authz().require('mesh', 'read', partition);
        await req.block('config');
        return { json: api.config.list(partition, kind), index: api.store.tableIndex('config') };
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/config\/([^/]+)\/(.+)$/,
      handle(req) {
        const [kind = '', name = ''] = req.params;
        checkKind(kind);
        const partition = req.partition();
        req.authz().require('mesh', 'write', partition);
        api.config.delete(partition, kind, name);
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
