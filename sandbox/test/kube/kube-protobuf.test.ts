/**
 * Protobuf request bodies (`application/vnd.kubernetes.protobuf`): the wire decoder on hand-built
 * bytes, the bytes kubectl 1.32 really sends for `create secret generic`, and the HTTP behaviour
 * (201 for Secret/ConfigMap/Namespace, 400 for malformed bytes, 415 for custom resources).
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiServer } from '../../src/kube/kube-api-server.ts';
import { decodeProtobufBody } from '../../src/kube/protobuf/protobuf-body.ts';
import { defaultCatalog } from '../../src/kube/resource-catalog.ts';

// A minimal protobuf writer, so the bytes under test are built independently of the reader.
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const ld = (field: number, payload: number[] | string | Buffer): number[] => {
  const bytes = typeof payload === 'string' ? [...Buffer.from(payload)] : [...payload];
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
};
const vi = (field: number, value: number): number[] => [...varint(field << 3), ...varint(value)];
const entry = (field: number, key: string, value: string | Buffer): number[] =>
  ld(field, [...ld(1, key), ...ld(2, value)]);
const magic = [0x6b, 0x38, 0x73, 0x00];
const envelope = (apiVersion: string, kind: string, raw: number[]): Buffer =>
  Buffer.from([
    ...magic,
    ...ld(1, [...ld(1, apiVersion), ...ld(2, kind)]),
    ...ld(2, raw),
    ...ld(3, ''),
    ...ld(4, ''),
  ]);

const catalog = defaultCatalog();
const secrets = catalog.require('v1', 'Secret');
const configMaps = catalog.require('v1', 'ConfigMap');

const secretRaw = [
  ...ld(1, [
    ...ld(1, 'token'),
    ...ld(2, ''),
    ...ld(3, 'consul'),
    ...entry(11, 'consul.hashicorp.com/peering-token', 'true'),
    ...entry(11, 'app', 'web'),
    ...entry(12, 'note', 'copied'),
    ...ld(14, 'example.com/keep'),
    ...ld(8, []),
  ]),
  ...entry(2, 'data', Buffer.from([0x00, 0xff, 0x10])),
  ...entry(2, 'text', 'hello'),
  ...ld(3, 'Opaque'),
  ...entry(4, 'extra', 'plain'),
  ...vi(5, 0),
];

describe('protobuf body decoder', () => {
  it('decodes a Secret with labels, annotations, finalizers and binary data', () => {
    expect(decodeProtobufBody(secrets, envelope('v1', 'Secret', secretRaw))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'token',
        namespace: 'consul',
        labels: { 'consul.hashicorp.com/peering-token': 'true', app: 'web' },
        annotations: { note: 'copied' },
        finalizers: ['example.com/keep'],
      },
      data: { data: Buffer.from([0x00, 0xff, 0x10]).toString('base64'), text: 'aGVsbG8=' },
      type: 'Opaque',
      stringData: { extra: 'plain' },
      immutable: false,
    });
  });

  it('decodes the exact bytes kubectl 1.32 sends for create secret generic s1 --from-literal=k=v', () => {
    const sent = Buffer.from(
      '6b3873000a0c0a0276311206536563726574121e0a120a0273311200' +
        '1a0022002a0032003800420012060a016b1201761a001a002200',
      'hex',
    );
    expect(decodeProtobufBody(secrets, sent)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1' },
      data: { k: 'dg==' },
    });
  });

  it('decodes a ConfigMap with data and binaryData, skipping unknown fields', () => {
    const raw = [
      ...ld(1, ld(1, 'settings')),
      ...entry(2, 'mode', 'local'),
      ...entry(3, 'blob', Buffer.from([1, 2, 3])),
      ...ld(99, 'a field from a newer release'),
      ...vi(4, 1),
    ];
    expect(decodeProtobufBody(configMaps, envelope('v1', 'ConfigMap', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { mode: 'local' },
      binaryData: { blob: 'AQID' },
      immutable: true,
    });
  });

  it('decodes a headless Service with named and numbered target ports', () => {
    const services = catalog.require('v1', 'Service');
    const port = (name: string, number: number, target: number[]) =>
      ld(1, [...ld(1, name), ...ld(2, 'TCP'), ...vi(3, number), ...ld(4, target)]);
    const raw = [
      ...ld(1, ld(1, 'consul-server')),
      ...ld(2, [
        ...port('https', 8501, [...vi(1, 1), ...ld(3, 'https')]),
        ...port('grpc', 8502, [...vi(1, 0), ...vi(2, 8503)]),
        ...entry(2, 'app', 'consul'),
        ...ld(3, 'None'),
        ...ld(4, 'ClusterIP'),
        ...vi(13, 1),
      ]),
    ];
    expect(decodeProtobufBody(services, envelope('v1', 'Service', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'consul-server' },
      spec: {
        ports: [
          { name: 'https', protocol: 'TCP', port: 8501, targetPort: 'https' },
          { name: 'grpc', protocol: 'TCP', port: 8502, targetPort: 8503 },
        ],
        selector: { app: 'consul' },
        clusterIP: 'None',
        type: 'ClusterIP',
        publishNotReadyAddresses: true,
      },
    });
  });

  it('refuses malformed bytes with a 400 that names the problem and quotes no data', () => {
    const truncated = envelope('v1', 'Secret', secretRaw).subarray(0, 60);
    const cases: Array<[Buffer, string]> = [
      [Buffer.from('{"kind":"Secret"}'), 'provided data does not appear to be a protobuf message'],
      [Buffer.from(magic), 'the object provided is unrecognized (must be of type Secret): empty body'],
      [truncated, 'the object provided is unrecognized (must be of type Secret): unexpected EOF'],
      [
        envelope('v1', 'Secret', [...ld(1, [...vi(1, 5)])]),
        'Secret in version "v1" cannot be handled as a Secret: proto: wrong wireType = 0 for field Name',
      ],
      [
        envelope('v1', 'Secret', [...ld(2, [...ld(1, 'k'), 0x12, 0x09, 0x01])]),
        'Secret in version "v1" cannot be handled as a Secret: unexpected EOF',
      ],
      [
        envelope('v1', 'Widget', []),
        'Widget in version "v1" cannot be handled as a Secret: no kind "Widget" is registered for version "v1"',
      ],
    ];
    for (const [body, message] of cases) {
      let thrown: unknown;
      try {
        decodeProtobufBody(secrets, body);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toMatchObject({ code: 400, reason: 'BadRequest' });
      expect((thrown as Error).message).toContain(message);
      expect((thrown as Error).message).not.toContain('hello');
    }
  });
});

describe('protobuf bodies over HTTP', () => {
  let server: KubeApiServer;
  beforeAll(async () => {
    server = await KubeApiServer.start({ name: 'protobuf' });
  });
  afterAll(async () => {
    await server.stop();
  });

  function post(
    path: string,
    body: Buffer,
    method = 'POST',
  ): Promise<{ status: number; contentType: string | undefined; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${server.url}${path}`,
        {
          method,
          ca: server.caPem,
          headers: {
            authorization: `Bearer ${server.token}`,
            'content-type': 'application/vnd.kubernetes.protobuf',
            accept: 'application/vnd.kubernetes.protobuf, application/json',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => {
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'],
              json: JSON.parse(text) as Record<string, unknown>,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('creates and replaces a Secret, creates a Namespace and answers JSON', async () => {
    const created = await post('/api/v1/namespaces', envelope('v1', 'Namespace', ld(1, ld(1, 'consul'))));
    expect(created.status).toBe(201);
    expect(created.contentType).toBe('application/json');
    expect(created.json).toMatchObject({ kind: 'Namespace', status: { phase: 'Active' } });
    const secret = await post('/api/v1/namespaces/consul/secrets', envelope('v1', 'Secret', secretRaw));
    expect(secret.status).toBe(201);
    expect(secret.json).toMatchObject({ metadata: { labels: { app: 'web' } }, data: { text: 'aGVsbG8=' } });
    const replaced = await post(
      '/api/v1/namespaces/consul/secrets/token',
      envelope('v1', 'Secret', [...ld(1, [...ld(1, 'token')]), ...entry(2, 'text', 'bye')]),
      'PUT',
    );
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ data: { text: 'Ynll' } });
    expect(replaced.json.metadata).not.toHaveProperty('labels');
  });

  it('serves /openapi/v2 as the gnostic protobuf Document kubectl 1.20 reads', async () => {
    const answer = await new Promise<{ type: string | undefined; body: Buffer }>((resolve, reject) => {
      const req = request(
        `${server.url}/openapi/v2`,
        {
          ca: server.caPem,
          headers: {
            authorization: `Bearer ${server.token}`,
            accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ type: res.headers['content-type'], body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.type).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(answer.body.subarray(0, 5)).toEqual(Buffer.from([0x0a, 0x03, ...Buffer.from('2.0')]));
  });

  it('answers 400 for malformed bytes and 415 for a custom resource', async () => {
    const bad = await post('/api/v1/namespaces/default/configmaps', Buffer.from([...magic, 0x0a, 0x05]));
    expect(bad).toMatchObject({ status: 400, json: { reason: 'BadRequest' } });
    expect(bad.json.message).toContain('unexpected EOF');
    const crd = await post(
      '/apis/consul.hashicorp.com/v1alpha1/namespaces/default/meshes',
      envelope('consul.hashicorp.com/v1alpha1', 'Mesh', ld(1, ld(1, 'mesh'))),
    );
    expect(crd).toMatchObject({
      status: 415,
      json: {
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
      },
    });
  });
});
