/**
 * Catalog and health endpoints: local services, and with `?peer=<name>` the instances imported
 * from that peering. Like Consul, instances the token may not read are filtered out and flagged
 * with X-Consul-Results-Filtered-By-ACLs rather than refused; the flag is left off for requests
 * without a token, as agent/consul/rpc.go setQueryMeta (maskResultsFilteredByACLs) does.
 */
import type { CheckServiceNode } from '../../peering/index.ts';
import { ANONYMOUS_ACCESSOR_ID, type Authorizer } from '../acl/acl-authorizer.ts';
import { catalogEntry, healthEntry, isPassing } from '../catalog-json.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import type { ApiContext } from './api-context.ts';
import { requestNamespace } from './request-namespace.ts';
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

/**
 * Whether the token may see one instance, as hashicorp/consul agent/consul/aclfilter
 * filterServiceNodes (catalog) and filterCheckServiceNodes with structs.CheckServiceNode.CanRead
 * (health) decide: `node:read` on its node and `service:read` on its service. An imported instance
 * fills the authorizer context with its peer (ServiceNode/NodeService.FillAuthzContext), so
 * acl/policy_authorizer.go NodeRead and ServiceRead ignore its names and ask for `service:write` on
 * any service or read on every local node (resp. service).
 */
function readable(authz: Authorizer, partition: string, instance: CheckServiceNode): boolean {
  const service = instance.Service;
  if (service === undefined || instance.Node === undefined) return false;
  if (service.PeerName !== '') {
    return authz.allowedImported('node', partition) && authz.allowedImported('service', partition);
  }
  return (
    authz.allowed('node', 'read', partition, instance.Node.Node) &&
    authz.allowed('service', 'read', partition, service.Service)
  );
}

/** Marks a reply filtered by ACLs, unless the request carried no token (Consul masks it then). */
function filtered(reply: Reply, removed: boolean, authz: Authorizer): Reply {
  const flagged = removed && authz.accessorID !== ANONYMOUS_ACCESSOR_ID;
  return flagged ? { ...reply, headers: { 'X-Consul-Results-Filtered-By-ACLs': 'true' } } : reply;
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
    const nodes = instances(api, req, partition, service);
    const visible = nodes.filter((n) => readable(authz, partition, n));
    const removed = visible.length !== nodes.length;
    // The server filters by ACL (and sets the flag); agent/health_endpoint.go drops non-passing after.
    const shown = health && req.url.searchParams.has('passing') ? visible.filter(isPassing) : visible;
    const json = shown.map((n) => render(n, api.enterprise, partition));
    return filtered({ json, index: api.store.tableIndex('catalog') }, removed, authz);
  });
}

/** The catalog and health endpoints. */
export function catalogRoutes(api: ApiContext): Route[] {
  return [
    {
      // agent/catalog_endpoint.go CatalogServices: local services of one partition and namespace,
      // name to tags. It reads no `?peer=` (agent/http.go parsePeerName takes service requests
      // only, and agent/consul/catalog_endpoint.go ListServices refuses to list imported names).
      method: 'GET',
      path: /^\/v1\/catalog\/services$/,
      async handle(req) {
        const partition = req.partition();
        const namespace = requestNamespace(api.enterprise, req);
        const authz = req.authz();
        await req.block('catalog');
        const all = api.catalog.services(partition, namespace);
        const visible = [...all.entries()].filter(([name]) =>
          authz.allowed('service', 'read', partition, name),
        );
        const json = Object.fromEntries(visible);
        return filtered({ json, index: api.store.tableIndex('catalog') }, visible.length !== all.size, authz);
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
