/**
 * A simulated server's peering TLS identity: its own Connect CA and a leaf for the DNS SAN
 * `server.<dc>.peering.<trust-domain>`, the trust domain being `<cluster-id>.consul`.
 */
import { randomUUID } from 'node:crypto';
import { createCertificateAuthority } from '../../../src/tls/certificate-authority.ts';
import { peeringServerName } from '../peering/index.ts';

/** The CA and server certificate of one cluster. */
export interface ConsulIdentity {
  readonly trustDomain: string;
  readonly serverName: string;
  readonly caPem: string;
  /** The Connect CA's key: the sandbox's data plane signs service leaf certificates with it. */
  readonly caKeyPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** Creates the identity; `trustDomain` defaults to a fresh `<uuid>.consul`. */
export async function createConsulIdentity(
  datacenter: string,
  trustDomain?: string,
): Promise<ConsulIdentity> {
  const domain = (trustDomain ?? `${randomUUID()}.consul`).toLowerCase();
  const serverName = peeringServerName(datacenter, domain);
  const ca = await createCertificateAuthority(`Consul CA ${domain}`);
  const leaf = await ca.issue({ commonName: serverName, dnsNames: [serverName], usage: 'server' });
  return {
    trustDomain: domain,
    serverName,
    caPem: ca.certPem,
    caKeyPem: ca.keyPem,
    certPem: leaf.certPem,
    keyPem: leaf.keyPem,
  };
}
