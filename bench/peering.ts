/**
 * Peering protocol benchmark on loopback: handshake latency (fresh TLS connection, ExchangeSecret,
 * Open, first acceptor message) over 200 handshakes, and stream throughput in Responses per second.
 * Run with `npm run bench:peering`.
 */
import { cpus } from 'node:os';
import { buildAcceptorToken, createAcceptorIdentity } from '../sandbox/src/peering/acceptor-identity.ts';
import { startPeerStream } from '../sandbox/src/peering/dialer.ts';
import { MemoryPeeringStore } from '../sandbox/src/peering/memory-peering-store.ts';
import { createPeerStreamServer } from '../sandbox/src/peering/peer-stream-server.ts';
import { systemClock } from '../src/peering/clock.ts';
import { createExportSet } from '../src/peering/export-set.ts';
import { CheckServiceNode } from '../src/peering/generated/private/pbservice/node.ts';
import { ImportedState } from '../src/peering/imported-state.ts';
import { createPeerClient, exchangeSecretWith, targetFromToken } from '../src/peering/peer-client.ts';
import { openStreamCall } from '../src/peering/peer-stream-call.ts';
import { ResourceURL } from '../src/peering/resource-urls.ts';
import { StreamTracker } from '../src/peering/stream-tracker.ts';

const HANDSHAKES = Number(process.env.HANDSHAKES ?? 200);
const RESPONSES = Number(process.env.RESPONSES ?? 20_000);
const local = { Partition: 'default', Datacenter: 'bench-dialer', Locality: undefined };

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

const identity = await createAcceptorIdentity({ datacenter: 'dc1' });
const store = new MemoryPeeringStore();
const server = createPeerStreamServer({ tls: identity.tls, store });
const address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;

async function handshake(name: string): Promise<number> {
  const token = buildAcceptorToken(identity, store.generate(name), { serverAddresses: [address] });
  const target = targetFromToken(token);
  const start = performance.now();
  const client = createPeerClient(address, target);
  const request = { PeerID: token.PeerID, EstablishmentSecret: token.EstablishmentSecret };
  const streamSecret = await exchangeSecretWith(client, address, request, 5_000);
  const call = openStreamCall({
    client,
    address,
    target,
    streamSecret,
    local,
    exports: createExportSet(),
    imports: new ImportedState(),
    tracker: new StreamTracker(systemClock),
    clock: systemClock,
    heartbeatIntervalMs: 15_000,
    idleTimeoutMs: 120_000,
  });
  await call.accepted;
  const elapsed = performance.now() - start;
  call.session.close();
  await call.result;
  client.close();
  return elapsed;
}

async function handshakes(): Promise<number[]> {
  for (let i = 0; i < 10; i += 1) await handshake(`warmup-${i}`);
  const samples: number[] = [];
  for (let i = 0; i < HANDSHAKES; i += 1) samples.push(await handshake(`bench-${i}`));
  return samples.sort((a, b) => a - b);
}

async function throughput(): Promise<{ responses: number; seconds: number }> {
  const generated = store.generate('throughput');
  const token = buildAcceptorToken(identity, generated, { serverAddresses: [address] });
  const client = createPeerClient(address, targetFromToken(token));
  const streamSecret = await exchangeSecretWith(
    client,
    address,
    { PeerID: token.PeerID, EstablishmentSecret: token.EstablishmentSecret },
    5_000,
  );
  client.close();
  let applied = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const dialer = startPeerStream(targetFromToken(token), streamSecret, {
    local,
    onEvent: (event) => {
      if (event.type === 'applied' && event.resourceURL === ResourceURL.exportedService) {
        applied += 1;
        if (applied === RESPONSES + 1) done();
      }
    },
  });
  const exports = store.exports(generated.peering.id);
  const node = (port: number) =>
    CheckServiceNode.fromPartial({
      Node: { Node: 'n1', Address: '10.0.0.1' },
      Service: { ID: 'web-1', Service: 'web', Port: port },
    });
  exports.setService('web', [node(1)]);
  while (applied < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  const start = performance.now();
  for (let i = 0; i < RESPONSES; i += 1) {
    exports.setService('web', [node(2 + i)]);
    // Yield now and then so the stream drains instead of queueing everything in memory.
    if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await dialer.close();
  return { responses: RESPONSES, seconds };
}

const samples = await handshakes();
const { responses, seconds } = await throughput();
await server.close();

const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;
console.log(`peering protocol on loopback (Node ${process.version}, ${cpus().length} cores)`);
console.log(
  `handshakes:        ${samples.length} (fresh TLS connection, ExchangeSecret, Open, first acceptor message)`,
);
console.log(`handshake median:  ${fmt(percentile(samples, 50))}`);
console.log(`handshake p95:     ${fmt(percentile(samples, 95))}`);
console.log(
  `stream throughput: ${Math.round(responses / seconds)} responses/s (${responses} ExportedService upserts, each ACKed)`,
);
