/**
 * Pull-request plans in serve: the plan worker plans a pull request once per target that follows
 * its base branch, each with that target's publisher (comment, status and check run).
 */
import { type PlanOutcome, planPullRequest } from '../gitops/plan-pull-request.ts';
import { startPlanWorker } from '../gitops/plan-queue.ts';
import type { PlanPrEvent } from '../gitops/sync-event.ts';
import { emitLog } from '../io/service-logger.ts';
import { observeAccess, type ServeContext, type TargetContext, targetsOf } from './serve-context.ts';
import { planPrLog } from './serve-log-fields.ts';

/** Plans a pull request for one target: the comment, status and check run of that target. */
async function planTarget(
  ctx: ServeContext,
  target: TargetContext,
  event: PlanPrEvent,
): Promise<PlanOutcome> {
  const { config, metrics } = ctx;
  const { repo, publisher } = target;
  const started = Date.now();
  if (publisher === undefined) {
    const outcome = { result: 'error' as const, sha: event.headSha, error: 'no token' };
    emitLog(ctx.event, planPrLog(event, outcome, Date.now() - started));
    return outcome;
  }
  const outcome = await planPullRequest(event, {
    source: ctx.sources.source(repo.url, repo.branch),
    path: repo.path,
    publisher,
    clients: (topology) => observeAccess(ctx).clients(topology.clusters),
    observeTimeoutMs: config.observeTimeoutMs,
    ...(config.strict === true && { strict: true }),
    ...(config.publicUrl !== undefined && { targetUrl: config.publicUrl }),
  });
  metrics.recordPlan(outcome.result, repo.target);
  emitLog(ctx.event, planPrLog(event, outcome, Date.now() - started));
  return outcome;
}

/** A pull request against a branch several targets follow is planned once per target; a transient error wins. */
export function startServePlans(ctx: ServeContext) {
  return startPlanWorker({
    redisUrl: ctx.config.redisUrl,
    prefix: ctx.config.queuePrefix,
    redis: ctx.queues.redis,
    plan: async (event: PlanPrEvent) => {
      const outcomes: PlanOutcome[] = [];
      for (const target of targetsOf(ctx, event.repo, event.baseRef))
        outcomes.push(await planTarget(ctx, target, event));
      return (
        outcomes.find((o) => o.transient === true) ??
        outcomes.find((o) => o.result !== 'planned') ??
        outcomes[0] ?? { result: 'error', sha: event.headSha, error: 'no target follows this branch' }
      );
    },
  });
}
