/**
 * Desired-state revisions for chaos runs: a ring of clusters plus chords, from which each commit
 * keeps the ring (minus at most one edge), a random share of the chords, and random exports to the
 * peers that remain. The "universe" holds every candidate peering and export, so a sandbox built
 * from it registers every service any revision may export.
 */

/** A seeded pseudo-random generator (mulberry32), so a chaos run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One acceptor → dialer pair. */
export interface ChaosPeering {
  readonly acceptor: string;
  readonly dialer: string;
}

/** One commit of the chaos stream: its peerings and, per exporting cluster, the consumers of its service. */
export interface ChaosRevision {
  readonly index: number;
  readonly peerings: readonly ChaosPeering[];
  readonly exports: ReadonlyMap<string, readonly string[]>;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Cluster names cluster-01 … cluster-NN. */
export function chaosClusters(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `cluster-${pad(i + 1)}`);
}

/** Every candidate peering: the ring (i → i+1) and chords (i → i+3 on even i) without repeated pairs. */
export function candidatePeerings(clusters: readonly string[]): {
  ring: ChaosPeering[];
  chords: ChaosPeering[];
} {
  const n = clusters.length;
  const at = (i: number) => clusters[i % n] as string;
  const pairs = new Set<string>();
  const take = (p: ChaosPeering) => {
    const key = [p.acceptor, p.dialer].sort().join('|');
    if (p.acceptor === p.dialer || pairs.has(key)) return false;
    pairs.add(key);
    return true;
  };
  const ring = (
    n < 2 ? [] : Array.from({ length: n === 2 ? 1 : n }, (_, i) => ({ acceptor: at(i), dialer: at(i + 1) }))
  ).filter(take);
  const chords =
    n < 5
      ? []
      : clusters
          .map((_, i) => ({ acceptor: at(i), dialer: at(i + 3) }))
          .filter((_, i) => i % 2 === 0)
          .filter(take);
  return { ring, chords };
}

function peersOf(cluster: string, peerings: readonly ChaosPeering[]): string[] {
  return peerings
    .flatMap((p) => (p.acceptor === cluster ? [p.dialer] : p.dialer === cluster ? [p.acceptor] : []))
    .sort();
}

/** Revision `index`: the first keeps everything; later ones drop one ring edge at times and vary chords and exports. */
export function chaosRevision(
  clusters: readonly string[],
  index: number,
  random: () => number,
): ChaosRevision {
  const { ring, chords } = candidatePeerings(clusters);
  const dropRing = index > 0 && ring.length > 2 && random() < 0.5 ? Math.floor(random() * ring.length) : -1;
  const peerings = [
    ...ring.filter((_, i) => i !== dropRing),
    ...chords.filter(() => index === 0 || random() < 0.6),
  ];
  const exports = new Map<string, string[]>();
  for (const cluster of clusters) {
    const consumers = peersOf(cluster, peerings).filter(() => index === 0 || random() < 0.7);
    if (consumers.length > 0) exports.set(cluster, consumers);
  }
  return { index, peerings, exports };
}

/** Every candidate peering, each cluster exporting to all its candidate peers. */
export function chaosUniverse(clusters: readonly string[]): ChaosRevision {
  const { ring, chords } = candidatePeerings(clusters);
  const peerings = [...ring, ...chords];
  const exports = new Map(
    clusters.map((c) => [c, peersOf(c, peerings)] as const).filter(([, p]) => p.length > 0),
  );
  return { index: -1, peerings, exports };
}

/** The service a cluster exports. */
export const chaosService = (cluster: string) => `api-${cluster.replace(/^cluster-/, '')}`;

/** The peerings.yaml text of a revision (fast verification: short heartbeat age, probe on). */
export function chaosYaml(clusters: readonly string[], revision: ChaosRevision): string {
  const lines = [
    'apiVersion: meshpeer.dev/v1alpha1',
    'kind: PeeringTopology',
    'metadata:',
    '  name: chaos',
    `  description: chaos revision ${revision.index}`,
    'clusters:',
    ...clusters.map((c) => `  - name: ${c}`),
    'peerings:',
    ...revision.peerings.map((p) => `  - { acceptor: ${p.acceptor}, dialer: ${p.dialer} }`),
  ];
  if (revision.exports.size > 0) lines.push('exports:');
  for (const [cluster, consumers] of [...revision.exports].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  - cluster: ${cluster}`, '    services:', `      - name: ${chaosService(cluster)}`);
    lines.push(`        consumers: [${consumers.map((c) => `{ peer: ${c} }`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}
