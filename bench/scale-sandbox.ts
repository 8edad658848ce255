/**
 * Runs a sandbox for the scale benchmark in its own process, so the emulators' memory and CPU are
 * not counted as meshpeer's: `tsx bench/scale-sandbox.ts SHAPE CLUSTERS DIR [SERVICES] [RING_PEERS]`.
 * Prints `SCALE-RESULT {...}` once every cluster is up and stops on SIGTERM or when stdin closes.
 */
import { Sandbox } from '../sandbox/src/sandbox.ts';
import { sandboxConfigFromTopology } from '../sandbox/src/sandbox-config.ts';
import { type Shape, scaleTopology } from './scale-topology.ts';

const [shape = 'ring', clusters = '10', dir = '', services = '5', ringPeers = '2'] = process.argv.slice(2);
const topology = scaleTopology(shape as Shape, Number(clusters), Number(services), Number(ringPeers));
const started = performance.now();
const base = sandboxConfigFromTopology(topology);
// Short timers, as the end-to-end tests use: the benchmark measures meshpeer, not controller resyncs.
const sandbox = await Sandbox.start({
  config: { ...base, consul: { ...base.consul, heartbeatIntervalMs: 200 }, controllers: { resyncMs: 500 } },
  dir,
  persist: false,
});
const startMs = performance.now() - started;
const requests = () => sandbox.clusters.reduce((n, c) => n + c.requests.count(), 0);
const writes = () => sandbox.clusters.reduce((n, c) => n + c.requests.writes(), 0);
process.stdout.write(
  `SCALE-RESULT ${JSON.stringify({ startMs, rssMiB: process.memoryUsage().rss / 2 ** 20 })}\n`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`SCALE-COUNTS ${JSON.stringify({ requests: requests(), writes: writes() })}\n`);
  await sandbox.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.stdin.on('data', (chunk: Buffer) => {
  // "c" asks for the request counters so far (the parent brackets a measurement with two of these).
  if (chunk.toString().includes('c'))
    process.stdout.write(`SCALE-COUNTS ${JSON.stringify({ requests: requests(), writes: writes() })}\n`);
});
process.stdin.on('end', () => void stop());
