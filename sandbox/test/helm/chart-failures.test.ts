import { describe, expect, it } from 'vitest';
import { mergeValues } from '../../../src/kube/helm-release.ts';
import { chartFailure } from '../../src/helm/chart-failures.ts';
import { consulChartDefaults } from '../../src/helm/consul-helm-release.ts';

const effective = (values: Record<string, unknown>) => mergeValues(consulChartDefaults('1.20.1'), values);
const peering = {
  global: { peering: { enabled: true }, tls: { enabled: true } },
  meshGateway: { enabled: true },
};

describe("the consul chart's fail calls (charts/consul/templates)", () => {
  it('renders the values a peering install uses', () => {
    expect(chartFailure(effective(peering))).toBeUndefined();
  });

  it('refuses peering without TLS or a mesh gateway, as connect-inject-deployment.yaml does', () => {
    expect(chartFailure(effective(mergeValues(peering, { global: { tls: { enabled: false } } })))).toBe(
      'execution error at (consul/templates/connect-inject-deployment.yaml): setting global.peering.enabled to true requires global.tls.enabled to be true',
    );
    expect(chartFailure(effective(mergeValues(peering, { meshGateway: { enabled: false } })))).toContain(
      'requires meshGateway.enabled to be true',
    );
  });

  it('refuses admin partitions without Consul namespaces', () => {
    const partitions = mergeValues(peering, { global: { adminPartitions: { enabled: true } } });
    expect(chartFailure(effective(partitions))).toContain(
      'global.enableConsulNamespaces must be true if global.adminPartitions.enabled=true',
    );
  });

  it('refuses a partition install without externalServers, and servers with them', () => {
    const partitionInstall = mergeValues(peering, {
      global: { adminPartitions: { enabled: true, name: 'finance' }, enableConsulNamespaces: true },
      server: { enabled: false },
    });
    expect(chartFailure(effective(partitionInstall))).toContain(
      'externalServers.enabled needs to be true and configured to create a non-default partition.',
    );
    expect(
      chartFailure(effective(mergeValues(partitionInstall, { externalServers: { enabled: true } }))),
    ).toContain('externalServers.hosts must be set');
    expect(
      chartFailure(
        effective(
          mergeValues(partitionInstall, { externalServers: { enabled: true, hosts: ['consul.example'] } }),
        ),
      ),
    ).toBeUndefined();
    expect(
      chartFailure(effective(mergeValues(peering, { externalServers: { enabled: true, hosts: ['x'] } }))),
    ).toContain('only one of server.enabled or externalServers.enabled can be set');
  });
});
