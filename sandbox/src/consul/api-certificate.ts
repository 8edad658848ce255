/**
 * The HTTPS API's server certificate, issued as consul-k8s `tls-init` issues the chart's
 * `<fullname>-server-cert` (control-plane/subcommand/tls-init/command.go, flags from
 * charts/consul/templates/tls-init-job.yaml): CN `server.<dc>.<domain>`, the server Service's names
 * with and without wildcards, localhost and the loopback addresses, valid 730 days.
 */
import {
  type CertificateAuthority,
  type CertificateMaterial,
  createCertificateAuthority,
  loadCertificateAuthority,
} from '../../../src/tls/certificate-authority.ts';

/** Where the names in the certificate come from. */
export interface ApiCertificateNames {
  readonly datacenter: string;
  /** `consul.fullname` of the install. */
  readonly fullname: string;
  /** The release namespace. */
  readonly namespace: string;
  /** `global.domain` (chart default `consul`). */
  readonly domain: string;
}

/** The CA (its PEM for clients) and the server certificate signed by it. */
export interface ApiTlsMaterial extends CertificateMaterial {
  readonly caPem: string;
}

/** The DNS SANs of the chart's server certificate, in tls-init's order. */
export function apiCertificateDnsNames(names: ApiCertificateNames): string[] {
  const server = `${names.fullname}-server`;
  const ns = names.namespace;
  return [
    server,
    `*.${server}`,
    `*.${server}.${ns}`,
    `${server}.${ns}`,
    `*.${server}.${ns}.svc`,
    `${server}.${ns}.svc`,
    `*.server.${names.datacenter}.${names.domain}`,
    `server.${names.datacenter}.${names.domain}`,
    'localhost',
  ];
}

/** Issues the certificate under the given CA, or under a fresh one as tls-init creates it. */
export async function issueApiCertificate(
  names: ApiCertificateNames,
  ca?: { readonly certPem: string; readonly keyPem: string },
): Promise<ApiTlsMaterial> {
  const authority: CertificateAuthority =
    ca === undefined
      ? await createCertificateAuthority(`Consul Agent CA ${names.datacenter}`)
      : await loadCertificateAuthority(ca.certPem, ca.keyPem);
  const leaf = await authority.issue({
    commonName: `server.${names.datacenter}.${names.domain}`,
    dnsNames: apiCertificateDnsNames(names),
    ipAddresses: ['127.0.0.1', '::1'],
    usage: 'both',
    validDays: 730,
  });
  return { caPem: authority.certPem, certPem: leaf.certPem, keyPem: leaf.keyPem };
}
