/** Generates large peerings.yaml documents for benchmarks: a ring of clusters each peering with its next neighbours. */

/** Sizes of a generated topology. */
export interface TopologySize {
  readonly clusters: number;
  /** Peerings per cluster, each with one of the next clusters on the ring. */
  readonly peersPerCluster: number;
  /** Services each cluster exports to every cluster it accepts from. */
  readonly servicesPerCluster: number;
}

const pad = (n: number) => String(n).padStart(3, '0');

/** Builds the YAML text of a valid topology of the given size. */
export function generateTopologyYaml(size: TopologySize): string {
  const name = (i: number) => `cluster-${pad((i % size.clusters) + 1)}`;
  const lines = [
    'apiVersion: meshpeer.dev/v1alpha1',
    'kind: PeeringTopology',
    'metadata:',
    '  name: bench',
    'clusters:',
  ];
  for (let i = 0; i < size.clusters; i++) lines.push(`  - name: ${name(i)}`);
  lines.push('peerings:');
  for (let i = 0; i < size.clusters; i++) {
    for (let k = 1; k <= size.peersPerCluster; k++)
      lines.push(`  - acceptor: ${name(i)}`, `    dialer: ${name(i + k)}`);
  }
  lines.push('exports:');
  for (let i = 0; i < size.clusters; i++) {
    lines.push(`  - cluster: ${name(i)}`, '    services:');
    for (let s = 0; s < size.servicesPerCluster; s++) {
      lines.push(`      - name: svc-${s}`, '        consumers:');
      for (let k = 1; k <= 2; k++) lines.push(`          - peer: ${name(i + k)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
