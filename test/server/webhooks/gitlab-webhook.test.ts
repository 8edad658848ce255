import { describe, expect, it } from 'vitest';
import { createMemoryDeliveryLog } from '../../../src/server/webhooks/delivery-log.ts';
import {
  type GitlabWebhookOptions,
  handleGitlabWebhook,
  verifyGitlabToken,
} from '../../../src/server/webhooks/gitlab-webhook.ts';

const TOKEN = 'gitlab-hook-token-42';
const HEAD = 'a'.repeat(40);
const MR_HEAD = 'b'.repeat(40);

function options(overrides: Partial<GitlabWebhookOptions> = {}): GitlabWebhookOptions {
  return {
    secret: TOKEN,
    targets: [{ repo: 'platform/peerings', branch: 'main' }],
    deliveries: createMemoryDeliveryLog(),
    ...overrides,
  };
}

function delivery(event: string, payload: unknown, uuid: string | null = 'uuid-1', token = TOKEN) {
  const headers: Record<string, string> = {
    'x-gitlab-event': event,
    'x-gitlab-token': token,
    'content-type': 'application/json',
  };
  if (uuid !== null) headers['x-gitlab-event-uuid'] = uuid;
  return { body: Buffer.from(JSON.stringify(payload)), headers };
}

const push = (overrides: Record<string, unknown> = {}) => ({
  object_kind: 'push',
  before: 'c'.repeat(40),
  after: HEAD,
  ref: 'refs/heads/main',
  checkout_sha: HEAD,
  project: { path_with_namespace: 'platform/peerings', default_branch: 'main' },
  commits: [],
  total_commits_count: 1,
  ...overrides,
});

const mergeRequest = (action: string, extra: Record<string, unknown> = {}) => ({
  object_kind: 'merge_request',
  project: { path_with_namespace: 'platform/peerings' },
  object_attributes: {
    iid: 7,
    action,
    source_branch: 'add-peer',
    target_branch: 'main',
    last_commit: { id: MR_HEAD },
    state: 'opened',
    ...extra,
  },
});

describe('gitlab webhook handler', () => {
  it('compares the token in constant time and accepts any configured secret', () => {
    expect(verifyGitlabToken({ 'X-Gitlab-Token': TOKEN }, TOKEN)).toBe(true);
    expect(verifyGitlabToken({ 'x-gitlab-token': TOKEN }, ['previous-token-1', TOKEN])).toBe(true);
    expect(verifyGitlabToken({ 'x-gitlab-token': `${TOKEN}x` }, TOKEN)).toBe(false);
    expect(verifyGitlabToken({}, TOKEN)).toBe(false);
  });

  it('turns a push hook into a sync of checkout_sha', async () => {
    const { body, headers } = delivery('Push Hook', push());
    expect(await handleGitlabWebhook(body, headers, options())).toEqual({
      status: 202,
      reason: 'accepted',
      event: {
        kind: 'sync',
        provider: 'gitlab',
        repo: 'platform/peerings',
        branch: 'main',
        sha: HEAD,
        deliveryId: 'uuid-1',
      },
    });
  });

  it('refuses a missing or wrong token with 401', async () => {
    const wrong = delivery('Push Hook', push(), 'u', 'not-the-token');
    expect(await handleGitlabWebhook(wrong.body, wrong.headers, options())).toMatchObject({
      status: 401,
      reason: 'bad_signature',
    });
    const { 'x-gitlab-token': _t, ...none } = wrong.headers;
    expect(await handleGitlabWebhook(wrong.body, none, options())).toMatchObject({
      status: 401,
      reason: 'missing_signature',
    });
  });

  it('plans merge requests on open, reopen, and updates that bring commits', async () => {
    for (const [action, extra] of [
      ['open', {}],
      ['reopen', {}],
      ['update', { oldrev: 'd'.repeat(40) }],
    ] as const) {
      const { body, headers } = delivery('Merge Request Hook', mergeRequest(action, extra), `mr-${action}`);
      expect((await handleGitlabWebhook(body, headers, options())).event).toEqual({
        kind: 'plan-pr',
        provider: 'gitlab',
        repo: 'platform/peerings',
        number: 7,
        headSha: MR_HEAD,
        headRef: 'add-peer',
        baseRef: 'main',
        deliveryId: `mr-${action}`,
      });
    }
  });

  it('ignores metadata-only updates, merges, deletions, tag pushes and note hooks', async () => {
    const cases = [
      delivery('Merge Request Hook', mergeRequest('update')),
      delivery('Merge Request Hook', mergeRequest('merge')),
      delivery('Merge Request Hook', mergeRequest('approved')),
      delivery('Push Hook', push({ after: '0'.repeat(40), checkout_sha: null })),
      delivery('Tag Push Hook', { object_kind: 'tag_push', ref: 'refs/tags/v1' }),
      delivery('Note Hook', { object_kind: 'note' }),
    ];
    for (const { body, headers } of cases) {
      expect(await handleGitlabWebhook(body, headers, options())).toMatchObject({
        status: 200,
        reason: 'ignored_event',
      });
    }
  });

  it('understands system hooks and reports untracked projects with 202', async () => {
    const sys = delivery('System Hook', push());
    expect((await handleGitlabWebhook(sys.body, sys.headers, options())).event?.kind).toBe('sync');
    const other = delivery('Push Hook', push({ project: { path_with_namespace: 'other/repo' } }));
    expect(await handleGitlabWebhook(other.body, other.headers, options())).toMatchObject({
      status: 202,
      reason: 'untracked_repo',
    });
  });

  it('detects replays by event uuid, or by identical body when no uuid is sent', async () => {
    const opts = options();
    const first = delivery('Push Hook', push(), 'uuid-9');
    expect((await handleGitlabWebhook(first.body, first.headers, opts)).reason).toBe('accepted');
    expect((await handleGitlabWebhook(first.body, first.headers, opts)).reason).toBe('replayed');
    const legacy = delivery('Push Hook', push({ after: 'e'.repeat(40), checkout_sha: 'e'.repeat(40) }), null);
    const outcome = await handleGitlabWebhook(legacy.body, legacy.headers, opts);
    expect(outcome.event?.deliveryId).toMatch(/^body-[0-9a-f]{64}$/);
    expect((await handleGitlabWebhook(legacy.body, legacy.headers, opts)).reason).toBe('replayed');
  });

  it('rejects a malformed merge request payload with 400', async () => {
    const { body, headers } = delivery('Merge Request Hook', {
      object_kind: 'merge_request',
      object_attributes: {},
    });
    expect(await handleGitlabWebhook(body, headers, options())).toMatchObject({
      status: 400,
      reason: 'malformed',
    });
  });
});
