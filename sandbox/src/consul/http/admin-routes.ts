/**
 * The sandbox's fault surface on the Consul HTTP port, under `/_sandbox/consul/` (POST JSON):
 * drop streams, delete a peering behind the reconciler's back, restart the servers, add latency,
 * move Raft leadership, set the mesh gateway address, mark a service's instances passing, warning
 * or critical. With ACLs on it needs an `operator:write` token (the bootstrap one).
 */
import { ConsulHttpError } from '../consul-http-error.ts';
import type { ApiContext } from './api-context.ts';
import { field, type Route, type RouteRequest } from './route.ts';

async function adminBody(req: RouteRequest): Promise<unknown> {
  req.authz().require('operator', 'write', 'default');
  return (await req.body()) ?? {};
}

function optionalString(body: unknown, name: string): string | undefined {
  const value = field(body, name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConsulHttpError(400, `${name} must be a string`);
  return value;
}

function number(body: unknown, name: string, fallback: number): number {
  const value = field(body, name) ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConsulHttpError(400, `${name} must be a non-negative number`);
  }
  return value;
}

/** The admin endpoints. */
export function adminRoutes(api: ApiContext): Route[] {
  const post = (name: string, run: (body: unknown) => Promise<void> | void): Route => ({
    method: 'POST',
    path: new RegExp(`^/_sandbox/consul/${name}$`),
    async handle(req) {
      await run(await adminBody(req));
      return { json: api.admin.status() };
    },
  });
  return [
    {
      method: 'GET',
      path: /^\/_sandbox\/consul\/status$/,
      handle(req) {
        req.authz().require('operator', 'read', 'default');
        return { json: api.admin.status() };
      },
    },
    post('drop-streams', (body) => api.admin.dropStreams(optionalString(body, 'peer'))),
    post('delete-peering', async (body) => {
      const name = optionalString(body, 'name');
      if (name === undefined) throw new ConsulHttpError(400, 'name is required');
      await api.admin.deletePeering(name, optionalString(body, 'partition'));
    }),
    post('restart', (body) => api.admin.restart(number(body, 'downMs', 1_000))),
    post('latency', (body) => api.admin.setLatency(number(body, 'ms', 0))),
    post('transfer-leadership', async (body) => {
      const index = field(body, 'index');
      if (index !== undefined && index !== null && typeof index !== 'number') {
        throw new ConsulHttpError(400, 'index must be a number');
      }
      await api.admin.transferLeadership(typeof index === 'number' ? index : undefined).catch((error) => {
        throw new ConsulHttpError(400, (error as Error).message);
      });
    }),
    post('gateway', (body) => api.admin.setGatewayAddress(optionalString(body, 'address'))),
    post('service-health', (body) => {
      const service = optionalString(body, 'service');
      if (service === undefined) throw new ConsulHttpError(400, 'service is required');
      const status = optionalString(body, 'status');
      if (status !== 'passing' && status !== 'warning' && status !== 'critical')
        throw new ConsulHttpError(400, 'status must be one of passing, warning, critical');
      try {
        api.admin.setServiceHealth(service, status, {
          partition: optionalString(body, 'partition'),
          instance: optionalString(body, 'instance'),
        });
      } catch (error) {
        throw new ConsulHttpError(404, (error as Error).message);
      }
    }),
  ];
}
