import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeToken } from '../../src/peering/token-codec.ts';
import { createCertificateAuthority } from '../../src/tls/certificate-authority.ts';
import { runCli } from './cli-harness.ts';

const ca = await createCertificateAuthority('Consul CA 7');
const SECRET = '5f0c7a9e-2f5f-4b55-8a55-d2b1b4f43a3e';

async function tokenFile(overrides: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-token-'));
  const path = join(dir, 'token');
  const token = {
    CA: [ca.certPem],
    ManualServerAddresses: [],
    ServerAddresses: ['10.0.0.1:8502'],
    ServerName: 'server.dc1.peering.abc.consul',
    PeerID: 'peer-1',
    EstablishmentSecret: SECRET,
    Remote: { Partition: 'default', Datacenter: 'dc1', Locality: null },
    ...overrides,
  };
  await writeFile(path, `${encodeToken(token)}\n`);
  return path;
}

const run = runCli;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('meshpeer token inspect', () => {
  it('prints the decoded token with the establishment secret redacted', async () => {
    const result = await run(['token', 'inspect', await tokenFile()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ServerName:            server.dc1.peering.abc.consul');
    expect(result.stdout).toContain('EstablishmentSecret:   [redacted]');
    expect(result.stdout).toContain('CN=Consul CA 7');
    expect(result.stdout).toContain('Valid:                 yes');
    expect(result.stdout).not.toContain(SECRET);
  });

  it('prints JSON with --output json', async () => {
    const result = await run(['token', 'inspect', await tokenFile(), '--output', 'json']);
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(view.EstablishmentSecret).toBe('[redacted]');
    expect(view.PeerID).toBe('peer-1');
    expect(view.valid).toBe(true);
    expect(result.stdout).not.toContain(SECRET);
  });

  it('exits 1 and names the problem for a token establish would refuse', async () => {
    const result = await run(['token', 'inspect', await tokenFile({ PeerID: '' }), '-o', 'json']);
    expect(result.code).toBe(1);
    const view = JSON.parse(result.stdout) as { valid: boolean; problem: { code: string } };
    expect(view.valid).toBe(false);
    expect(view.problem.code).toBe('no-peer-id');
  });

  it('exits 1 with a clear error for a URL-safe token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshpeer-token-'));
    const path = join(dir, 'token');
    await writeFile(path, Buffer.from('{"PeerID":"??>>","EstablishmentSecret":"x"}').toString('base64url'));
    const result = await run(['token', 'inspect', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid-base64.*URL-safe base64 is not accepted/);
  });
});
