// @peculiar/x509 (used here to read extensions node:crypto does not expose) needs the Reflect polyfill first.
import 'reflect-metadata';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  type CertificateMaterial,
  createCertificateAuthority,
  loadCertificateAuthority,
} from '../../src/tls/certificate-authority.ts';
import { tlsRoundTrip } from './tls-round-trip.ts';

const DAY_MS = 86_400_000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const serverName = 'server.dc1.peering.consul';

let ca: CertificateAuthority;
let caCert: X509Certificate;
let otherCa: CertificateAuthority;
let server: CertificateMaterial;
let serverCert: X509Certificate;

beforeAll(async () => {
  ca = await createCertificateAuthority('meshpeer test ca', 30);
  caCert = new X509Certificate(ca.certPem);
  otherCa = await createCertificateAuthority('meshpeer other ca');
  server = await ca.issue({
    commonName: serverName,
    dnsNames: [serverName],
    ipAddresses: ['127.0.0.1', '::1'],
  });
  serverCert = new X509Certificate(server.certPem);
});

/** Whole days between a certificate's notBefore and notAfter, and whether now lies inside them. */
function validity(cert: X509Certificate): { days: number; current: boolean } {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return { days: (to - from) / DAY_MS, current: from <= Date.now() && Date.now() < to };
}

describe('createCertificateAuthority', () => {
  it('is a self-signed CA named by its common name, whose key matches it', () => {
    expect(caCert.subject).toBe('CN=meshpeer test ca');
    expect(caCert.issuer).toBe(caCert.subject);
    expect(caCert.ca).toBe(true);
    expect(caCert.checkIssued(caCert)).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
  });

  it('signs leaves but no sub-CAs: critical CA constraints with path length 0, keyCertSign and cRLSign', () => {
    const cert = new x509.X509Certificate(ca.certPem);
    const constraints = cert.getExtension(x509.BasicConstraintsExtension);
    expect(constraints).toMatchObject({ ca: true, pathLength: 0, critical: true });
    expect(cert.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
    );
  });

  it('is valid now and for the requested number of days (ten years by default)', () => {
    expect(validity(caCert)).toEqual({ days: 30, current: true });
    expect(validity(new X509Certificate(otherCa.certPem))).toEqual({ days: 3650, current: true });
  });
});

describe('issue', () => {
  it('signs a non-CA leaf that verifies against this CA and no other', () => {
    expect(serverCert.ca).toBe(false);
    expect(serverCert.subject).toBe(`CN=${serverName}`);
    expect(serverCert.issuer).toBe(caCert.subject);
    expect(serverCert.checkIssued(caCert)).toBe(true);
    expect(serverCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.verify(new X509Certificate(otherCa.certPem).publicKey)).toBe(false);
  });

  it('carries exactly the requested DNS names and IP addresses', () => {
    expect(serverCert.subjectAltName).toBe(
      `DNS:${serverName}, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1`,
    );
    expect(serverCert.checkHost(serverName)).toBe(serverName);
    expect(serverCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(serverCert.checkIP('::1')).toBe('::1');
    expect(serverCert.checkHost('server.dc2.peering.consul')).toBeUndefined();
    expect(serverCert.checkIP('10.0.0.1')).toBeUndefined();
  });

  it('leaves out the SAN extension of a leaf with no names, as RFC 5280 requires', async () => {
    const leaf = new X509Certificate(
      (await ca.issue({ commonName: 'client only', usage: 'client' })).certPem,
    );
    expect(leaf.subjectAltName).toBeUndefined();
    expect(leaf.verify(caCert.publicKey)).toBe(true);
  });

  it('returns a fresh PKCS#8 private key that matches its own leaf only', async () => {
    const other = await ca.issue({ commonName: 'other', dnsNames: ['other.example'] });
    expect(server.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(serverCert.checkPrivateKey(createPrivateKey(server.keyPem))).toBe(true);
    expect(serverCert.checkPrivateKey(createPrivateKey(other.keyPem))).toBe(false);
    expect(new X509Certificate(other.certPem).serialNumber).not.toBe(serverCert.serialNumber);
  });

  it('is valid now for 365 days by default, or for validDays', async () => {
    const short = await ca.issue({ commonName: 'short', dnsNames: ['short.example'], validDays: 2 });
    expect(validity(serverCert)).toEqual({ days: 365, current: true });
    expect(validity(new X509Certificate(short.certPem))).toEqual({ days: 2, current: true });
  });

  it.each([
    [undefined, [SERVER_AUTH]],
    ['server', [SERVER_AUTH]],
    ['client', [CLIENT_AUTH]],
    ['both', [SERVER_AUTH, CLIENT_AUTH]],
  ] as const)('usage %s gives extended key usage %j', async (usage, expected) => {
    const options = { commonName: 'u', dnsNames: ['u.example'] };
    const leaf = await ca.issue(usage === undefined ? options : { ...options, usage });
    expect(new X509Certificate(leaf.certPem).keyUsage).toEqual(expected);
  });
});

describe('loadCertificateAuthority', () => {
  it.each(['pkcs8', 'sec1'] as const)('issues leaves under an existing CA from a %s key', async (type) => {
    const keyPem = createPrivateKey(ca.keyPem).export({ type, format: 'pem' }).toString();
    const loaded = await loadCertificateAuthority(ca.certPem, keyPem);
    const leaf = new X509Certificate(
      (await loaded.issue({ commonName: 'l', dnsNames: ['l.example'] })).certPem,
    );
    expect(new X509Certificate(loaded.certPem).fingerprint256).toBe(caCert.fingerprint256);
    expect(loaded.keyPem).toBe(keyPem);
    expect(leaf.issuer).toBe(caCert.subject);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
  });
});

describe('TLS with an issued leaf', () => {
  it('is trusted by a client given the CA, by DNS name and by IP address', async () => {
    const serverOptions = { cert: server.certPem, key: server.keyPem };
    expect(await tlsRoundTrip(serverOptions, { ca: ca.certPem, servername: serverName })).toEqual({
      received: 'hello',
    });
    expect(await tlsRoundTrip(serverOptions, { ca: ca.certPem })).toEqual({ received: 'hello' });
  });

  it('is refused by a client given a different CA, or asking for a name the leaf lacks', async () => {
    const serverOptions = { cert: server.certPem, key: server.keyPem };
    const untrusted = await tlsRoundTrip(serverOptions, { ca: otherCa.certPem, servername: serverName });
    expect(untrusted.clientError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const wrongName = await tlsRoundTrip(serverOptions, { ca: ca.certPem, servername: 'other.example' });
    expect(wrongName.clientError).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('authenticates a client leaf for mutual TLS, and names why other client certificates fail', async () => {
    // rejectUnauthorized: false lets the server answer with the verification error it would refuse on.
    const serverOptions = {
      cert: server.certPem,
      key: server.keyPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    };
    const client = await ca.issue({ commonName: 'meshpeer', dnsNames: ['meshpeer'], usage: 'client' });
    const stranger = await otherCa.issue({ commonName: 'meshpeer', dnsNames: ['meshpeer'], usage: 'client' });
    const presenting = (leaf: CertificateMaterial) =>
      tlsRoundTrip(serverOptions, {
        ca: ca.certPem,
        servername: serverName,
        cert: leaf.certPem,
        key: leaf.keyPem,
      });
    expect(await presenting(client)).toEqual({ received: 'hello' });
    expect(await presenting(server)).toEqual({ received: 'INVALID_PURPOSE' });
    expect(await presenting(stranger)).toEqual({ received: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });
});
