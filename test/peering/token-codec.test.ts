import { describe, expect, it } from 'vitest';
import type { PeeringToken } from '../../src/peering/peering-token.ts';
import { dialAddresses } from '../../src/peering/peering-token.ts';
import { decodeToken, encodeToken, tokenJson } from '../../src/peering/token-codec.ts';
import { TokenError } from '../../src/peering/token-error.ts';
import { createCertificateAuthority } from '../../src/tls/certificate-authority.ts';

const ca = await createCertificateAuthority('Consul CA 7');

const token: PeeringToken = {
  CA: [ca.certPem],
  ManualServerAddresses: [],
  ServerAddresses: ['10.0.0.1:8502', '10.0.0.2:8502'],
  ServerName: 'server.dc1.peering.7a3f0000-0000-4000-8000-0000000000e1.consul',
  PeerID: '3c1f7d36-6c05-4a3c-9a0c-0d7f5b0e4a11',
  EstablishmentSecret: 'd2b1b4f4-3a3e-4f0b-8a55-2f5f0c7a9e10',
  Remote: { Partition: 'default', Datacenter: 'dc1', Locality: null },
};

function plainDecode(encoded: string): unknown {
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
}

function expectTokenError(fn: () => unknown, code: string): TokenError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe(code);
    return error as TokenError;
  }
  throw new Error('expected a TokenError');
}

describe('encodeToken', () => {
  it('produces standard base64 of JSON with exactly Consul field names, empty lists as null', () => {
    const encoded = encodeToken(token);
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const decoded = plainDecode(encoded) as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual([
      'CA',
      'ManualServerAddresses',
      'ServerAddresses',
      'ServerName',
      'PeerID',
      'EstablishmentSecret',
      'Remote',
    ]);
    expect(decoded.ManualServerAddresses).toBeNull();
    expect(decoded.CA).toEqual([ca.certPem]);
    expect(decoded.Remote).toEqual({ Partition: 'default', Datacenter: 'dc1', Locality: null });
  });

  it('writes compact Go JSON with HTML-safe escapes and omitempty locality fields', () => {
    const json = tokenJson({
      ...token,
      CA: [],
      ServerName: 'a<b>&c',
      Remote: { Partition: '', Datacenter: 'dc2', Locality: { Region: 'us-east-1', Zone: '' } },
    });
    expect(json).toBe(
      '{"CA":null,"ManualServerAddresses":null,"ServerAddresses":["10.0.0.1:8502","10.0.0.2:8502"],' +
        '"ServerName":"a\\u003cb\\u003e\\u0026c","PeerID":"3c1f7d36-6c05-4a3c-9a0c-0d7f5b0e4a11",' +
        '"EstablishmentSecret":"d2b1b4f4-3a3e-4f0b-8a55-2f5f0c7a9e10",' +
        '"Remote":{"Partition":"","Datacenter":"dc2","Locality":{"Region":"us-east-1"}}}',
    );
  });

  it('round-trips through decodeToken', () => {
    const withLocality = { ...token, Remote: { ...token.Remote, Locality: { Region: 'r', Zone: 'z' } } };
    expect(decodeToken(encodeToken(withLocality))).toEqual(withLocality);
    expect(decodeToken(encodeToken(token))).toEqual(token);
  });
});

describe('decodeToken', () => {
  it('decodes a token written by hand in Go format, including escapes and a null list', () => {
    const goJson =
      '{"CA":["-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"],' +
      '"ManualServerAddresses":null,"ServerAddresses":["consul.example.com:8502"],' +
      '"ServerName":"server.dc1.peering.abc.consul","PeerID":"peer-1",' +
      '"EstablishmentSecret":"s\\u0026cret-value","Remote":{"Partition":"default","Datacenter":"dc1","Locality":null}}';
    const decoded = decodeToken(Buffer.from(goJson).toString('base64'));
    expect(decoded.CA).toEqual(['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n']);
    expect(decoded.ManualServerAddresses).toEqual([]);
    expect(decoded.ServerAddresses).toEqual(['consul.example.com:8502']);
    expect(decoded.EstablishmentSecret).toBe('s&cret-value');
    expect(decoded.Remote).toEqual({ Partition: 'default', Datacenter: 'dc1', Locality: null });
  });

  it('accepts older tokens without Locality or Remote, and keys in any case as Go does', () => {
    const old =
      '{"CA":null,"ServerAddresses":["1.2.3.4:8503"],"ServerName":"","peerid":"p","Remote":{"Partition":"","Datacenter":"dc9"}}';
    const decoded = decodeToken(Buffer.from(old).toString('base64'));
    expect(decoded.PeerID).toBe('p');
    expect(decoded.Remote).toEqual({ Partition: '', Datacenter: 'dc9', Locality: null });
    const bare = decodeToken(Buffer.from('{"PeerID":"x"}').toString('base64'));
    expect(bare.Remote).toEqual({ Partition: '', Datacenter: '', Locality: null });
  });

  it('skips CR and LF like Go StdEncoding, but nothing else', () => {
    const encoded = encodeToken(token);
    const wrapped = `${encoded.slice(0, 40)}\r\n${encoded.slice(40)}\n`;
    expect(decodeToken(wrapped)).toEqual(token);
    expectTokenError(() => decodeToken(` ${encoded}`), 'invalid-base64');
  });

  it('rejects URL-safe base64 with a clear error', () => {
    const encoded = Buffer.from('{"PeerID":"??>>"}').toString('base64url');
    expect(encoded).toMatch(/[-_]/);
    const error = expectTokenError(() => decodeToken(encoded), 'invalid-base64');
    expect(error.message).toMatch(/URL-safe base64 is not accepted/);
  });

  it('rejects base64 without padding', () => {
    const unpadded = Buffer.from('{"PeerID":"abc"}').toString('base64').replace(/=+$/, '');
    const error = expectTokenError(() => decodeToken(unpadded), 'invalid-base64');
    expect(error.message).toMatch(/padding/);
  });

  it('rejects malformed JSON without echoing the secret', () => {
    const broken = Buffer.from('{"EstablishmentSecret":"top-secret-value",').toString('base64');
    const error = expectTokenError(() => decodeToken(broken), 'invalid-json');
    expect(error.message).not.toContain('top-secret-value');
    expectTokenError(() => decodeToken(Buffer.from('[1,2]').toString('base64')), 'invalid-json');
  });

  it('rejects fields of the wrong type like Go does', () => {
    const wrong = Buffer.from('{"PeerID":42}').toString('base64');
    const error = expectTokenError(() => decodeToken(wrong), 'invalid-field');
    expect(error.message).toBe(
      'peering token JSON: cannot unmarshal number into Go struct field PeeringToken.PeerID of type string',
    );
    expectTokenError(() => decodeToken(Buffer.from('{"CA":"x"}').toString('base64')), 'invalid-field');
  });
});

describe('dialAddresses', () => {
  it('uses ManualServerAddresses when set, else ServerAddresses', () => {
    expect(dialAddresses(token)).toEqual(['10.0.0.1:8502', '10.0.0.2:8502']);
    expect(dialAddresses({ ...token, ManualServerAddresses: ['gw.example.com:443'] })).toEqual([
      'gw.example.com:443',
    ]);
  });
});
