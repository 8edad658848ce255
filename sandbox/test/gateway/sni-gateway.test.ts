import { once } from 'node:events';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../../src/tls/certificate-authority.ts';
import { readClientHello } from '../../src/gateway/client-hello.ts';
import { SniGateway } from '../../src/gateway/sni-gateway.ts';

const serverName = 'server.dc1.peering.11111111-2222-3333-4444-555555555555.consul';
let caPem = '';
let upstream: Server;
let upstreamAddress = '';

/** Captures the first bytes a TLS client sends (its ClientHello) for the given SNI. */
async function captureHello(sni: string | undefined): Promise<Buffer> {
  const raw = createServer();
  raw.listen(0, '127.0.0.1');
  await once(raw, 'listening');
  const port = (raw.address() as { port: number }).port;
  const got = new Promise<Buffer>((resolve) =>
    raw.once('connection', (s: Socket) => s.once('data', (d: Buffer) => resolve(d))),
  );
  const client = tlsConnect({ host: '127.0.0.1', port, ...(sni !== undefined && { servername: sni }) });
  client.on('error', () => {});
  const hello = await got;
  client.destroy();
  raw.close();
  return hello;
}

/** Re-frames one handshake record into two records, as a TLS stack may fragment a ClientHello. */
function fragment(record: Buffer, at: number): Buffer {
  const payload = record.subarray(5, 5 + record.readUInt16BE(3));
  const frame = (part: Buffer) =>
    Buffer.concat([Buffer.from([0x16, 0x03, 0x01, part.length >> 8, part.length & 0xff]), part]);
  return Buffer.concat([frame(payload.subarray(0, at)), frame(payload.subarray(at))]);
}

function tlsEcho(gateway: SniGateway, sni: string): Promise<string> {
  const [host, port] = gateway.address.split(':');
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = tlsConnect({ host, port: Number(port), servername: sni, ca: caPem }, () =>
      socket.write('ping'),
    );
    socket.once('data', (d: Buffer) => {
      resolve(d.toString());
      socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed')));
  });
}

beforeAll(async () => {
  const ca = await createCertificateAuthority('gateway test CA');
  caPem = ca.certPem;
  const leaf = await ca.issue({ commonName: serverName, dnsNames: [serverName] });
  upstream = createTlsServer({ cert: leaf.certPem, key: leaf.keyPem }, (s) =>
    s.on('data', (d: Buffer) => s.write(`echo:${d}`)),
  );
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamAddress = `127.0.0.1:${(upstream.address() as { port: number }).port}`;
});

afterAll(() => {
  upstream.close();
});

describe('ClientHello SNI parsing', () => {
  it('reads the server name from a real ClientHello, also when fragmented or cut short', async () => {
    const hello = await captureHello(serverName);
    expect(readClientHello(hello)).toEqual({ status: 'sni', serverName });
    expect(readClientHello(hello.subarray(0, 30))).toEqual({ status: 'incomplete' });
    expect(readClientHello(fragment(hello, 40))).toEqual({ status: 'sni', serverName });
    expect(readClientHello(fragment(hello, 40).subarray(0, 60))).toEqual({ status: 'incomplete' });
  });

  it('tells a ClientHello without SNI from bytes that are not TLS', async () => {
    expect(readClientHello(await captureHello(undefined))).toEqual({ status: 'no-sni' });
    expect(readClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toMatchObject({ status: 'not-tls' });
  });
});

describe('SNI gateway', () => {
  it('passes TLS through to the routed target end to end and counts per name', async () => {
    const gateway = await SniGateway.start();
    try {
      gateway.setRoute(serverName, () => upstreamAddress);
      expect(await tlsEcho(gateway, serverName)).toBe('echo:ping');
      expect(await tlsEcho(gateway, serverName.toUpperCase())).toBe('echo:ping');
      expect(gateway.counters().routed).toEqual({ [serverName]: 2 });
    } finally {
      await gateway.stop();
    }
  });

  it('closes connections for unknown names, refused guards and non-TLS bytes', async () => {
    let allow = false;
    const gateway = await SniGateway.start({ guard: async () => allow });
    try {
      gateway.setRoute(serverName, () => upstreamAddress);
      await expect(tlsEcho(gateway, 'server.other.peering.x.consul')).rejects.toThrow();
      await expect(tlsEcho(gateway, serverName)).rejects.toThrow();
      allow = true;
      expect(await tlsEcho(gateway, serverName)).toBe('echo:ping');
      const [host, port] = gateway.address.split(':');
      const plain = netConnect({ host, port: Number(port) });
      await once(plain, 'connect');
      plain.write('GET / HTTP/1.1\r\n\r\n');
      await once(plain, 'close');
      expect(gateway.counters()).toMatchObject({
        routed: { [serverName]: 1 },
        refused: { 'server.other.peering.x.consul': 1, [serverName]: 1, '(not tls)': 1 },
      });
    } finally {
      await gateway.stop();
    }
  });
});

describe('SNI gateway resolver', () => {
  it('routes names without a fixed route through the resolver, outside the fixed routes guard', async () => {
    const asked: string[] = [];
    const gateway = await SniGateway.start({ guard: async () => false });
    try {
      gateway.setResolver(async (name) => {
        asked.push(name);
        return name === serverName ? upstreamAddress : undefined;
      });
      expect(await tlsEcho(gateway, serverName)).toBe('echo:ping');
      await expect(tlsEcho(gateway, 'other.default.default.peer.external.x.consul')).rejects.toThrow();
      gateway.setResolver(async () => {
        throw new Error('no configuration');
      });
      await expect(tlsEcho(gateway, serverName)).rejects.toThrow();
      gateway.setResolver(undefined);
      await expect(tlsEcho(gateway, serverName)).rejects.toThrow();
      expect(asked).toEqual([serverName, 'other.default.default.peer.external.x.consul']);
      expect(gateway.counters()).toMatchObject({
        routed: { [serverName]: 1 },
        refused: { [serverName]: 2, 'other.default.default.peer.external.x.consul': 1 },
      });
    } finally {
      await gateway.stop();
    }
  });
});
