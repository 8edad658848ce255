/**
 * `POST /webhooks/github` and `POST /webhooks/gitlab`: the raw body is kept as a Buffer (the HMAC
 * covers exact bytes), bodies over 1 MiB get 413 before they are buffered, and an accepted event
 * is only enqueued here; planning and applying happen in the queues, so the answer comes at once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlanPrEvent, SyncEvent, TrackedTarget, WebhookProvider } from '../gitops/sync-event.ts';
import { redact } from '../secrets/redact.ts';
import { type DeliveryLog, deliveryKey } from './webhooks/delivery-log.ts';
import { handleGithubWebhook } from './webhooks/github-webhook.ts';
import { handleGitlabWebhook } from './webhooks/gitlab-webhook.ts';
import { type WebhookDecision, webhookDecision } from './webhooks/webhook-decision.ts';
import {
  MAX_WEBHOOK_BODY_BYTES,
  type WebhookHeaders,
  type WebhookOutcome,
} from './webhooks/webhook-outcome.ts';

/** Webhook settings and the enqueue callback. */
export interface WebhookRoutesOptions {
  /** Hook secrets per provider (several allow rotation); a provider without secrets has no route. */
  readonly secrets: Partial<Record<WebhookProvider, readonly string[]>>;
  readonly targets: readonly TrackedTarget[];
  readonly deliveries: DeliveryLog;
  /** Enqueues the work of an accepted sync or plan event; a throw answers 503 so the provider may redeliver. */
  readonly enqueue: (event: SyncEvent | PlanPrEvent) => Promise<void>;
  readonly onOutcome?: (provider: WebhookProvider, reason: string) => void;
  /** Every delivery's decision, for its structured log line (exactly one per request). */
  readonly onDecision?: (decision: WebhookDecision) => void;
}

type Settled = Pick<WebhookOutcome, 'event' | 'detail'> & {
  readonly reason: string;
  readonly status: number;
};

/** Reports one decision to the metric and the log. */
function decided(
  options: WebhookRoutesOptions,
  provider: WebhookProvider,
  headers: WebhookHeaders,
  outcome: Settled,
): void {
  options.onOutcome?.(provider, outcome.reason);
  options.onDecision?.(webhookDecision(provider, headers, outcome));
}

const handlers = { github: handleGithubWebhook, gitlab: handleGitlabWebhook } as const;

async function settle(
  provider: WebhookProvider,
  outcome: WebhookOutcome,
  options: WebhookRoutesOptions,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const event = outcome.event;
  if (event !== undefined && event.kind !== 'ping') {
    try {
      await options.enqueue(event);
    } catch {
      await options.deliveries.forget(deliveryKey(provider, event.deliveryId)).catch(() => {});
      const failed = { reason: 'enqueue_failed', detail: 'the queue is unavailable; redeliver later' };
      decided(options, provider, request.headers, { ...failed, status: 503, event });
      return reply.code(503).send(failed);
    }
  }
  decided(options, provider, request.headers, outcome);
  const body = {
    reason: outcome.reason,
    ...(outcome.detail !== undefined && { detail: redact(outcome.detail) }),
  };
  return reply.code(outcome.status).send(body);
}

/** Registers the webhook routes in their own scope (the raw-body parser applies only there). */
export function webhookRoutes(options: WebhookRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BODY_BYTES },
      (_req, body, done) => done(null, body),
    );
    app.setErrorHandler((error: { code?: string; statusCode?: number }, request, reply) => {
      const provider = request.url.includes('gitlab') ? 'gitlab' : 'github';
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const tooLarge = { reason: 'too_large', detail: `body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes` };
        decided(options, provider, request.headers, { ...tooLarge, status: 413 });
        return reply.code(413).send(tooLarge);
      }
      const malformed = { reason: 'malformed', detail: 'the request could not be read' };
      const status = error.statusCode ?? 400;
      decided(options, provider, request.headers, { ...malformed, status });
      return reply.code(status).send(malformed);
    });
    for (const provider of ['github', 'gitlab'] as const) {
      app.post(`/webhooks/${provider}`, async (request: FastifyRequest, reply) => {
        const secrets = options.secrets[provider];
        if (secrets === undefined || secrets.length === 0) {
          // Not counted in the metric (no route for it there), but an operator wants the line.
          const off = { reason: 'not_configured', detail: `${provider} webhooks are not configured` };
          options.onDecision?.(webhookDecision(provider, request.headers, { ...off, status: 404 }));
          return reply.code(404).send(off);
        }
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const outcome = await handlers[provider](body, request.headers, {
          secret: secrets,
          targets: options.targets,
          deliveries: options.deliveries,
        });
        return settle(provider, outcome, options, request, reply);
      });
    }
  };
}
