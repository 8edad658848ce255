/**
 * GitLab webhooks: the `X-Gitlab-Token` shared secret compared in constant time, and the mapping
 * of Push Hook and Merge Request Hook deliveries (also when sent as System Hook) to events.
 */
import * as z from 'zod';
import { constantTimeEqual } from './constant-time.ts';
import { headerValue, type WebhookHeaders, type WebhookOutcome } from './webhook-outcome.ts';
import {
  type ParsedWebhook,
  readDelivery,
  refuseOversized,
  settleWebhook,
  type WebhookContext,
} from './webhook-pipeline.ts';

const ZERO_SHA = '0'.repeat(40);
const sha = z.string().regex(/^[0-9a-f]{40}$/);
const project = z.object({ path_with_namespace: z.string().min(1) });

const pushSchema = z.object({
  object_kind: z.literal('push'),
  ref: z.string(),
  after: sha,
  checkout_sha: sha.nullish(),
  project,
});
const mergeRequestSchema = z.object({
  object_kind: z.literal('merge_request'),
  object_attributes: z.object({
    iid: z.number().int().positive(),
    action: z.string().optional(),
    source_branch: z.string(),
    target_branch: z.string(),
    last_commit: z.object({ id: sha }),
    oldrev: sha.nullish(),
  }),
  project,
});

/** Checks `X-Gitlab-Token` against any of the secrets, in constant time. */
export function verifyGitlabToken(headers: WebhookHeaders, secrets: string | readonly string[]): boolean {
  const token = headerValue(headers, 'x-gitlab-token');
  if (token === undefined) return false;
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  let ok = false;
  for (const secret of list) if (secret !== '' && constantTimeEqual(token, secret)) ok = true;
  return ok;
}

function parsePush(payload: unknown, deliveryId: string): ParsedWebhook {
  const parsed = pushSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', detail: 'push hook payload lacks ref, after or project' };
  const { ref, after, checkout_sha: checkout, project: p } = parsed.data;
  if (!ref.startsWith('refs/heads/')) return { kind: 'ignored', detail: `push to ${ref} is not a branch` };
  const branch = ref.slice('refs/heads/'.length);
  if (after === ZERO_SHA) return { kind: 'ignored', detail: `branch ${branch} was deleted` };
  const event = { kind: 'sync' as const, provider: 'gitlab' as const, repo: p.path_with_namespace, branch };
  return { kind: 'event', event: { ...event, sha: checkout ?? after, deliveryId } };
}

function parseMergeRequest(payload: unknown, deliveryId: string): ParsedWebhook {
  const parsed = mergeRequestSchema.safeParse(payload);
  if (!parsed.success)
    return { kind: 'malformed', detail: 'merge request payload lacks iid, branches or last_commit' };
  const { object_attributes: mr, project: p } = parsed.data;
  const action = mr.action ?? 'none';
  // `update` fires for title and label edits too; `oldrev` is only present when code changed.
  const planned =
    action === 'open' || action === 'reopen' || (action === 'update' && typeof mr.oldrev === 'string');
  if (!planned)
    return { kind: 'ignored', detail: `merge request action ${action.slice(0, 32)} brings no new commits` };
  const event = {
    kind: 'plan-pr' as const,
    provider: 'gitlab' as const,
    repo: p.path_with_namespace,
    number: mr.iid,
    headSha: mr.last_commit.id,
    headRef: mr.source_branch,
    baseRef: mr.target_branch,
    deliveryId,
  };
  return { kind: 'event', event };
}

/** Maps a verified GitLab delivery to an event, an ignore reason, or a malformed verdict. */
export function parseGitlabEvent(eventName: string, payload: unknown, deliveryId: string): ParsedWebhook {
  // System hooks carry the same payloads; object_kind tells them apart.
  const kind = (payload as { object_kind?: unknown } | null)?.object_kind;
  if (eventName === 'Push Hook' || (eventName === 'System Hook' && kind === 'push')) {
    return parsePush(payload, deliveryId);
  }
  if (eventName === 'Merge Request Hook' || (eventName === 'System Hook' && kind === 'merge_request')) {
    return parseMergeRequest(payload, deliveryId);
  }
  return { kind: 'ignored', detail: `event ${eventName.slice(0, 64).toLowerCase()} is not handled` };
}

/** Everything `handleGitlabWebhook` needs: the hook secret token(s), tracked targets and the delivery log. */
export interface GitlabWebhookOptions extends WebhookContext {
  readonly secret: string | readonly string[];
}

/** Handles one `POST /webhooks/gitlab` from raw body and headers; does no work beyond deciding. */
export async function handleGitlabWebhook(
  body: Buffer,
  headers: WebhookHeaders,
  options: GitlabWebhookOptions,
): Promise<WebhookOutcome> {
  const oversized = refuseOversized(body);
  if (oversized !== undefined) return oversized;
  if (headerValue(headers, 'x-gitlab-token') === undefined) {
    return {
      status: 401,
      reason: 'missing_signature',
      detail: 'x-gitlab-token header is missing; set a secret token',
    };
  }
  if (!verifyGitlabToken(headers, options.secret)) {
    return {
      status: 401,
      reason: 'bad_signature',
      detail: 'x-gitlab-token does not match the configured secret',
    };
  }
  const delivery = readDelivery(body, headers, 'x-gitlab-event', 'x-gitlab-event-uuid');
  if ('status' in delivery) return delivery;
  return settleWebhook(
    'gitlab',
    parseGitlabEvent(delivery.eventName, delivery.payload, delivery.deliveryId),
    options,
  );
}
