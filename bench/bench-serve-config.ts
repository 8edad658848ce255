/** The `meshpeer serve` configuration the GitOps benchmarks run: one GitHub repo, local everything, no periodic check. */
import { join } from 'node:path';
import type { ServeConfig } from '../src/app/serve-config.ts';

/** A serve configuration for a benchmark world under `root` (its sandbox kubeconfig and Git cache live there). */
export function benchServeConfig(o: {
  readonly repoUrl: string;
  readonly scmApiUrl: string;
  readonly redisUrl: string;
  readonly root: string;
  readonly repo: string;
  readonly token: string;
  readonly webhookSecret: string;
  readonly queuePrefix: string;
}): ServeConfig {
  return {
    targets: [
      {
        target: `${o.repo}@main`,
        url: o.repoUrl,
        branch: 'main',
        path: 'peerings.yaml',
        provider: 'github',
        repo: o.repo,
      },
    ],
    provider: 'github',
    token: o.token,
    gitUsername: 'x-access-token',
    webhookSecrets: [o.webhookSecret],
    scmApiUrl: o.scmApiUrl,
    pollIntervalMs: 3_600_000,
    redisUrl: o.redisUrl,
    queuePrefix: `${o.queuePrefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    kubeconfig: join(o.root, 'sandbox', 'kubeconfig'),
    contexts: {},
    host: '127.0.0.1',
    port: 0,
    workers: true,
    stepConcurrency: 16,
    cacheDir: join(o.root, 'cache'),
    observeTimeoutMs: 20_000,
    // Off: a periodic check would compete with the measured runs (drift-repair turns it on itself).
    reconcileIntervalMs: 0,
    selfHeal: true,
    uiAuth: { mode: 'none', explicit: false },
    retry: { limit: 0, baseMs: 30_000, maxMs: 600_000 },
  };
}
