import { describe, expect, it } from 'vitest';
import type { LiveObject } from '../../../src/kube/cluster-client.ts';
import { decodeHelmRelease, installFromRelease, latestDeployed } from '../../../src/kube/helm-release.ts';
import { consulHelmReleaseSecret } from '../../src/helm/consul-helm-release.ts';

describe('Consul Helm release Secret', () => {
  it('is a Helm v3 release Secret meshpeer decodes, with chart defaults and user config kept apart', () => {
    const secret = consulHelmReleaseSecret({
      release: 'consul',
      namespace: 'consul',
      chartVersion: '1.6.2',
      consulVersion: '1.20.1',
      config: {
        global: { peering: { enabled: true }, tls: { enabled: true } },
        meshGateway: { enabled: true },
      },
    });
    expect(secret.metadata).toMatchObject({
      name: 'sh.helm.release.v1.consul.v1',
      labels: { owner: 'helm', name: 'consul', status: 'deployed', version: '1' },
    });
    expect(secret.type).toBe('helm.sh/release.v1');
    const release = decodeHelmRelease(secret as unknown as LiveObject);
    expect(release).toMatchObject({ name: 'consul', version: 1, status: 'deployed', chartVersion: '1.6.2' });
    expect(installFromRelease(release)).toEqual({
      source: 'helm-release',
      release: 'consul',
      fullname: 'consul-consul',
      caCert: { secret: 'consul-consul-ca-cert', key: 'tls.crt' },
      chartVersion: '1.6.2',
      consulVersion: '1.20.1',
      partitionName: 'default',
      values: {
        peeringEnabled: true,
        tlsEnabled: true,
        meshGatewayEnabled: true,
        connectInjectEnabled: true,
        manageSystemACLs: false,
        adminPartitionsEnabled: false,
        httpsOnly: true,
        enableConsulNamespaces: false,
        externalServersEnabled: false,
      },
    });
  });

  it('falls back to the chart defaults when the user config leaves peering, TLS and gateways out', () => {
    const secret = consulHelmReleaseSecret({
      release: 'consul',
      namespace: 'consul',
      chartVersion: '0.49.0',
      consulVersion: '1.13.2',
      config: { connectInject: { enabled: false } },
    });
    const release = latestDeployed([secret as unknown as LiveObject]);
    expect(release === undefined ? undefined : installFromRelease(release)).toMatchObject({
      consulVersion: '1.13.2',
      values: {
        peeringEnabled: false,
        tlsEnabled: false,
        meshGatewayEnabled: false,
        connectInjectEnabled: false,
      },
    });
  });
});
