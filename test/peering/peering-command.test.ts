import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAcceptorIdentity } from '../../sandbox/src/peering/acceptor-identity.ts';
import type { HandshakeReport } from '../../src/peering/peer-handshake.ts';
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

async function caFile(pem: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'meshpeer-ca-')), 'ca.pem');
  await writeFile(path, pem);
  return path;
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

describe('meshpeer peering probe --no-heartbeat', () => {
  it('succeeds without a heartbeat stage', async () => {
    const acc = await acceptor();
    const token = acc.token('probe');
    acc.store.exports(token.PeerID).setTrustBundle(trustBundle(acc.identity));
    const file = await tokenFile(token);
    const result = await runCli(['peering', 'probe', '--token-file', file, '--no-heartbeat', '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ProbeReport;
    expect(report.stages.map((s) => s.stage)).not.toContain('heartbeat');
  });
});

describe('meshpeer peering handshake', () => {
  it('exits 0 when the acceptor answers like Consul, trying the addresses in order', async () => {
    const acc = await acceptor();
    const ca = await caFile(acc.identity.ca.certPem);
    const args = ['--server-name', acc.identity.serverName, '--ca-file', ca];
    const result = await runCli(['peering', 'handshake', ...args, '--address', `127.0.0.1:1,${acc.address}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok +connect/);
    expect(result.stdout).toMatch(/ok +exchange-secret/);
    expect(result.stdout).toContain('skip 127.0.0.1:1: connect');
    expect(result.stdout).toContain(`peering handshake succeeded against ${acc.address}`);
  });

  it('exits 1 with JSON naming a CA mismatch', async () => {
    const acc = await acceptor();
    const other = await createAcceptorIdentity({ datacenter: 'dc1' });
    const ca = await caFile(other.ca.certPem);
    const args = ['--server-name', acc.identity.serverName, '--ca-file', ca, '--address', acc.address];
    const result = await runCli(['peering', 'handshake', ...args, '-o', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as HandshakeReport;
    expect(report.failure).toMatchObject({ stage: 'connect', code: 'tls-ca' });
  });

  it('exits 1 on a CA file without certificates', async () => {
    const ca = await caFile('not a certificate');
    const args = ['--server-name', 's', '--ca-file', ca, '--address', '127.0.0.1:1'];
    const result = await runCli(['peering', 'handshake', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/peering handshake: .*holds no PEM certificate/);
  });
});
