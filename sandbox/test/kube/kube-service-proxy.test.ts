/**
 * The API server's service proxy against the rules of kubernetes storage.go ResourceLocation: ports
 * by name and number, unknown and unserved ports, the scheme taken from the request, an HTTPS
 * backend with a self-signed certificate, and a TLS listener answering a plain-HTTP request itself.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { request } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../../../src/tls/certificate-authority.ts';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';

let cluster: SandboxCluster;
let plain: Server;
let tls: NetServer;
const portOf = (s: Server | NetServer): number => (s.address() as AddressInfo).port;

/** A TLS listener that, like Go's net/http, answers a plain-HTTP request with a 400 of its own. */
async function tlsBackend(): Promise<NetServer> {
  const ca = await createCertificateAuthority('self-signed backend');
  const https = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ tls: true, path: req.url }));
  });
  const secure = createTlsServer({ cert: ca.certPem, key: ca.keyPem }, (socket) =>
    https.emit('connection', socket),
  );
  const server = createNetServer((socket) => {
    socket.once('data', (first: Buffer) => {
      if (first[0] !== 0x16) {
        socket.end('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n');
        return;
      }
      // A JS stream (not the raw socket) lets the TLS server read the bytes already consumed.
      const readable = new PassThrough();
      readable.write(first);
      socket.pipe(readable);
      secure.emit('connection', Duplex.from({ readable, writable: socket }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function get(path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.kube.url}${path}`,
      { ca: cluster.kube.caPem, headers: { authorization: `Bearer ${cluster.kube.token}` } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const proxy = (id: string, path = 'v1/status/leader') =>
  get(`/api/v1/namespaces/consul/services/${id}/proxy/${path}`);

beforeAll(async () => {
  cluster = await SandboxCluster.start({ name: 'proxy' });
  plain = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ tls: false, path: req.url }));
  });
  plain.listen(0, '127.0.0.1');
  await once(plain, 'listening');
  tls = await tlsBackend();
  cluster.objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'consul' } });
  // The chart's headless server Service, created by someone other than registerServiceEndpoint.
  cluster.objects.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'consul-consul-server', namespace: 'consul' },
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      ports: [
        { name: 'http', port: 8500, targetPort: 8500 },
        { name: 'https', port: 8501, targetPort: 8501 },
        { name: 'grpc', port: 8502, targetPort: 8502 },
      ],
      selector: { app: 'consul', component: 'server' },
    },
  });
  const noService = { ensureService: false };
  cluster.registerServiceEndpoint('consul', 'consul-consul-server', `https://127.0.0.1:${portOf(tls)}`, {
    ...noService,
    port: 'https',
  });
  cluster.registerServiceEndpoint('consul', 'consul-consul-server', `http://127.0.0.1:${portOf(plain)}`, {
    ...noService,
    port: 'http',
  });
});

afterAll(async () => {
  await cluster.stop();
  plain.close();
  tls.close();
});

describe('service proxy', () => {
  it('reaches an https port by name or number without verifying the self-signed certificate', async () => {
    for (const id of ['https:consul-consul-server:https', 'https:consul-consul-server:8501']) {
      const answer = await proxy(id, 'v1/status/leader?stale=true');
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ tls: true, path: '/v1/status/leader?stale=true' });
    }
  });

  it('connects with http by default, whatever port is named', async () => {
    for (const id of ['consul-consul-server:http', 'http:consul-consul-server:8500']) {
      expect(JSON.parse((await proxy(id)).text)).toEqual({ tls: false, path: '/v1/status/leader' });
    }
  });

  it('relays the TLS backend answer to a plain-HTTP request', async () => {
    const answer = await proxy('consul-consul-server:https');
    expect(answer).toEqual({ status: 400, text: 'Client sent an HTTP request to an HTTPS server.\n' });
  });

  it('answers 503 when https meets a plain-HTTP backend', async () => {
    const answer = await proxy('https:consul-consul-server:http');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.text)).toMatchObject({
      reason: 'ServiceUnavailable',
      message: 'error trying to reach service: tls: first record does not look like a TLS handshake',
    });
  });

  it('answers unknown port numbers and unserved port names as the real server does', async () => {
    const cases: Array<[string, string]> = [
      ['consul-consul-server:9999', 'no service port 9999 found for service "consul-consul-server"'],
      [
        'https:consul-consul-server:grpc',
        'no endpoints available for service "https:consul-consul-server:grpc"',
      ],
      [
        'https:consul-consul-server:8502',
        'no endpoints available for service "https:consul-consul-server:8502"',
      ],
      [
        'https:consul-consul-server:serf',
        'no endpoints available for service "https:consul-consul-server:serf"',
      ],
      ['consul-consul-server', 'no endpoints available for service "consul-consul-server"'],
    ];
    for (const [id, message] of cases) {
      const answer = await proxy(id);
      expect(answer.status, id).toBe(503);
      expect(JSON.parse(answer.text), id).toMatchObject({ code: 503, reason: 'ServiceUnavailable', message });
    }
  });

  it('answers a Service without endpoints, a missing Service and a malformed id', async () => {
    cluster.objects.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'idle', namespace: 'consul' },
      spec: { ports: [{ name: 'http', port: 80 }] },
    });
    expect(JSON.parse((await proxy('idle:http')).text)).toMatchObject({
      code: 503,
      message: 'no endpoints available for service "idle"',
    });
    expect(JSON.parse((await proxy('absent:http')).text)).toMatchObject({
      code: 404,
      message: 'endpoints "absent" not found',
    });
    expect(JSON.parse((await proxy('ftp:consul-consul-server:http')).text)).toMatchObject({
      code: 400,
      message: 'invalid service request "ftp:consul-consul-server:http"',
    });
  });

  it('creates a one-port Service for an endpoint registered without one', async () => {
    cluster.registerServiceEndpoint('tools', 'echo', `http://127.0.0.1:${portOf(plain)}/base/`, {
      port: 'web',
    });
    const svc = cluster.objects.get({ apiVersion: 'v1', kind: 'Service', namespace: 'tools', name: 'echo' });
    expect(svc?.spec).toMatchObject({ ports: [{ name: 'web', port: portOf(plain), protocol: 'TCP' }] });
    const answer = await get('/api/v1/namespaces/tools/services/echo:web/proxy/x/');
    expect(JSON.parse(answer.text)).toEqual({ tls: false, path: '/base/x/' });
  });
});

describe('headless Service', () => {
  it('keeps clusterIP None and prints it in tables', async () => {
    const svc = cluster.objects.get({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: 'consul',
      name: 'consul-consul-server',
    });
    expect(svc?.spec).toMatchObject({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] });
    const table = await new Promise<{ rows: Array<{ cells: unknown[] }> }>((resolve, reject) => {
      const req = request(
        `${cluster.kube.url}/api/v1/namespaces/consul/services/consul-consul-server`,
        {
          ca: cluster.kube.caPem,
          headers: {
            authorization: `Bearer ${cluster.kube.token}`,
            accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve(JSON.parse(text)));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(table.rows[0]?.cells.slice(0, 5)).toEqual([
      'consul-consul-server',
      'ClusterIP',
      'None',
      '<none>',
      '8500/TCP,8501/TCP,8502/TCP',
    ]);
  });

  it('requires unique names on the ports of a multi-port Service', () => {
    expect(() =>
      cluster.objects.create({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'unnamed', namespace: 'consul' },
        spec: { ports: [{ port: 80 }, { name: 'a', port: 81 }, { name: 'a', port: 82 }] },
      }),
    ).toThrow(
      'Service "unnamed" is invalid: [spec.ports[0].name: Required value, spec.ports[2].name: Duplicate value: "a"]',
    );
  });
});
