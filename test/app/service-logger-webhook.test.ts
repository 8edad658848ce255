import { createHmac } from 'node:crypto';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { webhookLog } from '../../src/app/serve-log-fields.ts';
import { createServiceLogger, emitLog } from '../../src/io/service-logger.ts';
import { webhookRoutes } from '../../src/server/webhook-routes.ts';
import { createMemoryDeliveryLog } from '../../src/server/webhooks/delivery-log.ts';
import { captureLines } from './capture-lines.ts';

const SECRET = 'hook-secret-for-log-test-1';
const HEAD = 'c'.repeat(40);

function signed(payload: unknown, delivery: string, secret = SECRET) {
  const body = JSON.stringify(payload);
  return {
    method: 'POST' as const,
    url: '/webhooks/github',
    payload: body,
    headers: {
      'x-github-event': 'push',
      'x-github-delivery': delivery,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      'content-type': 'application/json',
    },
  };
}

const push = { ref: 'refs/heads/main', after: HEAD, repository: { full_name: 'acme/peerings' } };

async function app(enqueue: () => Promise<void> = async () => {}) {
  const out = captureLines();
  const events = createServiceLogger('serve', 'info', out).event;
  const server = Fastify();
  await server.register(
    webhookRoutes({
      secrets: { github: [SECRET] },
      targets: [{ repo: 'acme/peerings', branch: 'main' }],
      deliveries: createMemoryDeliveryLog(),
      enqueue,
      onDecision: (decision) => emitLog(events, webhookLog(decision)),
    }),
  );
  return { server, out };
}

describe('webhook decision lines', () => {
  it('logs an accepted sync, its duplicate, and a refused signature, one line each', async () => {
    const { server, out } = await app();
    expect((await server.inject(signed(push, 'delivery-1'))).statusCode).toBe(202);
    expect((await server.inject(signed(push, 'delivery-1'))).statusCode).toBe(200);
    expect((await server.inject(signed(push, 'delivery-2', 'wrong-secret-value'))).statusCode).toBe(401);
    const lines = out.events('webhook');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      level: 30,
      provider: 'github',
      webhookEvent: 'push',
      deliveryId: 'delivery-1',
      decision: 'accepted',
      action: 'sync',
      reason: 'accepted',
      status: 202,
      sha: HEAD,
      branch: 'main',
    });
    expect(lines[1]).toMatchObject({ decision: 'duplicate', reason: 'replayed', deliveryId: 'delivery-1' });
    expect(lines[2]).toMatchObject({
      level: 40,
      decision: 'refused',
      reason: 'bad_signature',
      status: 401,
      deliveryId: 'delivery-2',
    });
    expect(lines[2]).not.toHaveProperty('action');
    expect(out.lines.join('\n')).not.toContain(SECRET);
    await server.close();
  });

  it('logs ignored deliveries with why, and a failed enqueue as failed', async () => {
    const { server, out } = await app(async () => {
      throw new Error('redis away');
    });
    await server.inject(signed({ ...push, ref: 'refs/heads/feature' }, 'delivery-3'));
    expect((await server.inject(signed(push, 'delivery-4'))).statusCode).toBe(503);
    expect(out.events('webhook')).toEqual([
      expect.objectContaining({
        decision: 'ignored',
        reason: 'ignored_event',
        detail: 'push to untracked branch feature',
      }),
      expect.objectContaining({ level: 40, decision: 'failed', reason: 'enqueue_failed', action: 'sync' }),
    ]);
    await server.close();
  });

  it('logs a body over the limit as too_large', async () => {
    const { server, out } = await app();
    const big = signed({ ...push, pad: 'x'.repeat(1024 * 1024 + 10) }, 'delivery-5');
    expect((await server.inject(big)).statusCode).toBe(413);
    expect(out.events('webhook')).toEqual([
      expect.objectContaining({ decision: 'refused', reason: 'too_large', status: 413 }),
    ]);
    await server.close();
  });
});
