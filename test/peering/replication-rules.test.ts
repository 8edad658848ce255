import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CONSUL_BACKOFF, nextDelay } from '../../src/peering/backoff.ts';
import { createExportSet } from '../../src/peering/export-set.ts';
import {
  ExportedService,
  Operation,
  type ReplicationMessage,
  type ReplicationMessage_Response,
} from '../../src/peering/generated/private/pbpeerstream/peerstream.ts';
import { ImportedState, type ImportSink } from '../../src/peering/imported-state.ts';
import { ReplicationOutbox } from '../../src/peering/replication-outbox.ts';
import { judgeRequest } from '../../src/peering/request-rules.ts';
import { formatNonce, packAny, ResourceURL } from '../../src/peering/resource-urls.ts';
import { handleResponse } from '../../src/peering/response-handler.ts';
import { instance } from './fixtures.ts';

const request = (
  over: Partial<{
    PeerID: string;
    ResponseNonce: string;
    ResourceURL: string;
    Error: { code: number; message: string; details: [] };
  }>,
) => ({
  PeerID: '',
  ResponseNonce: '',
  ResourceURL: ResourceURL.exportedService,
  Error: undefined,
  ...over,
});

describe('judgeRequest', () => {
  const dialer = { role: 'dialer' as const, remotePeerID: 'acc-1' };
  const none = () => false;
  const all = () => true;

  it('subscribes on a first clean request and ACKs or NACKs later ones', () => {
    expect(judgeRequest(request({}), dialer, none)).toEqual({
      kind: 'subscribe',
      url: ResourceURL.exportedService,
    });
    expect(judgeRequest(request({ ResponseNonce: '00000001' }), dialer, all)).toEqual({ kind: 'ack' });
    expect(judgeRequest(request({}), dialer, all)).toEqual({ kind: 'ack' });
    const nack = request({ ResponseNonce: '00000002', Error: { code: 3, message: 'bad', details: [] } });
    expect(judgeRequest(nack, dialer, all)).toEqual({ kind: 'nack', message: 'bad' });
  });

  it('ends the stream with Consul messages for malformed requests', () => {
    const cases: [ReturnType<typeof request>, string][] = [
      [
        request({ ResourceURL: 'type.googleapis.com/nope' }),
        'subscription request to unknown resource URL: type.googleapis.com/nope',
      ],
      [
        request({ ResponseNonce: '1' }),
        'initial subscription requests for a resource type must not contain a nonce',
      ],
      [
        request({ Error: { code: 3, message: 'x', details: [] } }),
        'initial subscription request for a resource type must not contain an error',
      ],
      [
        request({ PeerID: 'other' }),
        'initial subscription requests for a resource type must have consistent PeerID values: got="other" expected="acc-1"',
      ],
    ];
    for (const [req, message] of cases) {
      expect(judgeRequest(req, dialer, none)).toEqual({
        kind: 'error',
        code: status.INVALID_ARGUMENT,
        message,
      });
    }
    // The acceptor does not check PeerIDs: the dialer sends the acceptor's own ID.
    expect(
      judgeRequest(request({ PeerID: 'acc-1' }), { role: 'acceptor', remotePeerID: '' }, none).kind,
    ).toBe('subscribe');
  });
});

function response(over: Partial<ReplicationMessage_Response>): ReplicationMessage_Response {
  const bytes = ExportedService.encode({ Nodes: [instance('web', 'n1', '10.0.0.1', 80)] }).finish();
  return {
    Nonce: '00000001',
    ResourceURL: ResourceURL.exportedService,
    ResourceID: 'web',
    Resource: packAny(ResourceURL.exportedService, bytes),
    operation: Operation.OPERATION_UPSERT,
    ...over,
  };
}

function replyError(reply: ReplicationMessage): { code: number; message: string } | undefined {
  return reply.Payload?.$case === 'request' ? reply.Payload.value.Error : undefined;
}

describe('handleResponse', () => {
  it('applies a valid response and ACKs it by nonce', async () => {
    const sink = new ImportedState({ peerName: 'p', partition: 'default' });
    const outcome = await handleResponse(response({}), sink);
    expect(outcome.error).toBeUndefined();
    expect(outcome.reply.Payload).toEqual({
      $case: 'request',
      value: {
        PeerID: '',
        ResponseNonce: '00000001',
        ResourceURL: ResourceURL.exportedService,
        Error: undefined,
      },
    });
    expect(outcome.imported).toEqual({ kind: 'service', name: 'web', present: true });
    expect(sink.snapshot().services.get('web')?.[0]?.Service?.PeerName).toBe('p');
  });

  it('NACKs with INVALID_ARGUMENT for unknown types, missing nonce or content, bad operation and mismatched Any', async () => {
    const sink = new ImportedState();
    const cases: [Partial<ReplicationMessage_Response>, RegExp][] = [
      [{ ResourceURL: 'type.googleapis.com/x' }, /unknown resource type/],
      [{ Nonce: '' }, /without a nonce/],
      [{ Resource: undefined }, /no content/],
      [{ operation: Operation.OPERATION_UNSPECIFIED }, /unsupported operation/],
      [{ Resource: packAny(ResourceURL.trustBundle, new Uint8Array()) }, /mismatched resourceURL/],
      [
        { Resource: packAny(ResourceURL.exportedService, new Uint8Array([0x0a, 0xff])) },
        /failed to unmarshal/,
      ],
    ];
    for (const [over, message] of cases) {
      const outcome = await handleResponse(response(over), sink);
      expect(replyError(outcome.reply)?.code).toBe(3);
      expect(outcome.error).toMatch(message);
    }
    expect(sink.snapshot().services.size).toBe(0);
  });

  it('NACKs with INTERNAL when the sink fails', async () => {
    const failing: ImportSink = {
      applyServiceList: () => {},
      applyTrustBundle: () => {},
      applyServerAddresses: () => {},
      clear: () => {},
      applyService: () => {
        throw new Error('catalog write failed');
      },
    };
    const outcome = await handleResponse(response({}), failing);
    expect(replyError(outcome.reply)).toEqual({
      code: 13,
      message: 'failed to apply resource: catalog write failed',
      details: [],
    });
  });
});

describe('ReplicationOutbox', () => {
  it('sends only subscribed types, numbers responses 00000001.., and skips unchanged payloads', () => {
    const exports = createExportSet({
      services: new Map([['web', [instance('web', 'n1', '10.0.0.1', 80)]]]),
    });
    const outbox = new ReplicationOutbox(exports);
    expect(outbox.drain()).toEqual([]);
    outbox.subscribe(ResourceURL.exportedServiceList);
    outbox.subscribe(ResourceURL.exportedService);
    const first = outbox.drain().map((m) => (m.Payload?.$case === 'response' ? m.Payload.value : undefined));
    expect(first.map((r) => [r?.Nonce, r?.ResourceID])).toEqual([
      ['00000001', 'exported-service-list'],
      ['00000002', 'web'],
    ]);
    expect(first.every((r) => r?.Resource?.typeUrl === r?.ResourceURL)).toBe(true);
    expect(outbox.drain()).toEqual([]);
    expect(outbox.subscribe(ResourceURL.exportedService)).toBe(false);
  });

  it('deletes a service no longer exported with an empty upsert, and never sends empty server addresses', () => {
    const exports = createExportSet({
      services: new Map([
        ['web', []],
        ['db', [instance('db', 'n1', '10.0.0.1', 5432)]],
      ]),
    });
    const outbox = new ReplicationOutbox(exports);
    outbox.subscribe(ResourceURL.exportedService);
    outbox.subscribe(ResourceURL.serverAddresses);
    expect(outbox.drain()).toHaveLength(2);
    exports.removeService('db');
    const removal = outbox.drain();
    expect(removal).toHaveLength(1);
    const value = removal[0]?.Payload?.$case === 'response' ? removal[0].Payload.value : undefined;
    expect(value?.ResourceID).toBe('db');
    expect(value?.Nonce).toBe('00000003');
    expect(ExportedService.decode(value?.Resource?.value ?? new Uint8Array()).Nodes).toEqual([]);
    exports.setServerAddresses(['10.0.0.1:8502']);
    const addrs = outbox.drain();
    expect(addrs.map((m) => (m.Payload?.$case === 'response' ? m.Payload.value.ResourceID : ''))).toEqual([
      'server-addrs',
    ]);
  });

  it('formats nonces as eight lowercase hex digits', () => {
    expect(formatNonce(1)).toBe('00000001');
    expect(formatNonce(255)).toBe('000000ff');
  });
});

describe('nextDelay', () => {
  it('follows Consul: 2^n seconds capped at 64 s; 8 ms for followers, then doubling to 8.192 s', () => {
    expect([1, 2, 3, 7, 8, 20].map((n) => nextDelay(CONSUL_BACKOFF, n, false))).toEqual([
      1_000, 2_000, 4_000, 64_000, 64_000, 64_000,
    ]);
    expect([1, 5, 6, 7, 15, 30].map((n) => nextDelay(CONSUL_BACKOFF, n, true))).toEqual([
      8, 8, 16, 32, 8_192, 8_192,
    ]);
  });
});
