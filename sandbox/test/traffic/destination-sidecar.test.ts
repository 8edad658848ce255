/**
 * The destination sidecar's mutual TLS and RBAC: callers of its own trust domain and of a peer's
 * (through the peer's trust bundle) reach the app when the decision allows; a certificate from an
 * unknown CA, or from a peer's CA claiming another trust domain, is refused before any decision;
 * a peer ID whose partition is not the bundle's exported one matches no intention; and the caller
 * checks the server's SPIFFE ID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../../src/tls/certificate-authority.ts';
import type { IntentionSourceRef } from '../../src/consul/intention-decision.ts';
import { LeafSigner } from '../../src/traffic/connect-leaf.ts';
import { DestinationSidecar, type SidecarDecision } from '../../src/traffic/destination-sidecar.ts';
import { ServiceInstance } from '../../src/traffic/service-instance.ts';
import { spiffeIdOf } from '../../src/traffic/spiffe-id.ts';
import { dialUpstream } from '../../src/traffic/upstream-dial.ts';

const LOCAL = 'aaaaaaaa-0000-0000-0000-000000000001.consul';
const PEER = 'bbbbbbbb-0000-0000-0000-000000000002.consul';
const id = (trustDomain: string, service: string, partition = 'default') =>
  spiffeIdOf({ trustDomain, partition, namespace: 'default', datacenter: 'dc1', service });

let app: ServiceInstance;
let sidecar: DestinationSidecar;
let signers: { local: LeafSigner; peer: LeafSigner; stranger: LeafSigner };
let localCaPem = '';
const asked: (IntentionSourceRef | undefined)[] = [];
const decisions = new Map<string, SidecarDecision>();

beforeAll(async () => {
  const [local, peer, stranger] = await Promise.all(
    ['local', 'peer', 'stranger'].map((name) => createCertificateAuthority(`Consul CA ${name}`)),
  );
  if (local === undefined || peer === undefined || stranger === undefined) throw new Error('no CA');
  const signer = (ca: { certPem: string; keyPem: string }) =>
    new LeafSigner({ caPem: ca.certPem, caKeyPem: ca.keyPem });
  signers = { local: signer(local), peer: signer(peer), stranger: signer(stranger) };
  localCaPem = local.certPem;
  app = await ServiceInstance.start({
    cluster: 'cluster-01',
    datacenter: 'dc1',
    partition: 'default',
    namespace: 'default',
    service: 'web',
    instance: 'web-0',
  });
  const bundle = {
    TrustDomain: PEER,
    PeerName: 'cluster-02',
    Partition: 'default',
    RootPEMs: [peer.certPem],
    ExportedPartition: '',
    CreateIndex: '0',
    ModifyIndex: '0',
  };
  sidecar = await DestinationSidecar.start({
    destination: { partition: 'default', namespace: 'default', name: 'web' },
    leaf: await signers.local.leaf(id(LOCAL, 'web')),
    upstream: app.address,
    authority: {
      trust: () => ({ trustDomain: LOCAL, caPem: local.certPem, peers: [bundle] }),
      decide(source) {
        asked.push(source);
        const allowed = source?.name === 'client';
        return { allowed, reason: allowed ? 'allowed by test' : 'denied by test' };
      },
    },
    record: (key, decision) => decisions.set(key, decision),
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.stop();
});

async function call(signer: LeafSigner, clientId: string, expectedServerId = id(LOCAL, 'web')) {
  asked.length = 0;
  return dialUpstream({
    firstHop: sidecar.address,
    serverName: 'web.default.dc1.internal.x',
    leaf: await signer.leaf(clientId),
    roots: [localCaPem],
    expectedServerId,
  });
}

describe('the destination sidecar', () => {
  it('lets a caller of its own trust domain through when the decision allows', async () => {
    const outcome = await call(signers.local, id(LOCAL, 'client'));
    expect(outcome).toMatchObject({ kind: 'answered', answer: { service: 'web', instance: 'web-0' } });
    expect(asked).toEqual([{ peer: '', partition: 'default', namespace: 'default', name: 'client' }]);
  });

  it("names a peer's caller by the peer whose trust bundle signed it", async () => {
    expect(await call(signers.peer, id(PEER, 'client'))).toMatchObject({ kind: 'answered' });
    expect(asked).toEqual([{ peer: 'cluster-02', namespace: 'default', name: 'client' }]);
  });

  it('closes the connection after the handshake when the decision denies, and records why', async () => {
    const outcome = await call(signers.local, id(LOCAL, 'other'));
    expect(outcome.kind).toBe('closed-after-handshake');
    const key = outcome.kind === 'closed-after-handshake' ? outcome.finished : '';
    expect(decisions.get(key)).toEqual({
      allowed: false,
      source: id(LOCAL, 'other'),
      reason: 'denied by test',
    });
  });

  it('matches no intention for a peer ID outside the exported partition', async () => {
    await call(signers.peer, id(PEER, 'client', 'finance'));
    expect(asked).toEqual([undefined]);
  });

  it('refuses certificates of an unknown CA, or of a peer CA claiming another trust domain', async () => {
    for (const [signer, clientId] of [
      [signers.stranger, id(LOCAL, 'client')],
      [signers.peer, id(LOCAL, 'client')],
    ] as const) {
      const outcome = await call(signer, clientId);
      expect(outcome.kind).toBe('closed-after-handshake');
      const key = outcome.kind === 'closed-after-handshake' ? outcome.finished : '';
      expect(decisions.get(key)?.reason).toBe(`no trusted root for trust domain ${LOCAL}`);
    }
    expect(asked).toEqual([]);
  });

  it("fails the caller's TLS when the server is not the service it expects", async () => {
    const outcome = await call(signers.local, id(LOCAL, 'client'), id(LOCAL, 'db'));
    expect(outcome).toMatchObject({ kind: 'tls-error' });
    expect(outcome.kind === 'tls-error' && outcome.message).toContain(`not ${id(LOCAL, 'db')}`);
  });

  it('counts what it let through and refused', () => {
    expect(sidecar.stats()).toEqual({ allowed: 2, denied: 4 });
  });
});
