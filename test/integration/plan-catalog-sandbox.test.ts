/**
 * The catalog check end to end: `meshpeer plan` against a sandbox whose peerings.yaml exports a
 * service nobody registered warns (exit 2: changes), `--strict` fails the precondition (exit 1),
 * and `apply --inline --strict` fails at once with the export blocked instead of failing
 * verification after its timeout.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newRunId, requestRun } from '../../src/run/run-requests.ts';
import { type ExampleSandbox, shortIntervals, startExampleSandbox, startQueue } from './sandbox-fixture.ts';

let fx: ExampleSandbox;
let dir: string;
let file: string;

const WARNING =
  'cluster-02: service "not-registered" is exported but not registered in the catalog of partition default; it will be exported once it registers (consul catalog services -partition default)';

/** Runs the CLI asynchronously: the sandbox it talks to lives in this very process. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/meshpeer.js', ...args, '-f', file, '--kubeconfig', fx.kubeconfig],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  // The sandbox registers what the runbook exports (static-server); the file exports one more.
  fx = await startExampleSandbox('runbook', shortIntervals);
  dir = await mkdtemp(join(tmpdir(), 'meshpeer-catalog-'));
  file = join(dir, 'peerings.yaml');
  const runbook = await readFile(fx.file, 'utf8');
  await writeFile(
    file,
    `${runbook.trimEnd()}\n      - name: not-registered\n        consumers:\n          - peer: cluster-01\n`,
  );
});

afterAll(async () => {
  await fx?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('meshpeer plan: exported services missing from the catalog (sandbox)', () => {
  it('warns and still plans the export; the registered service draws no warning', {
    timeout: 60_000,
  }, async () => {
    const run = await cli('plan');
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toContain('Warnings (they block nothing):');
    expect(run.stdout).toContain(`  ! ${WARNING}`);
    expect(run.stdout).not.toContain('"static-server" is exported but not registered');
    expect(run.stdout).toContain('["not-registered→peer:cluster-01", "static-server→peer:cluster-01"]');
    const json = await cli('plan', '--output', 'json');
    const plan = JSON.parse(json.stdout) as { formatVersion: number; warnings: unknown[]; errors: unknown[] };
    expect(plan.formatVersion).toBe(3);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([
      {
        code: 'export_service_missing',
        cluster: 'cluster-02',
        service: 'not-registered',
        partition: 'default',
        message: WARNING.replace('cluster-02: ', ''),
      },
    ]);
  });

  it('exits 1 with --strict, naming the fix, and blocks the export step', { timeout: 60_000 }, async () => {
    const run = await cli('plan', '--strict');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain(
      'x cluster-02: service "not-registered" is exported but not registered in the catalog of partition default',
    );
    expect(run.stdout).toContain('blocked by export-service/cluster-02');
    expect(run.stdout).not.toContain('Warnings');
  });

  it('fails apply --inline --strict without waiting for verification', { timeout: 120_000 }, async () => {
    const run = await cli('apply', '--inline', '--strict');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/✗ cluster-02 +export +failed +blocked by export-service\/cluster-02/);
    expect(run.stdout).toMatch(/, 2 failed, 0 skipped; 0 peerings verified, 1 failed verification\n/);
    expect(run.stdout).toContain(
      'failing step export/cluster-02/default: blocked by export-service/cluster-02',
    );
  });

  it('fails a queued strict run the same way: the flag travels in the run request', {
    timeout: 120_000,
  }, async () => {
    const q = await startQueue(inject('redisUrl'), fx.kubeconfig);
    try {
      const runId = newRunId();
      await requestRun(q.queues.redis, q.queues.runs, {
        runId,
        target: 'catalog-strict',
        revision: 'working-tree',
        trigger: { kind: 'cli' },
        source: { kind: 'inline', fileName: file, content: await readFile(file, 'utf8') },
        requestedAt: new Date().toISOString(),
        strict: true,
      });
      const record = await q.finished(runId);
      expect(record.status).toBe('failed');
      expect(record.errors?.map((e) => e.id)).toEqual(['export-service/cluster-02']);
      expect(record.steps.find((r) => r.id === 'export/cluster-02/default')).toMatchObject({
        status: 'failed',
        detail: expect.stringContaining('blocked by export-service/cluster-02'),
      });
    } finally {
      await q.close();
    }
  });
});
