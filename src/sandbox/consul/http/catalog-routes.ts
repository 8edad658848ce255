/**
 * Catalog and health endpoints: local services, and with `?peer=<name>` the instances imported
 * from that peering. Like Consul, results the token may not read (`service:read`) are filtered out
 * and flagged with X-Consul-Results-Filtered-By-ACLs rather than refused.
 */
import type { CheckServiceNode } from '../../../peering/index.ts';
import { catalogEntry, healthEntry, isPassing } from '../catalog-json.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import type { ApiContext } from './api-context.ts';
import { type Reply, type Route, type RouteRequest, stringField } from './route.ts';

function instances(
  api: ApiContext,
  req: RouteRequest,
  partition: string,
  service: string,
): CheckServiceNode[] {
  const peer = req.url.searchParams.get('peer') ?? '';
  if (peer === '') return api.catalog.service(partition, service);
  const record = api.store.peeringByName(partition, peer);
  if (record === undefined) return [];
  return [...(api.store.imports(record.id).snapshot().services.get(service) ?? [])];
}

function importedNames(api: ApiContext, partition: string, peer: string): Map<string, string[]> {
  const record = api.store.peeringByName(partition, peer);
  const out = new Map<string, string[]>();
  if (record === undefined) return out;
  for (const [name, nodes] of api.store.imports(record.id).snapshot().services) {
    out.set(name, [...new Set(nodes.flatMap((n) => n.Service?.Tags ?? []))].sort());
  }
  return out;
}

function filtered(reply: Reply, removed: boolean): Reply {
  return removed ? { ...reply, headers: { 'X-Consul-Results-Filtered-By-ACLs': 'true' } } : reply;
}

function serviceList(
  api: ApiContext,
  req: RouteRequest,
  render: typeof healthEntry,
  health: boolean,
): Promise<Reply> {
  const partition = req.partition();
  const service = req.params[0] ?? '';
  const authz = req.authz();
  return req.block('catalog').then(() => {
    let nodes = instances(api, req, partition, service);
    if (health && req.url.searchParams.has('passing')) nodes = nodes.filter(isPassing);
    const allowed = authz.allowed('service', 'read', partition, service);
    const json = allowed ? nodes.map((n) => render(n, api.enterprise, partition)) : [];
    return filtered({ json, index: api.store.tableIndex('catalog') }, !allowed && nodes.length > 0);
  });
}

/** The catalog and health endpoints. */
export function catalogRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/catalog\/services$/,
      async handle(req) {
        const partition = req.partition();
        const authz = req.authz();
        await req.block('catalog');
        const peer = req.url.searchParams.get('peer') ?? '';
        const all = peer === '' ? api.catalog.services(partition) : importedNames(api, partition, peer);
        const visible = [...all.entries()].filter(([name]) =>
          authz.allowed('service', 'read', partition, name),
        );
        const json = Object.fromEntries(visible);
        return filtered({ json, index: api.store.tableIndex('catalog') }, visible.length !== all.size);
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/catalog\/service\/(.+)$/,
      handle: (req) => serviceList(api, req, catalogEntry, false),
    },
    {
      method: 'GET',
      path: /^\/v1\/health\/service\/(.+)$/,
      handle: (req) => serviceList(api, req, healthEntry, true),
    },
    {
      method: 'PUT',
      path: /^\/v1\/catalog\/register$/,
      async handle(req) {
        const body = (await req.body()) as Record<string, unknown> | undefined;
        if (body === undefined) throw new ConsulHttpError(400, 'Request decode failed: EOF');
        const partition = req.partition(body.Partition);
        const service = body.Service as { Service?: string } | undefined;
        const node = stringField(body, 'Node');
        if (node === '') throw new ConsulHttpError(500, 'Must provide node');
        const authz = req.authz();
        authz.require('node', 'write', partition, node);
        if (service?.Service) authz.require('service', 'write', partition, service.Service);
        api.catalog.register(partition, body as never);
        return { json: true };
      },
    },
    {
      method: 'PUT',
      path: /^\/v1\/catalog\/deregister$/,
      async handle(req) {
        const body = await req.body();
        const partition = req.partition((body as Record<string, unknown> | undefined)?.Partition);
        const serviceID = stringField(body, 'ServiceID');
        req.authz().require('node', 'write', partition, stringField(body, 'Node'));
        api.catalog.deregister(partition, serviceID);
        return { json: true };
      },
    },
  ];
}
