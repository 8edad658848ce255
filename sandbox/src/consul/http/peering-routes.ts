/** `/v1/peering/token`, `/v1/peering/establish`, `/v1/peering/:name` and `/v1/peerings` (spec 2). */
import { ConsulHttpError } from '../consul-http-error.ts';
import type { ApiContext } from './api-context.ts';
import { field, type Route, stringField, stringList, stringMap } from './route.ts';

async function requiredBody(body: Promise<unknown>): Promise<unknown> {
  const value = await body;
  // Go's decoder reports an empty body as EOF.
  if (value === undefined) throw new ConsulHttpError(400, 'Body decoding failed: EOF');
  return value;
}

/** `POST /v1/peering/token`. */
function generateTokenRoute(api: ApiContext): Route {
  return {
    method: 'POST',
    path: /^\/v1\/peering\/token$/,
    async handle(req) {
      const body = await requiredBody(req.body());
      const peerName = stringField(body, 'PeerName');
      if (peerName === '') {
        throw new ConsulHttpError(
          400,
          'PeerName is required in the payload when generating a new peering token.',
        );
      }
      const partition = req.partition(field(body, 'Partition'));
      const meta = stringMap(body, 'Meta');
      const external = stringList(body, 'ServerExternalAddresses');
      const token = api.peerings.generateToken(
        req.authz(),
        {
          PeerName: peerName,
          ...(meta && { Meta: meta }),
          ...(external && { ServerExternalAddresses: external }),
        },
        partition,
      );
      return { json: { PeeringToken: token } };
    },
  };
}

/** `POST /v1/peering/establish`: returns once the secret exchange succeeded or failed. */
function establishRoute(api: ApiContext): Route {
  return {
    method: 'POST',
    path: /^\/v1\/peering\/establish$/,
    async handle(req) {
      const body = await requiredBody(req.body());
      const peerName = stringField(body, 'PeerName');
      if (peerName === '') {
        throw new ConsulHttpError(400, 'PeerName is required in the payload when establishing a peering.');
      }
      const peeringToken = stringField(body, 'PeeringToken');
      if (peeringToken === '') {
        throw new ConsulHttpError(
          400,
          'PeeringToken is required in the payload when establishing a peering.',
        );
      }
      const partition = req.partition(field(body, 'Partition'));
      const meta = stringMap(body, 'Meta');
      await api.peerings.establish(
        req.authz(),
        { PeerName: peerName, PeeringToken: peeringToken, ...(meta && { Meta: meta }) },
        partition,
      );
      return { json: {} };
    },
  };
}

/** The peering endpoints. */
export function peeringRoutes(api: ApiContext): Route[] {
  return [
    generateTokenRoute(api),
    establishRoute(api),
    {
      method: 'GET',
      path: /^\/v1\/peering\/(.*)$/,
      async handle(req) {
        const name = req.params[0] ?? '';
        if (name === '') throw new ConsulHttpError(400, 'Must specify a name to fetch.');
        const partition = req.partition();
        const authz = req.authz();
        await req.block('peerings');
        const peering = api.peerings.read(authz, name, partition);
        if (peering === undefined) throw new ConsulHttpError(404, `Peering not found for "${name}"`);
        return { json: peering, index: api.store.tableIndex('peerings') };
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/peering\/(.*)$/,
      async handle(req) {
        const name = req.params[0] ?? '';
        if (name === '') throw new ConsulHttpError(400, 'Must specify a name to fetch.');
        await api.peerings.delete(req.authz(), name, req.partition());
        return {};
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/peerings$/,
      async handle(req) {
        const partition = req.partition();
        const authz = req.authz();
        await req.block('peerings');
        return { json: api.peerings.list(authz, partition), index: api.store.tableIndex('peerings') };
      },
    },
  ];
}
