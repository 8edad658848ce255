import { describe, expect, it } from 'vitest';
import {
  caCertOf,
  consulFullname,
  installNames,
  installValues,
  serverApiPort,
} from '../../src/resources/consul-chart.ts';

describe("the chart's consul.fullname (charts/consul/templates/_helpers.tpl)", () => {
  it('is <release>-consul with default values, so `helm install consul` gives consul-consul', () => {
    expect(consulFullname('consul', {})).toBe('consul-consul');
    expect(installNames(consulFullname('consul', {})).server).toBe('consul-consul-server');
  });

  it('prefers fullnameOverride, then global.name, then nameOverride in the default', () => {
    expect(consulFullname('r', { fullnameOverride: 'mesh', global: { name: 'consul' } })).toBe('mesh');
    expect(consulFullname('r', { global: { name: 'consul' } })).toBe('consul');
    expect(consulFullname('r', { nameOverride: 'hashi' })).toBe('r-hashi');
    expect(consulFullname('r', { global: { name: null } })).toBe('r-consul');
  });

  it("truncates to 63 characters and trims a trailing dash, as Helm's trunc | trimSuffix does", () => {
    const release = `${'a'.repeat(62)}`;
    expect(consulFullname(release, {})).toBe('a'.repeat(62));
    expect(consulFullname('x', { fullnameOverride: `${'b'.repeat(62)}-tail` })).toBe('b'.repeat(62));
  });

  it('names every object meshpeer reads after the fullname', () => {
    expect(installNames('consul-consul')).toEqual({
      server: 'consul-consul-server',
      meshGateway: 'consul-consul-mesh-gateway',
      connectInjector: 'consul-consul-connect-injector',
      caCert: 'consul-consul-ca-cert',
      bootstrapAclToken: 'consul-consul-bootstrap-acl-token',
      meshGatewayAclRole: 'consul-consul-mesh-gateway-acl-role',
      componentAuthMethod: 'consul-consul-k8s-component-auth-method',
    });
  });

  it('takes the CA Secret from global.tls.caCert when set', () => {
    expect(caCertOf('consul', {})).toEqual({ secret: 'consul-ca-cert', key: 'tls.crt' });
    expect(
      caCertOf('consul', { global: { tls: { caCert: { secretName: 'my-ca', secretKey: 'ca.pem' } } } }),
    ).toEqual({ secret: 'my-ca', key: 'ca.pem' });
  });

  it("applies the chart's defaults for missing switches: httpsOnly and connectInject on, the rest off", () => {
    expect(installValues({})).toEqual({
      peeringEnabled: false,
      tlsEnabled: false,
      httpsOnly: true,
      meshGatewayEnabled: false,
      connectInjectEnabled: true,
      manageSystemACLs: false,
      adminPartitionsEnabled: false,
      enableConsulNamespaces: false,
      externalServersEnabled: false,
    });
  });

  it('reaches the API on the https port when TLS is on (there is no http port with httpsOnly)', () => {
    expect(serverApiPort({ tlsEnabled: true })).toEqual({ scheme: 'https', port: 'https' });
    expect(serverApiPort({ tlsEnabled: false })).toEqual({ scheme: 'http', port: 'http' });
  });
});
