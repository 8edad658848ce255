import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LiveObject } from '../../src/kube/cluster-client.ts';
import {
  decodeHelmRelease,
  installFromRelease,
  latestDeployed,
  mergeValues,
} from '../../src/kube/helm-release.ts';

function releaseSecret(version: number, status: string, config: Record<string, unknown>): LiveObject {
  const release = {
    name: 'consul',
    version,
    namespace: 'consul',
    info: { status },
    chart: {
      metadata: { name: 'consul', version: '1.6.2', appVersion: '1.20.1' },
      values: {
        global: { peering: { enabled: false }, tls: { enabled: false }, image: 'hashicorp/consul:1.20.1' },
        connectInject: { enabled: true },
        meshGateway: { enabled: false },
      },
    },
    config,
  };
  // Helm: JSON -> gzip -> base64, stored as Secret data (which the API base64-encodes again).
  const helmEncoded = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.consul.v${version}`,
      namespace: 'consul',
      labels: { owner: 'helm', name: 'consul', status, version: String(version) },
    },
    data: { release: Buffer.from(helmEncoded).toString('base64') },
  };
}

describe('Helm v3 release decoding', () => {
  it('decodes the double base64 and gzip of a release Secret and merges values', () => {
    const r = decodeHelmRelease(
      releaseSecret(3, 'deployed', {
        global: { peering: { enabled: true }, tls: { enabled: true } },
        meshGateway: { enabled: true },
      }),
    );
    expect(r).toMatchObject({
      name: 'consul',
      version: 3,
      status: 'deployed',
      chartVersion: '1.6.2',
      appVersion: '1.20.1',
    });
    expect(installFromRelease(r).values).toEqual({
      peeringEnabled: true,
      tlsEnabled: true,
      meshGatewayEnabled: true,
      connectInjectEnabled: true,
      manageSystemACLs: false,
      adminPartitionsEnabled: false,
      httpsOnly: true,
      enableConsulNamespaces: false,
      externalServersEnabled: false,
    });
    expect(installFromRelease(r).consulVersion).toBe('1.20.1');
  });

  it('picks the newest deployed revision, skipping superseded and failed ones', () => {
    const picked = latestDeployed([
      releaseSecret(1, 'superseded', {}),
      releaseSecret(2, 'deployed', { meshGateway: { enabled: true } }),
      releaseSecret(3, 'failed', {}),
    ]);
    expect(picked?.version).toBe(2);
  });

  it('merges like Helm: nested maps merge, null removes a default', () => {
    expect(mergeValues({ a: { b: 1, c: 2 }, d: 1 }, { a: { c: 3 }, d: null })).toEqual({ a: { b: 1, c: 3 } });
  });

  it('refuses a Secret that is not a Helm release', () => {
    expect(() =>
      decodeHelmRelease({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'x' },
        type: 'Opaque',
        data: {},
      }),
    ).toThrow(/not a Helm v3 release/);
  });
});
