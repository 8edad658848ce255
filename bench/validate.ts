/**
 * Validates a generated 500-cluster / 2,000-peering / 10,000-export peerings.yaml and prints the
 * total time and the time per peering. Run with `npm run bench:validate`.
 */
import { parseTopology } from '../src/topology/index.ts';
import { generateTopologyYaml } from './generate-topology.ts';
import { machine, median, percentile, timeRuns } from './stats.ts';

const size = { clusters: 500, peersPerCluster: 4, servicesPerCluster: 20 };
const source = generateTopologyYaml(size);
const check = parseTopology(source, 'bench.yaml');
if (!check.ok) throw new Error(`generated file is invalid: ${check.diagnostics[0]?.message}`);
const peerings = check.topology.peerings.length;
const exports = check.topology.exports.reduce((n, e) => n + e.services.length, 0);

const runs = timeRuns(() => parseTopology(source, 'bench.yaml'), 15);
const total = median(runs);
console.log(`machine: ${machine()}`);
console.log(
  `file: ${(source.length / 1024).toFixed(0)} KiB, ${check.topology.clusters.length} clusters, ${peerings} peerings, ${exports} exported services`,
);
console.log(
  `validate (parse + schema + semantic + normalize): median ${total.toFixed(1)} ms, p90 ${percentile(runs, 90).toFixed(1)} ms over ${runs.length} runs`,
);
console.log(`per peering: ${((total * 1000) / peerings).toFixed(1)} µs`);
console.log(`goal 250 ms: ${total < 250 ? 'met' : 'missed'} (ratio ${(total / 250).toFixed(2)})`);
