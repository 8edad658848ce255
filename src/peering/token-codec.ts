/**
 * Encodes and decodes peering tokens exactly as Consul does (`EncodeToken`/`DecodeToken` in
 * agent/consul/peering_backend.go): standard padded base64 of Go's compact JSON for the struct.
 */

import { registerSecret } from '../secrets/redact.ts';
import { goField, goJsonString, goJsonStringList } from './go-json.ts';
import type { PeeringToken, PeeringTokenLocality, PeeringTokenRemote } from './peering-token.ts';
import { TokenError } from './token-error.ts';

/** Serialises a token to the Go JSON Consul writes, with keys in struct order and empty lists as null. */
export function tokenJson(token: PeeringToken): string {
  return (
    `{"CA":${goJsonStringList(token.CA)}` +
    `,"ManualServerAddresses":${goJsonStringList(token.ManualServerAddresses)}` +
    `,"ServerAddresses":${goJsonStringList(token.ServerAddresses)}` +
    `,"ServerName":${goJsonString(token.ServerName)}` +
    `,"PeerID":${goJsonString(token.PeerID)}` +
    `,"EstablishmentSecret":${goJsonString(token.EstablishmentSecret)}` +
    `,"Remote":${remoteJson(token.Remote)}}`
  );
}

function remoteJson(remote: PeeringTokenRemote): string {
  return (
    `{"Partition":${goJsonString(remote.Partition)}` +
    `,"Datacenter":${goJsonString(remote.Datacenter)}` +
    `,"Locality":${localityJson(remote.Locality)}}`
  );
}

function localityJson(locality: PeeringTokenLocality | null): string {
  if (locality === null) return 'null';
  // Both fields carry `json:",omitempty"` in Consul's structs.Locality.
  const parts: string[] = [];
  if (locality.Region !== '') parts.push(`"Region":${goJsonString(locality.Region)}`);
  if (locality.Zone !== '') parts.push(`"Zone":${goJsonString(locality.Zone)}`);
  return `{${parts.join(',')}}`;
}

/** Encodes a token as the string Consul returns in `{"PeeringToken": ...}`. */
export function encodeToken(token: PeeringToken): string {
  return Buffer.from(tokenJson(token), 'utf8').toString('base64');
}

const STD_BASE64 = /^[A-Za-z0-9+/]*$/;

/** Decodes standard padded base64 as Go's StdEncoding does: CR and LF are skipped, nothing else is. */
export function decodeStdBase64(text: string): Buffer {
  const compact = text.replace(/[\r\n]/g, '');
  const body = compact.replace(/={1,2}$/, '');
  const badAt = [...body].findIndex((c) => !STD_BASE64.test(c));
  if (badAt >= 0) {
    const hint = /[-_]/.test(body[badAt] ?? '') ? ' (URL-safe base64 is not accepted)' : '';
    throw new TokenError(
      'invalid-base64',
      `failed to decode peering token: illegal base64 data at input byte ${badAt}${hint}`,
    );
  }
  if (compact.length % 4 !== 0 || (compact.length - body.length > 0 && body.length % 4 < 2)) {
    throw new TokenError(
      'invalid-base64',
      `failed to decode peering token: illegal base64 data at input byte ${body.length}: standard base64 needs '=' padding`,
    );
  }
  return Buffer.from(compact, 'base64');
}

/** Decodes a token string; accepts older tokens without Locality and rejects what Go would reject. */
export function decodeToken(text: string): PeeringToken {
  const raw = decodeStdBase64(text).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // JSON.parse messages quote the input, which holds the establishment secret: say less.
    throw new TokenError('invalid-json', 'peering token is not valid JSON after base64 decoding');
  }
  const token = tokenFromJson(parsed);
  // Every decoded token's secret is masked in any later outward text, whoever decoded it.
  registerSecret(token.EstablishmentSecret);
  return token;
}

/** Builds a token from already parsed JSON with Go's field matching and type rules. */
export function tokenFromJson(parsed: unknown): PeeringToken {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TokenError('invalid-json', 'peering token JSON must be an object');
  }
  const object = parsed as Record<string, unknown>;
  const remote = asObject(goField(object, 'Remote'), 'PeeringToken.Remote');
  return {
    CA: stringList(object, 'CA'),
    ManualServerAddresses: stringList(object, 'ManualServerAddresses'),
    ServerAddresses: stringList(object, 'ServerAddresses'),
    ServerName: stringField(object, 'ServerName', 'PeeringToken'),
    PeerID: stringField(object, 'PeerID', 'PeeringToken'),
    EstablishmentSecret: stringField(object, 'EstablishmentSecret', 'PeeringToken'),
    Remote: {
      Partition: remote === null ? '' : stringField(remote, 'Partition', 'PeeringTokenRemote'),
      Datacenter: remote === null ? '' : stringField(remote, 'Datacenter', 'PeeringTokenRemote'),
      Locality: remote === null ? null : locality(remote),
    },
  };
}

function locality(remote: Record<string, unknown>): PeeringTokenLocality | null {
  const value = asObject(goField(remote, 'Locality'), 'PeeringTokenRemote.Locality');
  if (value === null) return null;
  return { Region: stringField(value, 'Region', 'Locality'), Zone: stringField(value, 'Zone', 'Locality') };
}

function typeError(where: string, expected: string, value: unknown): TokenError {
  const actual = Array.isArray(value) ? 'array' : typeof value;
  return new TokenError(
    'invalid-field',
    `peering token JSON: cannot unmarshal ${actual} into Go struct field ${where} of type ${expected}`,
  );
}

function asObject(value: unknown, where: string): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(where, 'object', value);
  return value as Record<string, unknown>;
}

function stringField(object: Record<string, unknown>, name: string, owner: string): string {
  const value = goField(object, name);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw typeError(`${owner}.${name}`, 'string', value);
  return value;
}

function stringList(object: Record<string, unknown>, name: string): string[] {
  const value = goField(object, name);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw typeError(`PeeringToken.${name}`, '[]string', value);
  return value.map((item) => {
    // Go decodes a null element of []string as "".
    if (item === null) return '';
    if (typeof item !== 'string') throw typeError(`PeeringToken.${name}`, 'string', item);
    return item;
  });
}
