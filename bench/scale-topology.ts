/** Topology shapes for the scale benchmark: a ring, a star around one hub, and a full mesh. */
import { parseTopology, type Topology } from '../src/topology/index.ts';

/** How clusters peer: `ring` (each accepts its next one or two), `star` (one hub accepts every other), `mesh` (every pair). */
export type Shape = 'ring' | 'star' | 'mesh';

const pad = (n: number) => String(n).padStart(3, '0');
const name = (i: number) => `cluster-${pad(i + 1)}`;

function pairsOf(shape: Shape, clusters: number, ringPeers: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  if (shape === 'ring')
    for (let i = 0; i < clusters; i++)
      for (let k = 1; k <= ringPeers; k++) pairs.push([i, (i + k) % clusters]);
  else if (shape === 'star') for (let i = 1; i < clusters; i++) pairs.push([0, i]);
  else for (let i = 0; i < clusters; i++) for (let j = i + 1; j < clusters; j++) pairs.push([i, j]);
  return pairs;
}

/** The YAML of a topology; every acceptor exports `services` services to each of its dialers. */
export function scaleTopologyYaml(shape: Shape, clusters: number, services = 5, ringPeers = 2): string {
  const pairs = pairsOf(shape, clusters, ringPeers);
  const lines = ['apiVersion: meshpeer.dev/v1alpha1', 'kind: PeeringTopology', 'metadata:', '  name: bench'];
  lines.push('clusters:', ...Array.from({ length: clusters }, (_, i) => `  - name: ${name(i)}`));
  lines.push('peerings:');
  for (const [a, d] of pairs) lines.push(`  - acceptor: ${name(a)}`, `    dialer: ${name(d)}`);
  const dialersOf = new Map<number, number[]>();
  for (const [a, d] of pairs) dialersOf.set(a, [...(dialersOf.get(a) ?? []), d]);
  lines.push('exports:');
  for (const [a, dialers] of dialersOf) {
    lines.push(`  - cluster: ${name(a)}`, '    services:');
    for (let s = 0; s < services; s++) {
      lines.push(`      - name: svc-${s}`, '        consumers:');
      for (const d of dialers) lines.push(`          - peer: ${name(d)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The parsed topology of a shape and size; throws if the generator produced an invalid file. */
export function scaleTopology(shape: Shape, clusters: number, services = 5, ringPeers = 2): Topology {
  const loaded = parseTopology(scaleTopologyYaml(shape, clusters, services, ringPeers), 'scale.yaml');
  if (!loaded.ok) throw new Error(`generated ${shape} topology of ${clusters} clusters is invalid`);
  return loaded.topology;
}
