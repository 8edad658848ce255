/**
 * Checks a decoded token the way Consul's establish does (`validatePeeringToken` in
 * agent/rpc/peering/validate.go), with Consul's messages, so errors read the same as the server's.
 */
import { X509Certificate } from 'node:crypto';
import type { PeeringToken } from './peering-token.ts';
import { TokenError } from './token-error.ts';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/;

/** Parses one PEM certificate as Go's connect.ParseCert does; throws with Go's reason. */
export function parsePemCertificate(pem: string): X509Certificate {
  const block = PEM_BLOCK.exec(pem);
  if (block === null) throw new Error('no PEM-encoded data found');
  if (block[1] !== 'CERTIFICATE') throw new Error('first PEM-block should be CERTIFICATE type');
  try {
    return new X509Certificate(block[0]);
  } catch {
    throw new Error('x509: malformed certificate');
  }
}

/** Splits `host:port` with Go's net.SplitHostPort rules; returns undefined when Go would fail. */
export function splitHostPort(address: string): { host: string; port: string } | undefined {
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end < 0 || address[end + 1] !== ':') return undefined;
    const host = address.slice(1, end);
    const port = address.slice(end + 2);
    if (host.includes('[') || host.includes(']') || port.includes(':')) return undefined;
    return { host, port };
  }
  const colon = address.lastIndexOf(':');
  if (colon < 0) return undefined;
  const host = address.slice(0, colon);
  if (host.includes(':') || host.includes('[') || host.includes(']')) return undefined;
  return { host, port: address.slice(colon + 1) };
}

/** Whether an address is `host:port` with a port from 1 to 65535, as Consul requires. */
export function isValidServerAddress(address: string): boolean {
  const parts = splitHostPort(address);
  // strconv.Atoi accepts an optional sign followed by decimal digits.
  if (parts === undefined || !/^[+-]?\d+$/.test(parts.port)) return false;
  const port = Number(parts.port);
  return port >= 1 && port <= 65535;
}

/** Throws a TokenError with Consul's message when establish would refuse this token. */
export function validateToken(token: PeeringToken): void {
  for (const pem of token.CA) {
    try {
      parsePemCertificate(pem);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unparseable certificate';
      throw new TokenError('invalid-ca', `peering token invalid CA: ${reason}`);
    }
  }
  const addresses = [...token.ServerAddresses, ...token.ManualServerAddresses];
  if (addresses.length === 0) {
    throw new TokenError('no-server-addresses', 'peering token server addresses value is empty');
  }
  for (const address of addresses) {
    if (!isValidServerAddress(address)) {
      throw new TokenError('invalid-server-address', `${address} is not a valid peering server address`);
    }
  }
  if (token.CA.length > 0 && token.ServerName === '') {
    throw new TokenError('no-server-name', 'peering token server name value is empty');
  }
  if (token.PeerID === '') throw new TokenError('no-peer-id', 'peering token peer ID value is empty');
}
