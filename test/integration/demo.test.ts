import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('meshpeer demo (the README demo command)', () => {
  it('plans, applies and verifies the runbook on a sandbox, then plans an edit', {
    timeout: 120_000,
  }, async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ['bin/meshpeer.js', 'demo'],
        { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
        (err, out) => {
          resolve({ code: err === null ? 0 : Number(err.code), stdout: out });
        },
      );
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Plan: 6 to add, 0 to change, 0 to destroy, 1 to verify.');
    expect(stdout).toMatch(/run run-\S+ succeeded in [\d.]+ s: 6 changed/);
    expect(stdout).toContain('cluster-01 <-> cluster-02 verify');
    expect(stdout).toMatch(/verified {2}handshake through the acceptor's mesh gateway in \d+ ms/);
    expect(stdout).toContain('Plan: 0 to add, 2 to change, 0 to destroy, 1 to verify.');
  });
});
