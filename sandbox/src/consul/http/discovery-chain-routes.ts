/**
 * `GET /v1/discovery-chain/:service` (hashicorp/consul agent/discovery_chain_endpoint.go): the
 * compiled chain of a service as seen from the request's partition and namespace, `{"Chain": ...}`
 * with X-Consul-Index; needs `service:read` on the service (agent/consul/discovery_chain_endpoint.go).
 * Simplified: the POST form with overrides and `?compile-dc=` are not served.
 */
import { compileDiscoveryChain } from '../discovery-chain.ts';
import type { ApiContext } from './api-context.ts';
import { requestNamespace } from './request-namespace.ts';
import type { Route } from './route.ts';

/** The discovery chain endpoint. */
export function discoveryChainRoutes(api: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/v1\/discovery-chain\/(.+)$/,
      async handle(req) {
        const service = req.params[0] ?? '';
        const partition = req.partition();
        const namespace = requestNamespace(api.enterprise, req);
        req.authz().require('service', 'read', partition, service);
        await req.block('config');
        const proxyDefaults = api.config.get(partition, 'proxy-defaults', 'global');
        const chain = compileDiscoveryChain({
          service,
          namespace,
          partition,
          datacenter: api.datacenter,
          trustDomain: api.trustDomain,
          resolver: api.config.get(partition, 'service-resolver', service, namespace),
          samenessGroups: api.config.list(partition, 'sameness-group'),
          meshGatewayMode: String((proxyDefaults?.MeshGateway as { Mode?: unknown } | undefined)?.Mode ?? ''),
        });
        return { json: { Chain: chain }, index: api.store.tableIndex('config') };
      },
    },
  ];
}
