/**
 * A printable view of a peering token for `meshpeer token inspect`: every field Consul reads, the
 * CA certificates summarised, the establishment secret never shown, and the validation verdict.
 */

import type { PeeringToken, PeeringTokenRemote } from './peering-token.ts';
import { TokenError } from './token-error.ts';
import { parsePemCertificate, validateToken } from './token-validate.ts';

const REDACTED = '[redacted]';

/** One CA entry as shown to a person. */
export interface CaSummary {
  readonly subject: string;
  readonly notAfter: string;
  readonly fingerprint256: string;
}

/** The token with its secret replaced, plus what establish would say about it. */
export interface TokenInspection {
  readonly ServerName: string;
  readonly PeerID: string;
  readonly EstablishmentSecret: string;
  readonly ManualServerAddresses: readonly string[];
  readonly ServerAddresses: readonly string[];
  readonly Remote: PeeringTokenRemote;
  readonly CA: readonly (CaSummary | { readonly error: string })[];
  readonly valid: boolean;
  readonly problem?: { readonly code: string; readonly message: string };
}

function summarise(pem: string): CaSummary | { error: string } {
  try {
    const cert = parsePemCertificate(pem);
    return { subject: cert.subject, notAfter: cert.validTo, fingerprint256: cert.fingerprint256 };
  } catch (error) {
    return { error: error instanceof Error ? error.message : 'unparseable certificate' };
  }
}

/** Builds the redacted inspection of a decoded token. */
export function inspectToken(token: PeeringToken): TokenInspection {
  let problem: TokenInspection['problem'];
  try {
    validateToken(token);
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    problem = { code: error.code, message: error.message };
  }
  return {
    ServerName: token.ServerName,
    PeerID: token.PeerID,
    EstablishmentSecret: token.EstablishmentSecret === '' ? '' : REDACTED,
    ManualServerAddresses: token.ManualServerAddresses,
    ServerAddresses: token.ServerAddresses,
    Remote: token.Remote,
    CA: token.CA.map(summarise),
    valid: problem === undefined,
    ...(problem === undefined ? {} : { problem }),
  };
}

/** Renders an inspection as aligned text lines. */
export function formatInspection(view: TokenInspection): string {
  const list = (values: readonly string[]): string => (values.length === 0 ? '(none)' : values.join(', '));
  const locality = view.Remote.Locality;
  const lines = [
    `ServerName:            ${view.ServerName || '(empty)'}`,
    `PeerID:                ${view.PeerID || '(empty)'}`,
    `EstablishmentSecret:   ${view.EstablishmentSecret || '(empty)'}`,
    `ManualServerAddresses: ${list(view.ManualServerAddresses)}`,
    `ServerAddresses:       ${list(view.ServerAddresses)}`,
    `Remote.Partition:      ${view.Remote.Partition || '(empty)'}`,
    `Remote.Datacenter:     ${view.Remote.Datacenter || '(empty)'}`,
    `Remote.Locality:       ${locality === null ? '(none)' : `region=${locality.Region} zone=${locality.Zone}`}`,
    `CA:                    ${view.CA.length} certificate(s)`,
    ...view.CA.map((ca, i) =>
      'error' in ca
        ? `  [${i}] invalid: ${ca.error}`
        : `  [${i}] ${ca.subject.replace(/\n/g, ', ')} (expires ${ca.notAfter}, sha256 ${ca.fingerprint256})`,
    ),
    view.valid ? 'Valid:                 yes' : `Valid:                 no: ${view.problem?.message ?? ''}`,
  ];
  return `${lines.join('\n')}\n`;
}
