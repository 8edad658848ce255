/**
 * GitHub webhooks: `X-Hub-Signature-256` verification (SHA-1 refused) and the mapping of `push`,
 * `pull_request` and `ping` deliveries to meshpeer events.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { headerValue, type WebhookHeaders, type WebhookOutcome } from './webhook-outcome.ts';
import {
  type ParsedWebhook,
  readDelivery,
  refuseOversized,
  settleWebhook,
  type WebhookContext,
} from './webhook-pipeline.ts';

/** Result of checking a GitHub signature. */
export type GithubSignatureCheck = 'ok' | 'missing_signature' | 'sha1_refused' | 'bad_signature';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const ZERO_SHA = '0'.repeat(40);
const sha = z.string().regex(/^[0-9a-f]{40}$/);
const repository = z.object({ full_name: z.string().min(1) });

const pushSchema = z.object({ ref: z.string(), after: sha, deleted: z.boolean().optional(), repository });
const pullRequestSchema = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  pull_request: z.object({
    head: z.object({ sha, ref: z.string() }),
    base: z.object({ ref: z.string() }),
    merged: z.boolean().nullish(),
  }),
  repository,
});

const PLANNED_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);

/** Verifies `X-Hub-Signature-256` against any of the secrets (several allow rotation). */
export function verifyGithubSignature(
  body: Buffer,
  headers: WebhookHeaders,
  secrets: string | readonly string[],
): GithubSignatureCheck {
  const header = headerValue(headers, 'x-hub-signature-256');
  if (header === undefined) {
    return headerValue(headers, 'x-hub-signature') === undefined ? 'missing_signature' : 'sha1_refused';
  }
  const match = SIGNATURE.exec(header.trim());
  if (match?.[1] === undefined) return 'bad_signature';
  const given = Buffer.from(match[1], 'hex');
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  let ok = false;
  for (const secret of list) {
    if (secret === '') continue;
    const expected = createHmac('sha256', secret).update(body).digest();
    // Both are 32 bytes; keep looping so timing does not reveal which secret matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok ? 'ok' : 'bad_signature';
}

function parsePush(payload: unknown, deliveryId: string): ParsedWebhook {
  const parsed = pushSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', detail: 'push payload lacks ref, after or repository' };
  const { ref, after, deleted, repository: repo } = parsed.data;
  if (!ref.startsWith('refs/heads/')) return { kind: 'ignored', detail: `push to ${ref} is not a branch` };
  const branch = ref.slice('refs/heads/'.length);
  if (deleted === true || after === ZERO_SHA)
    return { kind: 'ignored', detail: `branch ${branch} was deleted` };
  return {
    kind: 'event',
    event: { kind: 'sync', provider: 'github', repo: repo.full_name, branch, sha: after, deliveryId },
  };
}

function parsePullRequest(payload: unknown, deliveryId: string): ParsedWebhook {
  const parsed = pullRequestSchema.safeParse(payload);
  if (!parsed.success)
    return { kind: 'malformed', detail: 'pull_request payload lacks number, head or base' };
  const { action, number, pull_request: pr, repository: repo } = parsed.data;
  if (action === 'closed' && pr.merged === true) {
    return { kind: 'ignored', detail: 'merged pull request; the push to the base branch triggers the sync' };
  }
  if (!PLANNED_ACTIONS.has(action))
    return { kind: 'ignored', detail: `pull_request action ${action} is not planned` };
  const event = {
    kind: 'plan-pr' as const,
    provider: 'github' as const,
    repo: repo.full_name,
    number,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    deliveryId,
  };
  return { kind: 'event', event };
}

/** Maps a verified GitHub delivery to an event, an ignore reason, or a malformed verdict. */
export function parseGithubEvent(eventName: string, payload: unknown, deliveryId: string): ParsedWebhook {
  if (eventName === 'ping') return { kind: 'event', event: { kind: 'ping', provider: 'github', deliveryId } };
  if (eventName === 'push') return parsePush(payload, deliveryId);
  if (eventName === 'pull_request') return parsePullRequest(payload, deliveryId);
  return { kind: 'ignored', detail: `event ${eventName.slice(0, 64)} is not handled` };
}

/** Everything `handleGithubWebhook` needs: the hook secret(s), tracked targets and the delivery log. */
export interface GithubWebhookOptions extends WebhookContext {
  readonly secret: string | readonly string[];
}

const REFUSALS = {
  missing_signature: 'x-hub-signature-256 header is missing; set a secret on the webhook',
  sha1_refused: 'only sha-1 x-hub-signature was sent; sha-256 is required',
  bad_signature: 'x-hub-signature-256 does not match the configured secret',
} as const;

/** Handles one `POST /webhooks/github` from raw body and headers; does no work beyond deciding. */
export async function handleGithubWebhook(
  body: Buffer,
  headers: WebhookHeaders,
  options: GithubWebhookOptions,
): Promise<WebhookOutcome> {
  const oversized = refuseOversized(body);
  if (oversized !== undefined) return oversized;
  const check = verifyGithubSignature(body, headers, options.secret);
  if (check !== 'ok') return { status: 401, reason: check, detail: REFUSALS[check] };
  const delivery = readDelivery(body, headers, 'x-github-event', 'x-github-delivery');
  if ('status' in delivery) return delivery;
  return settleWebhook(
    'github',
    parseGithubEvent(delivery.eventName, delivery.payload, delivery.deliveryId),
    options,
  );
}
