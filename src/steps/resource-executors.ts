/**
 * Executors that apply one consul-k8s resource and then wait for its controller: mesh-gateway
 * (Mesh and ProxyDefaults), acceptor (until its token Secret exists), export (until synced and in
 * Consul).
 */
import { meshPeersThroughGateways } from '../consul/token-addresses.ts';
import type { LiveObject } from '../kube/cluster-client.ts';
import type { StepOf } from '../plan/index.ts';
import {
  CONSUL_API_VERSION,
  type KubeObject,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '../resources/consul-resources.ts';
import {
  consulEntryExportKeys,
  exportsMissingInConsul,
  ownedExports,
} from '../resources/exported-services-merge.ts';
import { ensureExports, requestExportsResync } from './ensure-exports.ts';
import { ensureObject, ensureSingleton, syncedCondition } from './ensure-object.ts';
import { patchResyncRequest } from './resync-request.ts';
import type { StepContext } from './step-context.ts';
import { done, type StepOutcome, terminal, unchanged, waiting } from './step-outcome.ts';

/**
 * Waits for Synced=True. consul-k8s's config-entry controller reports a failed create as False and a
 * failed update or migration as Unknown (configentry_controller.go syncUnknownWithError), both with
 * a reason, which is shown either way; the two refusals only a person can settle end the step.
 */
export function syncState(live: LiveObject, wrote: boolean): StepOutcome | undefined {
  const c = syncedCondition(live);
  if (c.status === 'True') return undefined;
  const what = `${live.kind} ${live.metadata.name}`;
  if (c.reason === 'ExternallyManagedConfigError') {
    return terminal(
      `${what}: ${c.message ?? c.reason} (annotate it with consul.hashicorp.com/migrate-entry: "true" to let consul-k8s take it over)`,
    );
  }
  if (c.reason === 'MigrationFailedError') {
    // The message carries both entries as JSON (consul=..., kube=...), and a ProxyDefaults' Config
    // or extension arguments may hold credentials meshpeer cannot know to redact: never repeat it.
    return terminal(
      `${what}: migration failed: Kubernetes resource does not match existing Consul config entry (consul-k8s takes over only an entry equal to the resource: compare them with kubectl describe ${live.kind.toLowerCase()} ${live.metadata.name}, then make the entry in Consul match it, or delete the entry so consul-k8s writes it)`,
    );
  }
  const why = c.reason === undefined || c.reason === '' ? '' : `: ${c.reason} ${c.message ?? ''}`.trimEnd();
  return waiting(`waiting for ${what} to sync${why}`, 500, wrote);
}

/** Mesh `mesh` and ProxyDefaults `global`: adopted wherever they live, only meshpeer's fields written. */
export async function runMeshGateway(step: StepOf<'mesh-gateway'>, ctx: StepContext): Promise<StepOutcome> {
  const client = ctx.cluster(step.lane);
  const objects = [step.params.mesh, step.params.proxyDefaults].filter(
    (o): o is KubeObject => o !== undefined,
  );
  let writes = 0;
  for (const object of objects) {
    const { live, wrote } = await ensureSingleton(client, object);
    if (live === undefined) return waiting(`waiting for the previous ${object.kind} to be deleted`, 500);
    if (wrote) writes++;
    const pending =
      syncState(live, writes > 0) ??
      (object.kind === 'Mesh' ? await meshLags(step, ctx, object, live, wrote) : undefined);
    if (pending !== undefined) return pending;
  }
  const names = objects.map((o) => `${o.kind} ${o.metadata.name}`).join(', ');
  return writes > 0 ? done(`applied ${names}; synced`) : unchanged(`${names} as desired and synced`);
}

/**
 * Waits while Consul's mesh entry lacks the Mesh's peering setting although the resource says
 * Synced (a stale condition after a write, or the entry changed in Consul behind consul-k8s, which
 * then needs a prompt: a merge patch of resyncRequest, the verb meshpeer's RBAC grants on Meshes).
 * Consul honours the setting only in the default partition. Consul unreadable proves nothing.
 */
async function meshLags(
  step: StepOf<'mesh-gateway'>,
  ctx: StepContext,
  desired: KubeObject,
  live: LiveObject,
  justWritten: boolean,
): Promise<StepOutcome | undefined> {
  const wanted = (desired.spec.peering as { peerThroughMeshGateways?: boolean } | undefined)
    ?.peerThroughMeshGateways;
  const through = await ctx
    .consul(step.lane)
    .then(meshPeersThroughGateways)
    .catch(() => undefined);
  if (through === undefined || wanted === undefined || through === wanted) return undefined;
  const asked = !justWritten && (await patchResyncRequest(ctx.cluster(step.lane), live, ctx.now()));
  return waiting(
    `waiting for Consul's mesh entry to have peerThroughMeshGateways=${wanted}${asked ? ' (asked consul-k8s to sync Mesh mesh again)' : ''}`,
    500,
    justWritten || asked,
  );
}

/** meshpeer's entries of one ExportedServices, merged with everyone else's; until synced. */
export async function runExport(step: StepOf<'export'>, ctx: StepContext): Promise<StepOutcome> {
  const name = `ExportedServices ${step.params.object.metadata.name}`;
  const result = await ensureExports(ctx.cluster(step.lane), step.params.object);
  switch (result.kind) {
    case 'refused':
      return terminal(result.reason);
    case 'deleting':
      return waiting(`waiting for the previous ${name} to be deleted`, 500);
    case 'deleted':
      return done(`deleted ${name}: it held only meshpeer's entries`);
    case 'gone':
      return unchanged(`${name} does not exist and nothing is to be exported`);
    default: {
      const pending =
        syncState(result.live, result.kind === 'written') ??
        (await consulLags(step, ctx, result.live, result.kind === 'written'));
      if (pending !== undefined) return pending;
      return result.kind === 'written'
        ? done(`merged meshpeer's entries into ${name}; synced`)
        : unchanged(`${name} as desired and synced`);
    }
  }
}

/**
 * Waits while Consul's exported-services entry lacks meshpeer's entries although the resource says
 * Synced: the condition may predate a write just made, or the entry was changed in Consul behind
 * consul-k8s, which then needs a prompt (requestResync). Consul unreadable proves nothing.
 */
async function consulLags(
  step: StepOf<'export'>,
  ctx: StepContext,
  live: LiveObject,
  justWritten: boolean,
): Promise<StepOutcome | undefined> {
  const partition = ctx.spec(step.lane).partition;
  const entry = await ctx
    .consul(step.lane)
    .then((c) => c.readConfigEntry('exported-services', live.metadata.name, partition))
    .catch(() => null);
  if (entry === null) return undefined;
  const managed = live.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
  const keys = entry === undefined ? [] : consulEntryExportKeys(entry);
  const missing = exportsMissingInConsul(ownedExports(live, managed), keys);
  if (missing.length === 0) return undefined;
  // A write of the resource already makes the controller reconcile it.
  const asked = !justWritten && (await requestExportsResync(ctx.cluster(step.lane), live, ctx.now()));
  return waiting(
    `waiting for Consul's exported-services entry ${live.metadata.name} to hold meshpeer's ${missing.length} missing entries${asked ? ' (asked consul-k8s to sync ExportedServices again)' : ''}`,
    500,
    justWritten || asked,
  );
}

/** Removes meshpeer's entries from an ExportedServices; deletes it only when meshpeer created it and nothing else is left. */
export function runPruneExport(step: StepOf<'prune-export'>, ctx: StepContext): Promise<StepOutcome> {
  const object: KubeObject = {
    apiVersion: CONSUL_API_VERSION,
    kind: 'ExportedServices',
    metadata: { name: step.params.name, namespace: step.params.namespace, labels: {} },
    spec: { services: [] },
  };
  return runExport({ ...step, kind: 'export', params: { object } }, ctx);
}

/** A PeeringAcceptor; finished when the acceptor controller has written the token Secret. */
export async function runAcceptor(step: StepOf<'acceptor'>, ctx: StepContext): Promise<StepOutcome> {
  const client = ctx.cluster(step.lane);
  const { live, wrote } = await ensureObject(client, step.params.object);
  const secret = (step.params.object.spec.peer as { secret: { name: string; key: string } }).secret;
  const token = await client.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: live.metadata.namespace ?? '',
    name: secret.name,
  });
  if (token?.data?.[secret.key] === undefined) {
    const c = syncedCondition(live);
    return waiting(
      `waiting for the acceptor to write Secret ${secret.name}${c.status === 'False' ? ` (${c.reason}: ${c.message})` : ''}`,
      500,
      wrote,
    );
  }
  return wrote
    ? done(`applied PeeringAcceptor ${live.metadata.name}; token Secret ${secret.name} written`)
    : unchanged(`PeeringAcceptor ${live.metadata.name} as desired; token Secret present`);
}
