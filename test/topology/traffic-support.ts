/** Builds small peerings.yaml sources for the traffic rule tests and reads their diagnostics. */
import { formatDiagnostic, parseTopology, type Topology } from '../../src/topology/index.ts';

/** Two Community clusters peered, cluster-02 exporting static-server and cluster-01 exporting api. */
export const community = [
  'apiVersion: meshpeer.dev/v1alpha1', // 1
  'kind: PeeringTopology', // 2
  'metadata: { name: t }', // 3
  'clusters:', // 4
  '  - name: cluster-01', // 5
  '  - name: cluster-02', // 6
  'peerings:', // 7
  '  - { acceptor: cluster-01, dialer: cluster-02 }', // 8
  'exports:', // 9
  '  - cluster: cluster-02', // 10
  '    services:', // 11
  '      - name: static-server', // 12
  '        consumers: [{ peer: cluster-01 }]', // 13
  '  - cluster: cluster-01', // 14
  '    services:', // 15
  '      - name: api', // 16
  '        consumers: [{ peer: cluster-02 }]', // 17
];

/** Two Enterprise clusters peered; cluster-01 has a finance partition; no exports. */
export const enterprise = [
  'apiVersion: meshpeer.dev/v1alpha1', // 1
  'kind: PeeringTopology', // 2
  'metadata: { name: t }', // 3
  'clusters:', // 4
  '  - name: cluster-01', // 5
  '    enterprise: true', // 6
  '    partitions: [{ name: finance, context: cluster-01-finance }]', // 7
  '  - name: cluster-02', // 8
  '    enterprise: true', // 9
  'peerings:', // 10
  '  - { acceptor: cluster-01, dialer: cluster-02 }', // 11
];

/** The `file:line:col: message` lines of an invalid source. */
export function problems(...lines: string[]): string[] {
  const result = parseTopology(lines.join('\n'), 'p.yaml');
  if (result.ok) throw new Error('expected the file to be invalid');
  return result.diagnostics.map(formatDiagnostic);
}

/** The topology of a valid source. */
export function topology(...lines: string[]): Topology {
  const result = parseTopology(lines.join('\n'), 'p.yaml');
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.topology;
}
