/**
 * Executors of the token's journey: rotate (raise peering-version, wait for the new token),
 * token-transfer (check the token's addresses and copy the Secret between clusters, in memory
 * only) and dialer (apply, then wait until Consul is past PENDING).
 */

import {
  describeTokenAddresses,
  meshPeersThroughGateways,
  type PeeringAddressFacts,
  readPeeringAddresses,
  tokenAddressProblem,
  tokenServerAddresses,
} from '../consul/token-addresses.ts';
import type { StepOf } from '../plan/index.ts';
import {
  CONSUL_API_VERSION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PEERING_TOKEN_LABEL,
  PEERING_VERSION_ANNOTATION,
} from '../resources/consul-resources.ts';
import { registerSecret, safeErrorMessage } from '../secrets/redact.ts';
import { ensureObject, syncedCondition } from './ensure-object.ts';
import { patchResyncRequest } from './resync-request.ts';
import type { StepContext } from './step-context.ts';
import { done, type StepOutcome, terminal, unchanged, waiting } from './step-outcome.ts';

/**
 * Deletes the acceptor's peering when it is TERMINATED (its dialer deleted its side): Consul keeps
 * that state across a new token and refuses every stream, so rotating alone never re-establishes.
 * Returns a waiting outcome until the peering is gone, undefined when there is nothing to clear.
 */
async function clearTerminated(step: StepOf<'rotate'>, ctx: StepContext): Promise<StepOutcome | undefined> {
  const consul = await ctx.consul(step.lane);
  const peering = await consul.readPeering(step.params.name);
  if (peering?.State === 'TERMINATED') {
    await consul.deletePeering(step.params.name);
    return waiting(
      `deleting the TERMINATED peering ${step.params.name} before issuing a new token`,
      500,
      true,
    );
  }
  if (peering?.State === 'DELETING')
    return waiting(`waiting for Consul to finish deleting peering ${step.params.name}`, 500);
  return undefined;
}

/**
 * Waits while an acceptor that peers through mesh gateways has the Mesh setting not yet in effect
 * in Consul: a token issued now would list the servers' addresses (consul-k8s issue 1683). A
 * partition install's Mesh lives with its cluster's servers, in another lane, hence the check.
 * Consul unreadable (or the token lacking mesh:read) proves nothing, so the rotation goes on.
 */
async function meshNotInEffect(step: StepOf<'rotate'>, ctx: StepContext): Promise<StepOutcome | undefined> {
  if (!ctx.spec(step.lane).peerThroughMeshGateways) return undefined;
  const through = await meshPeersThroughGateways(await ctx.consul(step.lane)).catch(() => undefined);
  if (through !== false) return undefined;
  const asked = await promptSyncedMesh(ctx, ctx.spec(step.lane).server ?? step.lane);
  return waiting(
    `waiting for the Mesh entry's peerThroughMeshGateways to be in effect in Consul before issuing a new token (a token issued now would list the servers' addresses)${asked ? '; asked consul-k8s to sync Mesh mesh again' : ''}`,
    500,
    asked,
  );
}

/**
 * A Mesh that already asks for peering through mesh gateways and says Synced while Consul lacks
 * the setting was changed in Consul behind consul-k8s, which re-syncs it only when it changes: one
 * prompt, else the rotation would wait out its deadline. A Mesh still syncing needs none.
 */
async function promptSyncedMesh(ctx: StepContext, lane: string): Promise<boolean> {
  const client = ctx.cluster(lane);
  const mesh = (await client.list(CONSUL_API_VERSION, 'Mesh', '')).find((m) => m.metadata.name === 'mesh');
  const wants = (mesh?.spec?.peering as { peerThroughMeshGateways?: unknown } | undefined)
    ?.peerThroughMeshGateways;
  if (mesh === undefined || wants !== true || syncedCondition(mesh).status !== 'True') return false;
  return patchResyncRequest(client, mesh, ctx.now());
}

/** Raises `consul.hashicorp.com/peering-version` and waits until the acceptor issued a new token. */
export async function runRotate(step: StepOf<'rotate'>, ctx: StepContext): Promise<StepOutcome> {
  const client = ctx.cluster(step.lane);
  const key = {
    apiVersion: CONSUL_API_VERSION,
    kind: 'PeeringAcceptor',
    namespace: step.params.namespace,
    name: step.params.name,
  };
  const live = await client.get(key);
  if (live === undefined)
    return terminal(`PeeringAcceptor ${step.params.name} disappeared before it could be rotated`);
  const current = Number.parseInt(live.metadata.annotations?.[PEERING_VERSION_ANNOTATION] ?? '0', 10) || 0;
  let wrote = false;
  if (current < step.params.version) {
    const mesh = await meshNotInEffect(step, ctx);
    if (mesh !== undefined) return mesh;
    const clearing = await clearTerminated(step, ctx);
    if (clearing !== undefined) return clearing;
    await client.mergePatch(key, {
      metadata: { annotations: { [PEERING_VERSION_ANNOTATION]: String(step.params.version) } },
    });
    wrote = true;
  }
  const processed = Number(live.status?.latestPeeringVersion ?? 0);
  if (wrote || processed < step.params.version)
    return waiting(`waiting for the acceptor to issue token version ${step.params.version}`, 500, wrote);
  return unchanged(`acceptor issued token version ${step.params.version}`);
}

/** The fix of a refused token: a new one, and what has to hold before it can be issued. */
function refusalFix(kind: 'servers' | 'other', found: PeeringAddressFacts, acceptor: string): string {
  if (found.gateways.length === 0)
    return `no mesh gateway is registered in Consul on ${acceptor}, so no token can list one: check the mesh gateway pods, then run apply again`;
  if (kind === 'other')
    return "the gateways' addresses changed since the token was generated: meshpeer rotates the token (raises peering-version): run apply again";
  return `the Mesh setting peerThroughMeshGateways was not in effect when the token was generated: meshpeer rotates the token (raises peering-version) once the Mesh entry is Synced${found.throughGateways ? '' : ' (it is not in effect in Consul yet)'}: run apply again`;
}

/**
 * Decodes the token in memory and refuses it when the acceptor peers through mesh gateways and
 * the token lists other addresses (its servers'), which a dialer in another cluster cannot reach
 * and which copying again never fixes. Addresses are named; the token never is. When Consul cannot
 * be read, the copy goes on and the detail says the addresses were not checked.
 */
async function checkTokenAddresses(
  step: StepOf<'token-transfer'>,
  value: string,
  ctx: StepContext,
): Promise<{ refused: StepOutcome } | { note: string }> {
  const { from } = step.params;
  if (!ctx.spec(from.cluster).peerThroughMeshGateways) return { note: '' };
  const listed = tokenServerAddresses(value);
  if (listed === undefined) return { note: '' };
  let found: PeeringAddressFacts;
  try {
    found = await readPeeringAddresses(await ctx.consul(from.cluster));
  } catch (err) {
    return { note: ` (its addresses were not checked: ${safeErrorMessage(err)})` };
  }
  const problem = tokenAddressProblem(listed, found);
  if (problem === undefined) return { note: '' };
  const what = describeTokenAddresses(problem, { name: from.name, install: from.cluster });
  return {
    refused: terminal(`${what}; not copied: ${refusalFix(problem.kind, found, from.cluster)}`, {
      listed: problem.listed,
      gateways: problem.gateways,
      servers: found.servers,
      throughGateways: found.throughGateways,
    }),
  };
}

/**
 * Copies the token Secret to the dialer cluster, keeping the label the dialer controller watches.
 * It writes only when the token data differs (or the label is missing): any write makes the dialer
 * establish again, and a used token is refused.
 */
export async function runTokenTransfer(
  step: StepOf<'token-transfer'>,
  ctx: StepContext,
): Promise<StepOutcome> {
  const { from, to } = step.params;
  const source = await ctx
    .cluster(from.cluster)
    .get({ apiVersion: 'v1', kind: 'Secret', namespace: from.namespace, name: from.name });
  const value = source?.data?.[from.key];
  if (source === undefined || value === undefined)
    return waiting(`waiting for Secret ${from.name} in ${from.cluster}`);
  registerSecret(Buffer.from(value, 'base64').toString('utf8'));
  const target = ctx.cluster(to.cluster);
  const current = await target.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: to.namespace,
    name: from.name,
  });
  const fresh =
    current?.data?.[from.key] === value && current.metadata.labels?.[PEERING_TOKEN_LABEL] === 'true';
  if (fresh) return unchanged(`Secret ${from.name} in ${to.cluster} already holds the current token`);
  const checked = await checkTokenAddresses(step, value, ctx);
  if ('refused' in checked) return checked.refused;
  await target.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: from.name,
      namespace: to.namespace,
      labels: { [PEERING_TOKEN_LABEL]: 'true', [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    },
    type: 'Opaque',
    data: { [from.key]: value },
  } as Parameters<typeof target.apply>[0]);
  return done(`copied Secret ${from.name} from ${from.cluster} to ${to.cluster}${checked.note}`);
}

/** Applies the PeeringDialer and waits until it established with the current Secret. */
export async function runDialer(step: StepOf<'dialer'>, ctx: StepContext): Promise<StepOutcome> {
  const client = ctx.cluster(step.lane);
  const { live, wrote } = await ensureObject(client, step.params.object);
  const secretName = (step.params.object.spec.peer as { secret: { name: string } }).secret.name;
  const secret = await client.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: live.metadata.namespace ?? '',
    name: secretName,
  });
  const c = syncedCondition(live);
  if (c.status === 'False' && c.message?.includes('a new peering token must be generated')) {
    return terminal(
      `PeeringDialer ${live.metadata.name}: the token was already used (${c.message}); run apply again: the next plan raises peering-version for a new token`,
    );
  }
  const statusVersion = (live.status?.secret as { resourceVersion?: string } | undefined)?.resourceVersion;
  if (secret === undefined || statusVersion !== secret.metadata.resourceVersion || c.status !== 'True') {
    return waiting(
      `waiting for PeeringDialer ${live.metadata.name} to establish${c.status === 'False' ? ` (${c.reason}: ${c.message})` : ''}`,
      500,
      wrote,
    );
  }
  const consul = await ctx.consul(step.lane);
  const peering = await consul.readPeering(live.metadata.name);
  if (peering === undefined || peering.State === 'PENDING')
    return waiting(`waiting for Consul to establish peering ${live.metadata.name}`, 500, wrote);
  return wrote
    ? done(`applied PeeringDialer ${live.metadata.name}; Consul reports ${peering.State}`)
    : unchanged(`PeeringDialer ${live.metadata.name} established (${peering.State})`);
}
