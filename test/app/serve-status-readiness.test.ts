/**
 * serve's readiness with several targets: one target's Git server away leaves serve ready (the
 * others' webhooks and runs still work) and says which; no Git or no Redis makes it unready.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createServeStatus } from '../../src/app/serve-status.ts';
import type { GitSources } from '../../src/gitops/git-source-loader.ts';
import { HealthStore } from '../../src/gitops/health-store.ts';
import { ReconcileState } from '../../src/gitops/reconcile-state.ts';
import { RevisionStore } from '../../src/gitops/revision-store.ts';
import type { TrackedRepo } from '../../src/gitops/tracked-repo.ts';
import { RedisRunStore } from '../../src/run/redis-run-store.ts';
import type { GitSource } from '../../src/source/git-source.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const target = (name: string, host: string): TrackedRepo => ({
  target: name,
  url: `https://${host}/acme/mesh.git`,
  branch: 'main',
  path: 'peerings.yaml',
  provider: 'github',
  repo: 'acme/mesh',
});

/** Git sources whose head listing fails for the hosts in `down`. */
function sources(down: Set<string>): GitSources {
  return {
    source: (url) =>
      ({
        headRevision: async () => {
          if (down.has(new URL(url).host)) throw new Error(`connect ECONNREFUSED ${new URL(url).host}`);
          return 'a'.repeat(40);
        },
      }) as unknown as GitSource,
    load: async () => ({ fileName: 'peerings.yaml', content: '' }),
  };
}

function status(targets: TrackedRepo[], down: Set<string>, client: Redis = redis) {
  const prefix = `readiness-${process.pid}`;
  return createServeStatus({
    targets,
    redis: client,
    sources: sources(down),
    revisions: new RevisionStore(client, prefix),
    store: new RedisRunStore(client, prefix),
    health: new HealthStore(client, prefix),
    reconcile: new ReconcileState(client, prefix),
    settings: { intervalMs: 0, selfHeal: true },
    gitCheckTtlMs: 0,
  });
}

describe('serve readiness with several targets', () => {
  const two = [target('staging', 'git.staging.example'), target('production', 'git.prod.example')];

  it('stays ready while one target reaches its Git server, naming the one that does not', async () => {
    const report = await status(two, new Set(['git.staging.example'])).readiness();
    expect(report.ready).toBe(true);
    expect(report.checks['git:staging']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('ECONNREFUSED'),
    });
    expect(report.checks['git:production']).toEqual({ ok: true });
  });

  it('is unready when no target reaches Git, or Redis does not answer', async () => {
    expect((await status(two, new Set(['git.staging.example', 'git.prod.example'])).readiness()).ready).toBe(
      false,
    );
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    try {
      const report = await status(two, new Set(), dead).readiness();
      expect([report.ready, report.checks.redis?.ok]).toEqual([false, false]);
    } finally {
      dead.disconnect();
    }
  });

  it('keeps the single check name `git` for one target', async () => {
    const report = await status([two[0] as TrackedRepo], new Set()).readiness();
    expect(report).toEqual({ ready: true, checks: { git: { ok: true }, redis: { ok: true } } });
  });
});
