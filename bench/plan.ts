/**
 * Plans a 500-cluster / 2,000-peering / 10,000-export topology against a pre-built observed state
 * (half of the runbook done) and prints the planning and rendering times. `npm run bench:plan`.
 */
import { planFor, renderJson, renderMarkdown, renderText } from '../src/plan/index.ts';
import { parseTopology } from '../src/topology/index.ts';
import { applyPrefix, emptyObserved } from '../test/plan/world-model.ts';
import { generateTopologyYaml } from './generate-topology.ts';
import { machine, median, timeRuns } from './stats.ts';

const loaded = parseTopology(
  generateTopologyYaml({ clusters: 500, peersPerCluster: 4, servicesPerCluster: 20 }),
  'bench.yaml',
);
if (!loaded.ok) throw new Error('generated topology is invalid');
const t = loaded.topology;
const empty = emptyObserved(t);
const observed = applyPrefix(t, empty, planFor(t, empty), 4000);
const plan = planFor(t, observed);

const rows: Array<[string, number]> = [
  ['plan (pure)', median(timeRuns(() => planFor(t, observed), 9))],
  ['plan from empty clusters', median(timeRuns(() => planFor(t, empty), 9))],
  ['render text', median(timeRuns(() => renderText(plan), 9))],
  ['render markdown', median(timeRuns(() => renderMarkdown(plan), 9))],
  ['render json', median(timeRuns(() => renderJson(plan), 9))],
];
console.log(`machine: ${machine()}`);
console.log(
  `topology: ${t.clusters.length} clusters, ${t.peerings.length} peerings, ${t.exports.reduce((n, e) => n + e.services.length, 0)} exported services; plan: ${plan.steps.length} steps`,
);
for (const [name, ms] of rows) console.log(`${name.padEnd(26)} median ${ms.toFixed(1)} ms`);
const planMs = rows[0]?.[1] ?? Number.NaN;
console.log(
  `goal 250 ms for planning: ${planMs < 250 ? 'met' : 'missed'} (ratio ${(planMs / 250).toFixed(2)})`,
);
