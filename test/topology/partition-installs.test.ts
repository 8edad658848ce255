import { describe, expect, it } from 'vitest';
import { formatDiagnostic, parseTopology } from '../../src/topology/index.ts';

const head = ['apiVersion: meshpeer.dev/v1alpha1', 'kind: PeeringTopology', 'metadata: { name: t }'];

describe('admin partitions as installs', () => {
  it('refuses the old form (a partition as a namespace of the server cluster) and says how to migrate', () => {
    const source = [
      ...head,
      'clusters:',
      '  - name: dc1',
      '    enterprise: true',
      '    partitions: [finance, { name: retail }]',
    ].join('\n');
    const result = parseTopology(source, 'peerings.yaml');
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.diagnostics.map(formatDiagnostic);
    expect(lines).toEqual([
      expect.stringMatching(
        /^peerings\.yaml:7:18: partition "finance" of cluster "dc1" names no install: .*- \{ name: finance, context: dc1-finance \}/,
      ),
      expect.stringMatching(
        /^peerings\.yaml:7:27: partition "retail" of cluster "dc1" names no install: .*- \{ name: retail, context: dc1-retail \}/,
      ),
    ]);
    expect(lines[0]).toContain('consul-k8s serves one admin partition per install');
  });

  it('inherits the cluster namespace, release, address and token reference, and reads the token in its own cluster', () => {
    const source = [
      ...head,
      'clusters:',
      '  - name: dc1',
      '    enterprise: true',
      '    consul: { namespace: mesh, release: hashi, aclToken: { secret: meshpeer } }',
      '    partitions:',
      '      - { name: finance, context: dc1-fin, consul: { fullname: fin-consul } }',
      'acls: { enabled: true }',
    ].join('\n');
    const result = parseTopology(source, 'peerings.yaml');
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.topology.clusters.find((c) => c.name === 'dc1/finance')).toMatchObject({
      cluster: 'dc1',
      partition: 'finance',
      server: 'dc1',
      context: 'dc1-fin',
      consul: {
        namespace: 'mesh',
        release: 'hashi',
        fullname: 'fin-consul',
        datacenter: 'dc1',
        aclToken: { secret: 'meshpeer', key: 'token', namespace: 'mesh' },
      },
    });
  });
});
