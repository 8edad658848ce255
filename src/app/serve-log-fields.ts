/** The fields of the structured `plan.pr` and `webhook` log lines of the GitOps side of serve. */
import type { PlanOutcome } from '../gitops/plan-pull-request.ts';
import type { PlanPrEvent } from '../gitops/sync-event.ts';
import type { LogRecord } from '../io/service-logger.ts';
import { classifyFailureText } from '../run/error-kind.ts';
import type { WebhookDecision } from '../server/webhooks/webhook-decision.ts';

/** The `plan.pr` line: provider, PR, head commit, result, plan counts, duration and any error. */
export function planPrLog(event: PlanPrEvent, outcome: PlanOutcome, durationMs: number): LogRecord {
  const plan = outcome.plan;
  const counts =
    plan === undefined
      ? {}
      : {
          steps: plan.steps.length,
          errors: plan.errors.length,
          warnings: plan.warnings.length,
          changes: plan.summary.add + plan.summary.change + plan.summary.destroy,
          planHash: plan.hash,
        };
  const error = outcome.error;
  return {
    name: 'plan.pr',
    fields: {
      provider: event.provider,
      repo: event.repo,
      pr: event.number,
      headSha: outcome.sha,
      deliveryId: event.deliveryId,
      result: outcome.result,
      ...counts,
      durationMs,
      ...(error !== undefined && { error, ...classifyFailureText(error) }),
    },
    options: {
      level: outcome.result === 'error' ? 'warn' : 'info',
      msg: `plan of ${event.provider} #${event.number} at ${outcome.sha.slice(0, 12)}: ${outcome.result}${error === undefined ? '' : `: ${error}`}`,
    },
  };
}

/** The `webhook` line of one delivery's decision; refusals and failures are warnings. */
export function webhookLog(decision: WebhookDecision): LogRecord {
  const what = [decision.provider, decision.webhookEvent, decision.deliveryId].filter((p) => p !== undefined);
  const action = decision.action === undefined ? '' : ` ${decision.action}`;
  return {
    name: 'webhook',
    fields: { ...decision },
    options: {
      level: decision.decision === 'refused' || decision.decision === 'failed' ? 'warn' : 'info',
      msg: `webhook ${what.join(' ')}: ${decision.decision}${action} (${decision.reason})${decision.detail === undefined ? '' : `: ${decision.detail}`}`,
    },
  };
}
