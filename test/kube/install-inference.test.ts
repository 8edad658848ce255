import { describe, expect, it } from 'vitest';
import type { LiveObject } from '../../src/kube/cluster-client.ts';
import { inferInstall, installFromDeclared } from '../../src/kube/install-inference.ts';

/** The connect-injector as charts/consul/templates/connect-inject-deployment.yaml renders it (abridged). */
function injector(flags: string[], env: string[]): LiveObject {
  const command = `exec consul-k8s-control-plane inject-connect \\\n  -config-file=/consul/config/config.json \\\n  ${flags.join(' \\\n  ')}\n`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'consul-consul-connect-injector',
      namespace: 'consul',
      labels: { app: 'consul', release: 'consul', component: 'connect-injector' },
    },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'sidecar-injector',
              command: ['/bin/sh', '-ec', command],
              env: env.map((name) => ({ name, value: 'x' })),
            },
          ],
        },
      },
    },
  };
}

function serverService(ports: string[]): LiveObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'consul-consul-server',
      namespace: 'consul',
      labels: { release: 'consul', component: 'server' },
    },
    spec: { clusterIP: 'None', ports: ports.map((name) => ({ name })) },
  };
}

const gateway: LiveObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'consul-consul-mesh-gateway',
    namespace: 'consul',
    labels: { release: 'consul', component: 'mesh-gateway' },
  },
};

describe('an install made with helm template (no release Secret)', () => {
  it("reads the chart's switches off the connect-injector's flags and the server Service's ports", () => {
    const facts = inferInstall('consul', {
      services: [serverService(['https', 'grpc', 'serflan-tcp'])],
      deployments: [
        injector(
          [
            '-release-name="consul"',
            '-resource-prefix=consul-consul',
            '-consul-image="hashicorp/consul:1.20.1"',
            '-enable-peering=true',
            '-enable-namespaces=true',
          ],
          ['CONSUL_LOGIN_AUTH_METHOD', 'CONSUL_USE_TLS'],
        ),
        gateway,
      ],
    });
    expect(facts).toMatchObject({
      source: 'inferred',
      fullname: 'consul-consul',
      consulVersion: '1.20.1',
      values: {
        peeringEnabled: true,
        tlsEnabled: true,
        httpsOnly: true,
        meshGatewayEnabled: true,
        connectInjectEnabled: true,
        manageSystemACLs: true,
        adminPartitionsEnabled: false,
        enableConsulNamespaces: true,
      },
    });
    expect(facts?.evidence?.join('; ')).toContain('Service consul-consul-server');
  });

  it('sees an http port next to https as httpsOnly false, and no peering flag as peering off', () => {
    const facts = inferInstall('consul', {
      services: [serverService(['http', 'https'])],
      deployments: [injector(['-resource-prefix=consul-consul'], [])],
    });
    expect(facts?.values).toMatchObject({
      tlsEnabled: true,
      httpsOnly: false,
      peeringEnabled: false,
      manageSystemACLs: false,
      meshGatewayEnabled: false,
    });
  });

  it('reads the headless server Service, not the expose-servers Service the chart adds for partitions', () => {
    const expose = serverService(['https', 'serflan', 'rpc', 'grpc']);
    const exposeServers = {
      ...expose,
      metadata: { ...expose.metadata, name: 'consul-consul-expose-servers' },
    };
    const facts = inferInstall('consul', {
      services: [exposeServers, serverService(['https'])],
      deployments: [],
    });
    expect(facts?.evidence?.[0]).toBe('TLS and httpsOnly from the ports of Service consul-consul-server');
    expect(facts?.fullname).toBe('consul-consul');
  });

  it('finds nothing when no object of the release exists', () => {
    expect(inferInstall('consul', { services: [], deployments: [] })).toBeUndefined();
  });

  it('takes declared values over the chart defaults, with the fullname rule', () => {
    const facts = installFromDeclared('consul', {
      global: { name: 'consul', peering: { enabled: true }, tls: { enabled: true } },
    });
    expect(facts).toMatchObject({
      source: 'declared',
      fullname: 'consul',
      values: { peeringEnabled: true, tlsEnabled: true, httpsOnly: true },
    });
  });
});
