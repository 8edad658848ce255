import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeeringToken } from '../../src/peering/peering-token.ts';
import type { ProbeReport } from '../../src/peering/probe.ts';
import { encodeToken } from '../../src/peering/token-codec.ts';
import { runCli } from './cli-harness.ts';
import { type AcceptorFixture, startAcceptor, trustBundle } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function acceptor(): Promise<AcceptorFixture> {
  const fixture = await startAcceptor();
  cleanups.push(() => fixture.close());
  return fixture;
}

async function tokenFile(token: PeeringToken): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'meshpeer-probe-')), 'token');
  await writeFile(path, `${encodeToken(token)}\n`);
  return path;
}

describe('meshpeer peering probe', () => {
  it('exits 0 and prints every stage for a working peering', async () => {
    const acc = await acceptor();
    const token = acc.token('probe');
    acc.store.exports(token.PeerID).setTrustBundle(trustBundle(acc.identity));
    const file = await tokenFile(token);
    const result = await runCli(['peering', 'probe', '--token-file', file, '--heartbeat-interval', '50']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok +exchange-secret/);
    expect(result.stdout).toMatch(/ok +trust-bundle/);
    expect(result.stdout).toContain(`peering probe succeeded against ${acc.address}`);
    expect(result.stdout).not.toContain(token.EstablishmentSecret);
  });

  it('exits 1 with JSON naming the failed stage when the token was already used', async () => {
    const acc = await acceptor();
    const token = acc.token('probe');
    acc.store.exports(token.PeerID).setTrustBundle(trustBundle(acc.identity));
    const file = await tokenFile(token);
    expect(
      (await runCli(['peering', 'probe', '--token-file', file, '--heartbeat-interval', '50'])).code,
    ).toBe(0);
    const again = await runCli(['peering', 'probe', '--token-file', file, '-o', 'json']);
    expect(again.code).toBe(1);
    const report = JSON.parse(again.stdout) as ProbeReport;
    expect(report.ok).toBe(false);
    expect(report.failure?.stage).toBe('exchange-secret');
    expect(report.failure?.code).toBe('secret-used');
    expect(again.stdout).not.toContain(token.EstablishmentSecret);
  });

  it('exits 1 on an unreadable token', async () => {
    const result = await runCli(['peering', 'probe', '--token-file', '/nonexistent/token']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/peering probe: .*no such file/i);
  });
});
