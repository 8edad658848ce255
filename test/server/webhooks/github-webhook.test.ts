import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { coalesceKey } from '../../../src/gitops/sync-event.ts';
import { createMemoryDeliveryLog } from '../../../src/server/webhooks/delivery-log.ts';
import {
  type GithubWebhookOptions,
  handleGithubWebhook,
  verifyGithubSignature,
} from '../../../src/server/webhooks/github-webhook.ts';
import { MAX_WEBHOOK_BODY_BYTES } from '../../../src/server/webhooks/webhook-outcome.ts';

const SECRET = 'hook-secret-value-123';
const HEAD = 'a'.repeat(40);
const PR_HEAD = 'b'.repeat(40);

function options(overrides: Partial<GithubWebhookOptions> = {}): GithubWebhookOptions {
  return {
    secret: SECRET,
    targets: [{ repo: 'acme/peerings', branch: 'main' }],
    deliveries: createMemoryDeliveryLog(),
    ...overrides,
  };
}

function signed(event: string, payload: unknown, delivery = 'd-1', secret = SECRET) {
  const body = Buffer.from(JSON.stringify(payload));
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const headers = {
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': signature,
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/abc',
  };
  return { body, headers };
}

const push = (overrides: Record<string, unknown> = {}) => ({
  ref: 'refs/heads/main',
  before: 'c'.repeat(40),
  after: HEAD,
  created: false,
  deleted: false,
  forced: false,
  commits: [{ id: HEAD, added: [], modified: ['peerings.yaml'], removed: [] }],
  repository: { full_name: 'Acme/Peerings', default_branch: 'main' },
  ...overrides,
});

const pullRequest = (action: string, extra: Record<string, unknown> = {}) => ({
  action,
  number: 42,
  pull_request: {
    head: { sha: PR_HEAD, ref: 'add-peer', repo: { full_name: 'someone/peerings' } },
    base: { sha: HEAD, ref: 'main' },
    merged: false,
    draft: false,
    ...extra,
  },
  repository: { full_name: 'acme/peerings' },
});

describe('github signature', () => {
  it('accepts the exact hmac, refuses a wrong one, a missing one and sha-1 alone', () => {
    const { body, headers } = signed('push', push());
    expect(verifyGithubSignature(body, headers, SECRET)).toBe('ok');
    expect(verifyGithubSignature(body, headers, ['old-secret-xyz', SECRET])).toBe('ok');
    expect(verifyGithubSignature(Buffer.concat([body, Buffer.from(' ')]), headers, SECRET)).toBe(
      'bad_signature',
    );
    expect(verifyGithubSignature(body, { ...headers, 'x-hub-signature-256': 'sha256=abc' }, SECRET)).toBe(
      'bad_signature',
    );
    expect(verifyGithubSignature(body, {}, SECRET)).toBe('missing_signature');
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
    expect(verifyGithubSignature(body, { 'x-hub-signature': sha1 }, SECRET)).toBe('sha1_refused');
    expect(verifyGithubSignature(body, headers, '')).toBe('bad_signature');
  });
});

describe('github webhook handler', () => {
  it('turns a signed push to the tracked branch into a sync of that exact commit', async () => {
    const { body, headers } = signed('push', push(), 'delivery-1');
    const outcome = await handleGithubWebhook(body, headers, options());
    expect(outcome).toEqual({
      status: 202,
      reason: 'accepted',
      event: {
        kind: 'sync',
        provider: 'github',
        repo: 'Acme/Peerings',
        branch: 'main',
        sha: HEAD,
        deliveryId: 'delivery-1',
      },
    });
  });

  it('refuses bad, missing and sha-1-only signatures with 401 before reading the payload', async () => {
    const { body, headers } = signed('push', push(), 'x', 'wrong-secret-123');
    expect(await handleGithubWebhook(body, headers, options())).toMatchObject({
      status: 401,
      reason: 'bad_signature',
    });
    const { 'x-hub-signature-256': _sig, ...unsigned } = headers;
    expect(await handleGithubWebhook(body, unsigned, options())).toMatchObject({
      status: 401,
      reason: 'missing_signature',
    });
    const sha1 = {
      ...unsigned,
      'X-Hub-Signature': `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`,
    };
    expect(await handleGithubWebhook(body, sha1, options())).toMatchObject({
      status: 401,
      reason: 'sha1_refused',
    });
    const garbage = Buffer.from('not json');
    expect(await handleGithubWebhook(garbage, headers, options())).toMatchObject({ status: 401 });
  });

  it('answers 413 for a body over 1 MiB without checking it', async () => {
    const body = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1, 0x20);
    expect(await handleGithubWebhook(body, {}, options())).toMatchObject({
      status: 413,
      reason: 'too_large',
    });
  });

  it('maps pull request openings and new commits to a plan of the head commit', async () => {
    for (const action of ['opened', 'synchronize', 'reopened']) {
      const { body, headers } = signed('pull_request', pullRequest(action), `pr-${action}`);
      const outcome = await handleGithubWebhook(body, headers, options());
      expect(outcome.status).toBe(202);
      expect(outcome.event).toEqual({
        kind: 'plan-pr',
        provider: 'github',
        repo: 'acme/peerings',
        number: 42,
        headSha: PR_HEAD,
        headRef: 'add-peer',
        baseRef: 'main',
        deliveryId: `pr-${action}`,
      });
    }
  });

  it('ignores merged and other pull request actions, branch deletions, tags and other events', async () => {
    const cases = [
      signed('pull_request', pullRequest('closed', { merged: true })),
      signed('pull_request', pullRequest('labeled')),
      signed('push', push({ after: '0'.repeat(40), deleted: true })),
      signed('push', push({ ref: 'refs/tags/v1' })),
      signed('issue_comment', { action: 'created' }),
      signed('push', push({ ref: 'refs/heads/dev' })),
      signed('pull_request', {
        ...pullRequest('opened'),
        pull_request: { ...pullRequest('opened').pull_request, base: { ref: 'dev' } },
      }),
    ];
    for (const { body, headers } of cases) {
      const outcome = await handleGithubWebhook(body, headers, options());
      expect(outcome).toMatchObject({ status: 200, reason: 'ignored_event' });
      expect(outcome.event).toBeUndefined();
    }
  });

  it('answers ping with 200 and an untracked repository with 202', async () => {
    const ping = signed('ping', { zen: 'Design for failure.', hook_id: 1 });
    expect(await handleGithubWebhook(ping.body, ping.headers, options())).toMatchObject({
      status: 200,
      reason: 'accepted',
      event: { kind: 'ping' },
    });
    const other = signed('push', push({ repository: { full_name: 'acme/other' } }));
    expect(await handleGithubWebhook(other.body, other.headers, options())).toMatchObject({
      status: 202,
      reason: 'untracked_repo',
    });
  });

  it('rejects malformed payloads and a missing event header with 400', async () => {
    const bad = signed('push', { ref: 'refs/heads/main' });
    expect(await handleGithubWebhook(bad.body, bad.headers, options())).toMatchObject({
      status: 400,
      reason: 'malformed',
    });
    const good = signed('push', push());
    const { 'x-github-event': _e, ...noEvent } = good.headers;
    expect(await handleGithubWebhook(good.body, noEvent, options())).toMatchObject({
      status: 400,
      reason: 'malformed',
    });
    const notJson = Buffer.from('{"ref":');
    const notJsonHeaders = {
      ...good.headers,
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(notJson).digest('hex')}`,
    };
    expect(await handleGithubWebhook(notJson, notJsonHeaders, options())).toMatchObject({
      status: 400,
      detail: 'body is not valid json',
    });
  });

  it('accepts the form-encoded content type, signed over the raw form body', async () => {
    const body = Buffer.from(`payload=${encodeURIComponent(JSON.stringify(push()))}`);
    const headers = {
      'x-github-event': 'push',
      'x-github-delivery': 'form-1',
      'content-type': 'application/x-www-form-urlencoded',
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    };
    expect(await handleGithubWebhook(body, headers, options())).toMatchObject({
      status: 202,
      event: { sha: HEAD },
    });
  });

  it('acknowledges a replayed delivery id without a second event', async () => {
    const opts = options();
    const { body, headers } = signed('push', push(), 'same-delivery');
    expect((await handleGithubWebhook(body, headers, opts)).reason).toBe('accepted');
    expect(await handleGithubWebhook(body, headers, opts)).toEqual({
      status: 200,
      reason: 'replayed',
      detail: 'delivery same-delivery was already handled',
    });
  });

  it('gives a burst of pushes to one branch a single coalescing key', async () => {
    const opts = options();
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { body, headers } = signed('push', push({ after: String(i).repeat(40) }), `burst-${i}`);
      const outcome = await handleGithubWebhook(body, headers, opts);
      if (outcome.event?.kind === 'sync') keys.add(coalesceKey(outcome.event));
    }
    expect([...keys]).toEqual(['github-sync-acme%2Fpeerings-main']);
  });
});
