/**
 * Executors of the traffic steps: sameness-group, intentions and resolver apply meshpeer's part of
 * one resource and wait until consul-k8s has synced it to Consul (the Synced condition, as exports
 * do); their prune steps remove meshpeer's part, deleting a resource only when meshpeer created it
 * and nothing of others is left in it.
 */
import type { StepOf } from '../plan/index.ts';
import { CONSUL_API_VERSION } from '../resources/consul-resources.ts';
import { ensureIntentions, type IntentionsWrite, pruneIntentions } from './ensure-intentions.ts';
import { ensureResolver, pruneResolver, type ResolverWrite } from './ensure-resolver.ts';
import { ensureSamenessGroup } from './ensure-sameness-group.ts';
import { syncState } from './resource-executors.ts';
import type { StepContext } from './step-context.ts';
import { done, type StepOutcome, terminal, unchanged, waiting } from './step-outcome.ts';

/** What to say about a merge write of `name`, and whether to wait for it to sync. */
function writeOutcome(
  name: string,
  part: string,
  result: IntentionsWrite | ResolverWrite,
  removing: boolean,
): StepOutcome {
  switch (result.kind) {
    case 'refused':
      return terminal(result.reason);
    case 'deleting':
      return waiting(`waiting for the previous ${name} to be deleted`, 500);
    case 'deleted':
      return done(`deleted ${name}: it held only meshpeer's ${part}`);
    case 'gone':
      return unchanged(`${name} does not exist and holds nothing of meshpeer's`);
    default: {
      const pending = syncState(result.live, result.kind === 'written');
      if (pending !== undefined) return pending;
      if (result.kind === 'unchanged') return unchanged(`${name} as desired and synced`);
      return done(
        `${removing ? 'removed' : 'wrote'} meshpeer's ${part} ${removing ? 'from' : 'in'} ${name}; synced`,
      );
    }
  }
}

/** A SamenessGroup meshpeer declares, created or adopted for its declared fields; until synced. */
export async function runSamenessGroup(
  step: StepOf<'sameness-group'>,
  ctx: StepContext,
): Promise<StepOutcome> {
  const name = `SamenessGroup ${step.params.object.metadata.name}`;
  const { live, wrote, adopted } = await ensureSamenessGroup(ctx.cluster(step.lane), step.params.object);
  if (live === undefined) return waiting(`waiting for the previous ${name} to be deleted`, 500);
  const pending = syncState(live, wrote);
  if (pending !== undefined) return pending;
  if (!wrote) return unchanged(`${name} as desired and synced`);
  return done(
    adopted
      ? `wrote the declared fields of ${name} (not meshpeer's: left unlabelled); synced`
      : `applied ${name}; synced`,
  );
}

/** meshpeer's sources of one destination, merged into its ServiceIntentions; until synced. */
export async function runIntentions(step: StepOf<'intentions'>, ctx: StepContext): Promise<StepOutcome> {
  const result = await ensureIntentions(ctx.cluster(step.lane), step.params.object);
  return writeOutcome(`ServiceIntentions ${step.target.name}`, 'sources', result, false);
}

/** meshpeer's failover of one service, written into its ServiceResolver; until synced. */
export async function runResolver(step: StepOf<'resolver'>, ctx: StepContext): Promise<StepOutcome> {
  const result = await ensureResolver(ctx.cluster(step.lane), step.params.object);
  return writeOutcome(`ServiceResolver ${step.target.name}`, 'failover', result, false);
}

/** Removes meshpeer's sources from a ServiceIntentions whose destination left the file. */
export async function runPruneIntentions(
  step: StepOf<'prune-intentions'>,
  ctx: StepContext,
): Promise<StepOutcome> {
  const key = { apiVersion: CONSUL_API_VERSION, ...step.params };
  const result = await pruneIntentions(ctx.cluster(step.lane), key);
  return writeOutcome(`ServiceIntentions ${step.params.name}`, 'sources', result, true);
}

/** Removes meshpeer's failover from a ServiceResolver whose service left the file. */
export async function runPruneResolver(
  step: StepOf<'prune-resolver'>,
  ctx: StepContext,
): Promise<StepOutcome> {
  const key = { apiVersion: CONSUL_API_VERSION, ...step.params };
  const result = await pruneResolver(ctx.cluster(step.lane), key);
  return writeOutcome(`ServiceResolver ${step.params.name}`, 'failover', result, true);
}
