import { afterEach, describe, expect, it } from 'vitest';
import { createAcceptorIdentity } from '../../sandbox/src/peering/acceptor-identity.ts';
import { type DialerEvent, dialPeer } from '../../sandbox/src/peering/dialer.ts';
import { createExportSet } from '../../src/peering/export-set.ts';
import { ImportedState } from '../../src/peering/imported-state.ts';
import { ResourceURL } from '../../src/peering/resource-urls.ts';
import { type AcceptorFixture, instance, startAcceptor, trustBundle, until } from './fixtures.ts';

const local = { Partition: 'default', Datacenter: 'dc2', Locality: { Region: 'eu-west-1', Zone: 'a' } };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function acceptor(): Promise<AcceptorFixture> {
  const fixture = await startAcceptor();
  cleanups.push(() => fixture.close());
  return fixture;
}

describe('dialer and acceptor over loopback TLS', () => {
  it('complete the handshake and replicate services, instances and trust bundles both ways', async () => {
    const acc = await acceptor();
    const token = acc.token('dc2-peer');
    const peeringID = token.PeerID;
    acc.store
      .exports(peeringID)
      .setService('web', [instance('web', 'n1', '10.0.0.1', 8080), instance('web', 'n2', '10.0.0.2', 8080)]);
    acc.store.exports(peeringID).setTrustBundle(trustBundle(acc.identity));
    acc.store.exports(peeringID).setServerAddresses([acc.address]);

    const dialerIdentity = await createAcceptorIdentity({ datacenter: 'dc2' });
    const exports = createExportSet({
      services: new Map([['api', [instance('api', 'm1', '10.1.0.1', 9090)]]]),
    });
    exports.setTrustBundle(trustBundle(dialerIdentity));
    const imports = new ImportedState({ peerName: 'dc1-peer', partition: 'default' });
    const events: DialerEvent[] = [];
    const dialer = await dialPeer(token, {
      local,
      exports,
      imports,
      heartbeatIntervalMs: 50,
      idleTimeoutMs: 2_000,
      onEvent: (e) => events.push(e),
    });
    cleanups.push(() => dialer.close());

    const dialerView = await imports.waitFor(
      (d) =>
        d.services.get('web')?.length === 2 && d.trustBundle !== undefined && d.serverAddresses.length > 0,
    );
    expect(dialerView.serviceList).toEqual(['web']);
    expect(dialerView.services.get('web')?.map((n) => n.Service?.Address)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(dialerView.services.get('web')?.[0]?.Service?.PeerName).toBe('dc1-peer');
    expect(dialerView.trustBundle?.TrustDomain).toBe(acc.identity.trustDomain);
    expect(dialerView.trustBundle?.RootPEMs).toEqual([acc.identity.ca.certPem]);
    expect(dialerView.trustBundle?.PeerName).toBe('dc1-peer');
    expect(dialerView.serverAddresses).toEqual([acc.address]);

    const acceptorView = await acc.store
      .imports(peeringID)
      .waitFor((d) => d.services.has('api') && d.trustBundle !== undefined);
    expect(acceptorView.serviceList).toEqual(['api']);
    expect(acceptorView.services.get('api')?.[0]?.Service?.Port).toBe(9090);
    expect(acceptorView.trustBundle?.TrustDomain).toBe(dialerIdentity.trustDomain);
    expect(acceptorView.trustBundle?.PeerName).toBe('dc2-peer');
    // The acceptor never subscribes to server addresses, as in Consul.
    expect(acceptorView.serverAddresses).toEqual([]);

    expect(acc.server.isConnected(peeringID)).toBe(true);
    expect(acc.store.peeringByID(peeringID)?.remote).toEqual(local);
    expect(acc.store.secrets(peeringID)?.activeStream).toBeDefined();
    expect(acc.store.secrets(peeringID)?.pendingStream).toBeUndefined();
    expect(acc.store.secrets(peeringID)?.establishment).toBeUndefined();
    expect(dialer.state()).toBe('active');

    const nonces = events.filter((e) => e.type === 'ack').map((e) => ('nonce' in e ? e.nonce : ''));
    expect(nonces.length).toBeGreaterThan(0);
    for (const nonce of nonces) expect(nonce).toMatch(/^[0-9a-f]{8}$/);
  });

  it('exchange heartbeats and expose the data behind Consul StreamStatus on both sides', async () => {
    const acc = await acceptor();
    const token = acc.token('dc2-peer');
    acc.store.exports(token.PeerID).setService('web', [instance('web', 'n1', '10.0.0.1', 80)]);
    const received: string[] = [];
    const dialer = await dialPeer(token, {
      local,
      exports: createExportSet({ services: new Map([['api', [instance('api', 'm', '10.1.0.1', 81)]]]) }),
      heartbeatIntervalMs: 50,
      idleTimeoutMs: 2_000,
      onEvent: (e) => {
        if (e.type === 'heartbeat-received') received.push(e.type);
      },
    });
    cleanups.push(() => dialer.close());
    await (dialer.imports as ImportedState).waitFor((d) => d.services.has('web'));
    await acc.store.imports(token.PeerID).waitFor((d) => d.services.has('api'));
    await until(
      () => received.length >= 3 && acc.server.streamStatus(token.PeerID)?.lastHeartbeat !== undefined,
    );

    const acceptorStatus = acc.server.consulStreamStatus(token.PeerID);
    expect(acceptorStatus?.ImportedServices).toEqual(['api']);
    expect(acceptorStatus?.ExportedServices).toEqual(['web']);
    expect(acceptorStatus?.LastHeartbeat).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(acceptorStatus?.LastReceive).not.toBeNull();
    expect(acceptorStatus?.LastSend).not.toBeNull();
    const dialerStatus = dialer.consulStreamStatus();
    expect(dialerStatus.ImportedServices).toEqual(['web']);
    expect(dialerStatus.ExportedServices).toEqual(['api']);
    expect(dialerStatus.LastHeartbeat).not.toBeNull();
    expect(dialer.status().connected).toBe(true);
  });

  it('replicates export changes: a removed service disappears from the peer', async () => {
    const acc = await acceptor();
    const token = acc.token('dc2-peer');
    const exports = acc.store.exports(token.PeerID);
    exports.setService('web', [instance('web', 'n1', '10.0.0.1', 80)]);
    exports.setService('db', [instance('db', 'n1', '10.0.0.1', 5432)]);
    const dialer = await dialPeer(token, { local, heartbeatIntervalMs: 50 });
    cleanups.push(() => dialer.close());
    const imports = dialer.imports as ImportedState;
    await imports.waitFor((d) => d.services.has('web') && d.services.has('db'));
    exports.removeService('db');
    exports.setService('web', [instance('web', 'n1', '10.0.0.1', 80), instance('web', 'n3', '10.0.0.3', 80)]);
    const after = await imports.waitFor((d) => !d.services.has('db') && d.services.get('web')?.length === 2);
    expect(after.serviceList).toEqual(['web']);
    await until(() => dialer.consulStreamStatus().ImportedServices.join() === 'web');
  });

  it('subscribes to the four resource URLs from the dialer and three from the acceptor', async () => {
    const subscribedByAcceptor: string[] = [];
    const acc = await startAcceptor({
      heartbeatIntervalMs: 50,
      onEvent: (_id, e) => {
        if (e.type === 'subscribed') subscribedByAcceptor.push(e.resourceURL);
      },
    });
    cleanups.push(() => acc.close());
    const subscribedByDialer: string[] = [];
    const dialer = await dialPeer(acc.token('p'), {
      local,
      onEvent: (e) => {
        if (e.type === 'subscribed') subscribedByDialer.push(e.resourceURL);
      },
    });
    cleanups.push(() => dialer.close());
    await until(() => subscribedByAcceptor.length === 4 && subscribedByDialer.length === 3);
    expect(subscribedByAcceptor.sort()).toEqual(Object.values(ResourceURL).sort());
    expect(subscribedByDialer).not.toContain(ResourceURL.serverAddresses);
  });
});
