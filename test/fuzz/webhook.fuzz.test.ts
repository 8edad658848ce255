import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryDeliveryLog } from '../../src/server/webhooks/delivery-log.ts';
import { handleGithubWebhook } from '../../src/server/webhooks/github-webhook.ts';
import { handleGitlabWebhook } from '../../src/server/webhooks/gitlab-webhook.ts';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-budget.ts';

const secret = 'fuzz-webhook-secret';
const targets = [{ repo: 'acme/peerings', branch: 'main' }];
const allowed = new Set([200, 202, 400, 401, 413]);

const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({
    ref: fc.oneof(fc.constant('refs/heads/main'), fc.string()),
    after: fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), fc.string()),
    repository: fc.oneof(fc.record({ full_name: fc.constantFrom('acme/peerings', 'x/y') }), fc.jsonValue()),
  }),
  fc.record({
    action: fc.constantFrom('opened', 'synchronize', 'closed', 'x'),
    number: fc.oneof(fc.integer(), fc.string()),
    pull_request: fc.jsonValue(),
    repository: fc.jsonValue(),
  }),
);
const bodyArb = fc.oneof(
  payload.map((p) => Buffer.from(JSON.stringify(p))),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
);
const eventArb = fc.constantFrom(
  'push',
  'pull_request',
  'ping',
  'issues',
  '',
  'Push Hook',
  'Merge Request Hook',
);

describe('fuzz: webhook parsers', () => {
  it(
    'GitHub: signed or not, any body gets a defined answer and never throws',
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyArb, eventArb, fc.boolean(), async (body, event, sign) => {
          const headers: Record<string, string> = {
            'x-github-event': event,
            'x-github-delivery': `d-${Math.random()}`,
            'content-type': 'application/json',
          };
          if (sign)
            headers['x-hub-signature-256'] =
              `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
          const outcome = await handleGithubWebhook(body, headers, {
            secret,
            targets,
            deliveries: createMemoryDeliveryLog(),
          });
          expect(allowed.has(outcome.status)).toBe(true);
          if (!sign) expect(outcome.status).toBe(401);
        }),
        { numRuns: fuzzRuns },
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'GitLab: any body with the right or a wrong token gets a defined answer',
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyArb, eventArb, fc.boolean(), async (body, event, right) => {
          const headers = {
            'x-gitlab-event': event,
            'x-gitlab-token': right ? secret : 'wrong',
            'x-gitlab-event-uuid': `u-${Math.random()}`,
          };
          const outcome = await handleGitlabWebhook(body, headers, {
            secret,
            targets,
            deliveries: createMemoryDeliveryLog(),
          });
          expect(allowed.has(outcome.status)).toBe(true);
          if (!right) expect(outcome.status).toBe(401);
        }),
        { numRuns: fuzzRuns },
      );
    },
    fuzzTimeoutMs,
  );
});
