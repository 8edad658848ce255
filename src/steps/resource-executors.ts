/**
 * Executors that apply one consul-k8s resource and then wait for its controller: mesh-gateway
 * (Mesh and ProxyDefaults), acceptor (until its token Secret exists), export (until synced).
 */
import type { LiveObject } from '../kube/cluster-client.ts';
import type { KubeObject } from '../kube/consul-resources.ts';
import type { StepOf } from '../plan/index.ts';
import { ensureObject, syncedCondition } from './ensure-object.ts';
import type { StepContext } from './step-context.ts';
import { done, type StepOutcome, terminal, unchanged, waiting } from './step-outcome.ts';

/** Waits for Synced=True; a Synced=False from the config-entry controller is reported as it is. */
function syncState(live: LiveObject, wrote: boolean): StepOutcome | undefined {
  const c = syncedCondition(live);
  if (c.status === 'True') return undefined;
  if (c.status === 'False' && c.reason === 'ExternallyManagedConfigError') {
    return terminal(
      `${live.kind} ${live.metadata.name}: ${c.message ?? c.reason} (annotate it with consul.hashicorp.com/migrate-entry: "true" to let consul-k8s take it over)`,
    );
  }
  const why = c.status === 'False' ? `: ${c.reason ?? ''} ${c.message ?? ''}`.trimEnd() : '';
  return waiting(`waiting for ${live.kind} ${live.metadata.name} to sync${why}`, 500, wrote);
}

async function applyAndSync(ctx: StepContext, lane: string, objects: KubeObject[]): Promise<StepOutcome> {
  const client = ctx.cluster(lane);
  let writes = 0;
  for (const object of objects) {
    const { live, wrote } = await ensureObject(client, object);
    if (wrote) writes++;
    const pending = syncState(live, writes > 0);
    if (pending !== undefined) return pending;
  }
  const names = objects.map((o) => `${o.kind} ${o.metadata.name}`).join(', ');
  return writes > 0 ? done(`applied ${names}; synced`) : unchanged(`${names} as desired and synced`);
}

/** Mesh `mesh` and ProxyDefaults `global`. */
export function runMeshGateway(step: StepOf<'mesh-gateway'>, ctx: StepContext): Promise<StepOutcome> {
  const objects = [step.params.mesh, step.params.proxyDefaults].filter(
    (o): o is KubeObject => o !== undefined,
  );
  return applyAndSync(ctx, step.lane, objects);
}

/** ExportedServices of one cluster and partition. */
export function runExport(step: StepOf<'export'>, ctx: StepContext): Promise<StepOutcome> {
  return applyAndSync(ctx, step.lane, [step.params.object]);
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
