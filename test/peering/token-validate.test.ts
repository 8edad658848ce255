import { describe, expect, it } from 'vitest';
import type { PeeringToken } from '../../src/peering/peering-token.ts';
import { TokenError } from '../../src/peering/token-error.ts';
import { isValidServerAddress, splitHostPort, validateToken } from '../../src/peering/token-validate.ts';
import { createCertificateAuthority } from '../../src/tls/certificate-authority.ts';

const ca = await createCertificateAuthority('Consul CA 7');

const good: PeeringToken = {
  CA: [ca.certPem],
  ManualServerAddresses: [],
  ServerAddresses: ['10.0.0.1:8502'],
  ServerName: 'server.dc1.peering.abc.consul',
  PeerID: 'peer-1',
  EstablishmentSecret: 'secret-1',
  Remote: { Partition: 'default', Datacenter: 'dc1', Locality: null },
};

function problem(token: PeeringToken): { code: string; message: string } | undefined {
  try {
    validateToken(token);
    return undefined;
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('validateToken', () => {
  it('accepts a well-formed token, and one with only manual addresses', () => {
    expect(problem(good)).toBeUndefined();
    expect(
      problem({ ...good, ServerAddresses: [], ManualServerAddresses: ['gw.example.com:443'] }),
    ).toBeUndefined();
  });

  it('refuses CA entries that are not PEM certificates', () => {
    expect(problem({ ...good, CA: ['not a pem'] })).toEqual({
      code: 'invalid-ca',
      message: 'peering token invalid CA: no PEM-encoded data found',
    });
    expect(problem({ ...good, CA: [ca.keyPem] })?.message).toBe(
      'peering token invalid CA: first PEM-block should be CERTIFICATE type',
    );
    const garbage = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(problem({ ...good, CA: [garbage] })?.code).toBe('invalid-ca');
  });

  it('requires at least one address', () => {
    expect(problem({ ...good, ServerAddresses: [] })).toEqual({
      code: 'no-server-addresses',
      message: 'peering token server addresses value is empty',
    });
  });

  it('requires host:port with a port from 1 to 65535', () => {
    for (const bad of ['10.0.0.1', '10.0.0.1:0', '10.0.0.1:65536', 'host:http', '::1:8502', 'a:b:c']) {
      expect(problem({ ...good, ServerAddresses: [bad] })).toEqual({
        code: 'invalid-server-address',
        message: `${bad} is not a valid peering server address`,
      });
    }
    expect(problem({ ...good, ManualServerAddresses: ['x:99999'] })?.code).toBe('invalid-server-address');
  });

  it('requires ServerName when a CA is present, and PeerID always', () => {
    expect(problem({ ...good, ServerName: '' })?.message).toBe('peering token server name value is empty');
    expect(problem({ ...good, CA: [], ServerName: '' })).toBeUndefined();
    expect(problem({ ...good, PeerID: '' })).toEqual({
      code: 'no-peer-id',
      message: 'peering token peer ID value is empty',
    });
  });
});

describe('address parsing', () => {
  it('follows net.SplitHostPort', () => {
    expect(splitHostPort('[::1]:8502')).toEqual({ host: '::1', port: '8502' });
    expect(splitHostPort('example.com:443')).toEqual({ host: 'example.com', port: '443' });
    expect(splitHostPort(':8502')).toEqual({ host: '', port: '8502' });
    expect(splitHostPort('::1:8502')).toBeUndefined();
    expect(splitHostPort('[::1]8502')).toBeUndefined();
    expect(isValidServerAddress('[::1]:8502')).toBe(true);
    expect(isValidServerAddress('h:65535')).toBe(true);
    expect(isValidServerAddress('h:1')).toBe(true);
  });
});
