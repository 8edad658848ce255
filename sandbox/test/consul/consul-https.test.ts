/**
 * The API as the chart serves it with `global.tls.enabled`: HTTPS on its own port with a server
 * certificate from the cluster's CA and the chart's names, plain HTTP on that port answered as Go
 * answers it, the plain listener only without `httpsOnly`, and ports kept across a restart.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { directTransport } from '../../../src/consul/consul-transport.ts';
import { createCertificateAuthority } from '../../../src/tls/certificate-authority.ts';
import type { SimulatedConsul } from '../../src/consul/consul-server.ts';
import { apiTls, startServer } from './consul-test-helpers.ts';

const servers: SimulatedConsul[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(api: { http: boolean; https: boolean; ca?: { certPem: string; keyPem: string } }) {
  const server = await startServer({ cluster: 'tls', datacenter: 'dc1', api, namespace: 'consul' });
  servers.push(server);
  return server;
}

/** Sends raw bytes and collects everything until the server closes. */
function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: hostname, port: Number(port) }, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

function peerCertificate(url: string, ca: string) {
  const { hostname, port } = new URL(url);
  return new Promise<ReturnType<import('node:tls').TLSSocket['getPeerCertificate']>>((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), ca }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('the HTTPS API', () => {
  it('serves only HTTPS with httpsOnly, with the chart server certificate under the cluster CA', async () => {
    const server = await start({ http: false, https: true });
    expect(server.httpUrl).toBeUndefined();
    expect(server.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.apiUrl).toBe(server.httpsUrl);
    expect(server.apiCaPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(await apiTls(server, 'GET', '/v1/peerings')).toEqual({ status: 200, body: '[]' });
    const untrusted = await createCertificateAuthority('someone else');
    await expect(apiTls(server, 'GET', '/v1/peerings', { ca: untrusted.certPem })).rejects.toThrow();
    const cert = await peerCertificate(server.apiUrl, server.apiCaPem ?? '');
    expect(cert.subject.CN).toBe('server.dc1.consul');
    const sans = cert.subjectaltname?.split(', ') ?? [];
    expect(sans).toEqual(
      expect.arrayContaining([
        'DNS:consul-consul-server',
        'DNS:*.consul-consul-server',
        'DNS:*.consul-consul-server.consul',
        'DNS:*.consul-consul-server.consul.svc',
        'DNS:server.dc1.consul',
        'DNS:localhost',
        'IP Address:127.0.0.1',
      ]),
    );
  });

  it('answers plain HTTP on the TLS port with Go net/http text', async () => {
    const server = await start({ http: false, https: true });
    const answer = await rawExchange(server.apiUrl, 'GET /v1/peerings HTTP/1.1\r\nHost: consul\r\n\r\n');
    expect(answer).toBe('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n');
    const plain = await fetch(server.apiUrl.replace('https:', 'http:'));
    expect(plain.status).toBe(400);
    expect(await plain.text()).toBe('Client sent an HTTP request to an HTTPS server.\n');
  });

  it('serves both listeners without httpsOnly, signs with a given CA and keeps ports across a restart', async () => {
    const ca = await createCertificateAuthority('Consul Agent CA given');
    const server = await start({ http: true, https: true, ca: { certPem: ca.certPem, keyPem: ca.keyPem } });
    expect(server.apiCaPem).toBe(ca.certPem);
    expect(server.apiUrl).toBe(server.httpsUrl);
    expect(server.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.httpUrl}/v1/peerings`)).status).toBe(200);
    await server.faults.stop();
    await expect(apiTls(server, 'GET', '/v1/peerings')).rejects.toThrow();
    await server.faults.start();
    expect((await apiTls(server, 'GET', '/v1/peerings')).status).toBe(200);
    expect((await fetch(`${server.httpUrl}/v1/peerings`)).status).toBe(200);
  });

  it('needs at least one listener', async () => {
    await expect(start({ http: false, https: false })).rejects.toThrow(
      'the Consul API needs a listener: turn on api.http or api.https',
    );
  });

  it('serves in-cluster clients that trust the CA through directTransport', async () => {
    const server = await start({ http: false, https: true });
    const transport = directTransport(server.apiUrl, { ca: server.apiCaPem ?? '' });
    const res = await transport.send('GET', '/v1/catalog/service/consul', {});
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveLength(1);
  });
});
