/**
 * The intention read endpoints of hashicorp/consul agent/intentions_endpoint.go over the
 * `service-intentions` config entries, with the ACL checks of agent/consul/intention_endpoint.go:
 *
 * - `GET /v1/connect/intentions/check?source=S&destination=D` → `{"Allowed": bool}`: the decision
 *   for a LOCAL source (a `peer:` source is refused, "cannot specify a peer here"), with Consul's
 *   precedence and default (allow without ACLs, the ACL default policy, deny here, otherwise).
 *   Needs `service:read` on the destination.
 * - `GET /v1/connect/intentions/exact?source=peer:P/S&destination=D` → the one intention with
 *   exactly that source (peers allowed), 404 "Intention not found"; readable with
 *   `intention:read` on its source or destination, else 403 "Permission denied".
 * - `GET /v1/connect/intentions/match?by=destination&name=D` → `{"D": [intentions]}`, every
 *   intention whose destination covers D (wildcards included, peer sources included), highest
 *   precedence first; needs `intention:read` on D. The decision for a peer's source is the first
 *   of these whose SourcePeer is the peer and whose SourceName is the service or `*`, else the
 *   default: what the destination's sidecar enforces (agent/xds/rbac.go).
 *
 * Errors that are plain Go errors in Consul are 500s, as agent/http.go answers them. Simplified:
 * `by=source` matches local sources only; source types other than `consul` are not supported.
 */
import type { ConfigEntry } from '../config-entry-store.ts';
import { ConsulHttpError } from '../consul-http-error.ts';
import { intentionDecision } from '../intention-decision.ts';
import type { ApiContext } from './api-context.ts';
import { type IntentionJson, intentionsForDestination, intentionsOf } from './intention-json.ts';
import type { Route, RouteRequest } from './route.ts';

interface Parsed {
  readonly peer: string;
  readonly partition: string;
  readonly namespace: string;
  readonly name: string;
}

/** parseIntentionStringComponent: `name`, `ns/name`, `ap/ns/name`, `peer:P/name`, `peer:P/ns/name`. */
function parseComponent(input: string, allowPeer: boolean): Parsed {
  if (input.startsWith('peer:') && !allowPeer) throw new Error('cannot specify a peer here');
  const parts = input.split('/');
  const peerOf = (s: string) => s.slice('peer:'.length);
  const [a = '', b = '', c = ''] = parts;
  switch (parts.length) {
    case 1:
      if (a.startsWith('peer:')) throw new Error('need to specify the service name as well');
      return { peer: '', partition: '', namespace: '', name: a };
    case 2:
      if (a.startsWith('peer:')) return { peer: peerOf(a), partition: '', namespace: '', name: b };
      return { peer: '', partition: '', namespace: a, name: b };
    case 3:
      if (a.startsWith('peer:')) return { peer: peerOf(a), partition: '', namespace: b, name: c };
      return { peer: '', partition: a, namespace: b, name: c };
    default:
      throw new Error("input can contain at most two '/'");
  }
}

function param(req: RouteRequest, name: 'source' | 'destination'): string {
  const values = req.url.searchParams.getAll(name);
  const value = values[0];
  if (values.length !== 1 || value === undefined)
    throw new ConsulHttpError(500, `required query parameter '${name}' not set`);
  return value;
}

function parsed(req: RouteRequest, name: 'source' | 'destination', allowPeer: boolean): Parsed {
  const value = param(req, name);
  try {
    return parseComponent(value, allowPeer);
  } catch (error) {
    throw new ConsulHttpError(
      500,
      `${name} ${JSON.stringify(value)} is invalid: ${(error as Error).message}`,
    );
  }
}

function entriesOf(api: ApiContext, partition: string): { intentions: ConfigEntry[]; groups: ConfigEntry[] } {
  return {
    intentions: api.config.list(partition, 'service-intentions'),
    groups: api.config.list(partition, 'sameness-group'),
  };
}

function check(api: ApiContext, req: RouteRequest): { json: unknown; index: number } {
  const source = parsed(req, 'source', false);
  const destination = parsed(req, 'destination', false);
  const partition = req.partition(destination.partition || undefined);
  req.authz().require('service', 'read', partition, destination.name);
  const { intentions, groups } = entriesOf(api, partition);
  const decision = intentionDecision(
    intentions,
    { partition: source.partition || partition, namespace: source.namespace || 'default', name: source.name },
    { partition, namespace: destination.namespace || 'default', name: destination.name },
    api.intentionDefaultAllow,
    groups,
  );
  return { json: { Allowed: decision.allowed }, index: api.store.tableIndex('config') };
}

function exact(api: ApiContext, req: RouteRequest): { json: unknown; index: number } {
  const source = parsed(req, 'source', true);
  const destination = parsed(req, 'destination', false);
  const partition = req.partition(destination.partition || undefined);
  const namespace = destination.namespace || 'default';
  const entry = api.config.get(
    partition,
    'service-intentions',
    destination.name,
    api.enterprise ? namespace : 'default',
  );
  const found = (entry === undefined ? [] : intentionsOf(entry, api.enterprise)).find(
    (ixn: IntentionJson) =>
      (ixn.SourcePeer ?? '') === source.peer &&
      ixn.SourceName === source.name &&
      ixn.SourceNS === (source.namespace || 'default'),
  );
  if (found === undefined) throw new ConsulHttpError(404, 'Intention not found');
  const authz = req.authz();
  const readable =
    authz.allowed('intention', 'read', partition, found.SourceName) ||
    authz.allowed('intention', 'read', partition, found.DestinationName);
  if (!readable) throw new ConsulHttpError(403, 'Permission denied');
  return { json: found, index: api.store.tableIndex('config') };
}

function match(api: ApiContext, req: RouteRequest): { json: unknown; index: number } {
  const by = req.url.searchParams.getAll('by');
  if (by.length !== 1) throw new ConsulHttpError(500, "required query parameter 'by' not set");
  if (by[0] !== 'source' && by[0] !== 'destination')
    throw new ConsulHttpError(500, "'by' parameter must be one of 'source' or 'destination'");
  const names = req.url.searchParams.getAll('name');
  if (names.length === 0) throw new ConsulHttpError(500, "required query parameter 'name' not set");
  const partition = req.partition();
  const { intentions } = entriesOf(api, partition);
  const all = intentions.flatMap((e) => intentionsOf(e, api.enterprise));
  const out: Record<string, IntentionJson[]> = {};
  for (const raw of names) {
    let entry: Parsed;
    try {
      entry = parseComponent(raw, false);
    } catch (error) {
      throw new ConsulHttpError(500, `name ${JSON.stringify(raw)} is invalid: ${(error as Error).message}`);
    }
    req.authz().require('intention', 'read', partition, entry.name);
    const namespace = entry.namespace || 'default';
    out[raw] =
      by[0] === 'destination'
        ? intentionsForDestination(intentions, entry.name, namespace, api.enterprise)
        : all
            .filter(
              (i) => (i.SourcePeer ?? '') === '' && (i.SourceName === '*' || i.SourceName === entry.name),
            )
            .sort((a, b) => b.Precedence - a.Precedence);
  }
  return { json: out, index: api.store.tableIndex('config') };
}

/** The intention endpoints. */
export function intentionRoutes(api: ApiContext): Route[] {
  const get = (path: RegExp, run: typeof check): Route => ({
    method: 'GET',
    path,
    async handle(req) {
      await req.block('config');
      return run(api, req);
    },
  });
  return [
    get(/^\/v1\/connect\/intentions\/check$/, check),
    get(/^\/v1\/connect\/intentions\/exact$/, exact),
    get(/^\/v1\/connect\/intentions\/match$/, match),
  ];
}
