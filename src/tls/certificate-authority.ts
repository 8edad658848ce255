/**
 * Issues the X.509 material meshpeer's sandbox and peering code need: a self-signed CA and leaf
 * certificates with DNS and IP SANs, as PEM. ECDSA P-256 keeps generation fast (a few ms).
 */
// @peculiar/x509 resolves its providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A PEM certificate and its PKCS#8 private key. */
export interface CertificateMaterial {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A certificate authority able to sign leaf certificates. */
export interface CertificateAuthority extends CertificateMaterial {
  issue(options: LeafOptions): Promise<CertificateMaterial>;
}

/** What a leaf certificate is for and which names it carries. */
export interface LeafOptions {
  readonly commonName: string;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly usage?: 'server' | 'client' | 'both';
  readonly validDays?: number;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Date.now() - 60_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * 86_400_000) };
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function extendedUsages(usage: LeafOptions['usage']): string[] {
  const server = x509.ExtendedKeyUsage.serverAuth;
  const client = x509.ExtendedKeyUsage.clientAuth;
  if (usage === 'client') return [client];
  if (usage === 'both') return [server, client];
  return [server];
}

/** Creates a self-signed CA whose certificate is valid for `validDays` (default ten years). */
export async function createCertificateAuthority(
  commonName: string,
  validDays = 3650,
): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    ...validity(validDays),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const caKeyPem = await exportKey(keys.privateKey);
  return {
    certPem: cert.toString('pem'),
    keyPem: caKeyPem,
    issue: (options) => issueLeaf(cert, keys.privateKey, options),
  };
}

/**
 * A CA from existing PEMs (an ECDSA P-256 key, PKCS#8 or SEC1), e.g. a cluster's CA Secret, so
 * leaves can be issued under a CA someone else created.
 */
export async function loadCertificateAuthority(
  certPem: string,
  keyPem: string,
): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem);
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const key = await webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
  return { certPem: cert.toString('pem'), keyPem, issue: (options) => issueLeaf(cert, key, options) };
}

async function issueLeaf(
  caCert: x509.X509Certificate,
  caKey: CryptoKey,
  options: LeafOptions,
): Promise<CertificateMaterial> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${options.commonName}`,
    issuer: caCert.subject,
    ...validity(options.validDays ?? 365),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(extendedUsages(options.usage)),
      // RFC 5280 forbids an empty SAN extension; a leaf without names has none.
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKey(keys.privateKey) };
}
