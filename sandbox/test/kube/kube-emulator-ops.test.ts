import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';
import { renderKubeconfig } from '../../src/sandbox-files.ts';
import { kubeConfigFor, statusOf, waitFor } from '../sandbox-test-helpers.ts';

let cluster: SandboxCluster;
let kc: KubeConfig;
let core: CoreV1Api;
let upstream: Server;
let upstreamHeaders: IncomingHttpHeaders | undefined;

/** Raw HTTPS call to the emulator (trusting its CA), for the non-Kubernetes admin API. */
async function admin(
  method: string,
  path: string,
  body?: unknown,
  token = cluster.kube.token,
): Promise<{ status: number; json: unknown }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.kube.url}${path}`,
      {
        method,
        ca: cluster.kube.caPem,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

beforeAll(async () => {
  cluster = await SandboxCluster.start({ name: 'ops-01', kube: { random: () => 0 } });
  kc = kubeConfigFor(cluster);
  core = kc.makeApiClient(CoreV1Api);
  upstream = createServer((req, res) => {
    upstreamHeaders = req.headers;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, method: req.method }));
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
});

afterAll(async () => {
  await cluster?.stop();
  upstream?.close();
});

describe('authentication and discovery', () => {
  it('refuses a missing or wrong bearer token with a 401 Status', async () => {
    const wrong = new KubeConfig();
    wrong.loadFromString(renderKubeconfig([cluster]).replace(cluster.kube.token, 'wrong-token'));
    expect((await statusOf(wrong.makeApiClient(CoreV1Api).listNamespace())).code).toBe(401);
    const raw = await admin('GET', '/api/v1/namespaces', undefined, 'nope');
    expect(raw).toEqual({
      status: 401,
      json: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      },
    });
  });

  it('serves version, group discovery and OpenAPI v3 with fieldValidation on every patch operation', async () => {
    expect(((await admin('GET', '/version')).json as { major: string }).major).toBe('1');
    const list = (await admin('GET', '/apis/consul.hashicorp.com/v1alpha1')).json as {
      resources: Array<{ name: string; singularName: string; shortNames?: string[]; verbs: string[] }>;
    };
    const acceptors = list.resources.find((r) => r.name === 'peeringacceptors');
    expect(acceptors).toMatchObject({ singularName: 'peeringacceptor', shortNames: ['peering-acceptor'] });
    expect(list.resources.map((r) => r.name)).toContain('peeringacceptors/status');
    const index = (await admin('GET', '/openapi/v3')).json as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const url = index.paths['apis/consul.hashicorp.com/v1alpha1']?.serverRelativeURL ?? '';
    const doc = (await admin('GET', url)).json as {
      paths: Record<
        string,
        { patch?: { parameters: Array<{ name: string }>; 'x-kubernetes-group-version-kind': unknown } }
      >;
      components: { schemas: Record<string, unknown> };
    };
    const patch =
      doc.paths['/apis/consul.hashicorp.com/v1alpha1/namespaces/{namespace}/peeringdialers/{name}']?.patch;
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({
      group: 'consul.hashicorp.com',
      version: 'v1alpha1',
      kind: 'PeeringDialer',
    });
    expect(doc.components.schemas['com.hashicorp.consul.v1alpha1.PeeringDialer']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ kind: 'PeeringDialer' }],
    });
  });
});

describe('request decoding', () => {
  it('refuses an undecodable body with 400 without quoting it back', async () => {
    const { request } = await import('node:https');
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${cluster.kube.url}/api/v1/namespaces/default/secrets`,
        {
          method: 'POST',
          ca: cluster.kube.caPem,
          headers: { authorization: `Bearer ${cluster.kube.token}`, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end('{"data": {"token": "c2VjcmV0LXZhbHVl"}');
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('error decoding request body: not valid JSON');
    expect(answer.text).not.toContain('c2VjcmV0LXZhbHVl');
  });
});

describe('service proxy', () => {
  it('forwards /services/NAME:PORT/proxy/PATH to the registered endpoint without the caller token', async () => {
    const port = (upstream.address() as AddressInfo).port;
    cluster.registerServiceEndpoint('consul', 'consul-server', `http://127.0.0.1:${port}`, { port: 'http' });
    const svc = await core.readNamespacedService({ name: 'consul-server', namespace: 'consul' });
    expect(svc.spec?.ports?.[0]).toMatchObject({ port, name: 'http', protocol: 'TCP' });
    const answer = await core.connectGetNamespacedServiceProxyWithPath({
      name: 'consul-server:http',
      namespace: 'consul',
      path: 'v1/peerings',
    });
    // client-node parses the JSON answer even though the declared type is string.
    expect(answer as unknown).toEqual({ path: '/v1/peerings', method: 'GET' });
    expect(upstreamHeaders?.authorization).toBeUndefined();
    const viaScheme = await admin(
      'GET',
      '/api/v1/namespaces/consul/services/http:consul-server:http/proxy/v1/status/leader?dc=dc1',
    );
    expect(viaScheme.json).toEqual({ path: '/v1/status/leader?dc=dc1', method: 'GET' });
    const missing = await admin('GET', '/api/v1/namespaces/consul/services/absent/proxy/');
    expect(missing.status).toBe(404);
    cluster.objects.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'no-endpoint', namespace: 'consul' },
      spec: { ports: [{ port: 80 }] },
    });
    expect((await admin('GET', '/api/v1/namespaces/consul/services/no-endpoint/proxy/')).status).toBe(503);
  });
});

describe('faults, latency and request counters', () => {
  it('injects 500, 429 and 409 for chosen verbs and resources, changeable through the admin API', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const where = {
      group: 'consul.hashicorp.com',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'peeringdialers',
    };
    const set = await admin('PUT', '/_sandbox/faults', {
      rules: [{ verbs: ['list'], resources: ['peeringdialers'], rate: 1, fault: 500 }],
    });
    expect(set.status).toBe(200);
    expect((await statusOf(custom.listNamespacedCustomObject(where))).code).toBe(500);
    expect((await core.listNamespacedSecret({ namespace: 'default' })).items).toBeDefined();
    cluster.faults.configure({ rules: [{ verbs: ['create'], rate: 1, fault: 429 }] });
    const throttled = await statusOf(
      core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'x' } } }),
    );
    expect(throttled).toMatchObject({ code: 429, reason: 'TooManyRequests' });
    cluster.faults.configure({
      rules: [{ verbs: ['patch'], resources: ['secrets'], rate: 1, fault: 409 }],
      latency: { fixedMs: 1, jitterMs: 1 },
    });
    expect(
      (await statusOf(core.patchNamespacedSecret({ namespace: 'default', name: 'x', body: [] }))).reason,
    ).toBe('Conflict');
    expect((await admin('DELETE', '/_sandbox/faults')).json).toEqual({});
    expect((await admin('PUT', '/_sandbox/faults', { rules: [{ rate: 3, fault: 500 }] })).status).toBe(400);
  });

  it('holds a hung request open until the client gives up', async () => {
    const { request } = await import('node:https');
    cluster.faults.configure({
      rules: [{ verbs: ['get'], resources: ['configmaps'], rate: 1, fault: 'hang' }],
    });
    const before = cluster.requests.count({ verb: 'get', resource: 'configmaps' });
    let answered = false;
    const req = request(
      `${cluster.kube.url}/api/v1/namespaces/default/configmaps/x`,
      { ca: cluster.kube.caPem, headers: { authorization: `Bearer ${cluster.kube.token}` } },
      () => {
        answered = true;
      },
    );
    req.on('error', () => {});
    req.end();
    await waitFor(
      () => (cluster.requests.count({ verb: 'get', resource: 'configmaps' }) > before ? true : undefined),
      'the request to arrive',
    );
    await core.listNamespacedSecret({ namespace: 'default' });
    expect(answered).toBe(false);
    expect(cluster.kube.heldRequests).toBe(1);
    req.destroy();
    await waitFor(() => (cluster.kube.heldRequests === 0 ? true : undefined), 'the server to release it');
    cluster.faults.clear();
  });

  it('counts every request by verb and resource, and resets on demand', async () => {
    await admin('DELETE', '/_sandbox/requests');
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'counted' }, data: { a: '1' } },
    });
    await core.readNamespacedConfigMap({ namespace: 'default', name: 'counted' });
    await core.readNamespacedConfigMap({ namespace: 'default', name: 'counted' });
    expect(cluster.requests.count({ verb: 'get', resource: 'configmaps' })).toBe(2);
    expect(cluster.requests.writes()).toBe(1);
    const report = (await admin('GET', '/_sandbox/requests')).json as {
      writes: number;
      counts: Array<{ verb: string; resource: string; count: number }>;
    };
    expect(report.counts).toContainEqual({ verb: 'create', resource: 'configmaps', count: 1 });
    expect(JSON.stringify(report)).not.toContain('counted');
  });
});

describe('namespaces', () => {
  it('refuses content in a missing namespace and terminates a namespace with its content', async () => {
    expect(
      (await statusOf(core.createNamespacedSecret({ namespace: 'ghost', body: { metadata: { name: 's' } } })))
        .code,
    ).toBe(404);
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedSecret({
      namespace: 'doomed',
      body: { metadata: { name: 's', finalizers: ['example.com/hold'] } },
    });
    const terminating = await core.deleteNamespace({ name: 'doomed' });
    expect((terminating as { status?: { phase?: string } }).status?.phase).toBe('Terminating');
    const blocked = await statusOf(
      core.createNamespacedSecret({ namespace: 'doomed', body: { metadata: { name: 't' } } }),
    );
    expect(blocked.code).toBe(403);
    await core.patchNamespacedSecret({
      namespace: 'doomed',
      name: 's',
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    expect((await statusOf(core.readNamespace({ name: 'doomed' }))).code).toBe(404);
    expect((await statusOf(core.deleteNamespace({ name: 'default' }))).code).toBe(403);
  });
});

describe('persistence', () => {
  it('keeps objects, credentials and the port across a restart with a state directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshpeer-kube-'));
    try {
      const first = await SandboxCluster.start({ name: 'persist-01', stateDir: dir });
      first.objects.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'kept', namespace: 'default' },
        stringData: { token: 'abc' },
      });
      const { url, token } = first.kube;
      await first.stop();
      expect((await stat(join(dir, 'kube', 'store', 'objects.json'))).mode & 0o777).toBe(0o600);
      const second = await SandboxCluster.start({ name: 'persist-01', stateDir: dir });
      try {
        expect(second.kube.url).toBe(url);
        expect(second.kube.token).toBe(token);
        const kept = await kubeConfigFor(second)
          .makeApiClient(CoreV1Api)
          .readNamespacedSecret({ name: 'kept', namespace: 'default' });
        expect(kept.data?.token).toBe(Buffer.from('abc').toString('base64'));
        const before = Number(kept.metadata?.resourceVersion);
        const next = second.objects.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'after', namespace: 'default' },
        });
        expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(before);
      } finally {
        await second.stop();
      }
      expect(await readFile(join(dir, 'kube', 'store', 'objects.json'), 'utf8')).toContain('"after"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
