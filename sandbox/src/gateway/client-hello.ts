/**
 * Reads the server name (SNI) from the first bytes of a TLS connection without terminating TLS,
 * as Envoy's tls_inspector does for a mesh gateway's SNI filter chains. Handles a ClientHello
 * split across several TLS records.
 */

/** What the bytes seen so far say about the ClientHello. */
export type ClientHelloResult =
  | { readonly status: 'incomplete' }
  | { readonly status: 'sni'; readonly serverName: string }
  | { readonly status: 'no-sni' }
  | { readonly status: 'not-tls'; readonly reason: string };

const RECORD_HEADER = 5;
const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_NAME_EXTENSION = 0x0000;
const HOST_NAME = 0x00;
/** A ClientHello larger than this is refused (Envoy's inspector caps it similarly). */
export const MAX_CLIENT_HELLO = 64 * 1024;

/** Concatenates the handshake payloads of the leading handshake records. */
function handshakeBytes(data: Buffer): Buffer | { reason: string } | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  let total = 0;
  while (offset + RECORD_HEADER <= data.length) {
    if (data[offset] !== HANDSHAKE) return { reason: 'not a TLS handshake record' };
    const length = data.readUInt16BE(offset + 3);
    if (offset + RECORD_HEADER + length > data.length) break;
    const payload = data.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length);
    parts.push(payload);
    total += payload.length;
    offset += RECORD_HEADER + length;
    // Stop at the end of the ClientHello: later records belong to the TLS session.
    if (total >= 4 && total >= 4 + Buffer.concat(parts).readUIntBE(1, 3)) break;
  }
  if (data.length > 0 && data[0] !== HANDSHAKE) return { reason: 'not a TLS handshake record' };
  return parts.length === 0 ? undefined : Buffer.concat(parts);
}

/** Walks the ClientHello body to its extensions; returns the offset of the extension block. */
function extensionsOffset(hello: Buffer): number | undefined {
  let p = 4 + 2 + 32; // handshake header, client_version, random
  if (p + 1 > hello.length) return undefined;
  p += 1 + (hello[p] ?? 0); // session id
  if (p + 2 > hello.length) return undefined;
  p += 2 + hello.readUInt16BE(p); // cipher suites
  if (p + 1 > hello.length) return undefined;
  p += 1 + (hello[p] ?? 0); // compression methods
  return p + 2 <= hello.length ? p : undefined;
}

function serverNameOf(ext: Buffer): string | undefined {
  if (ext.length < 2) return undefined;
  const listEnd = Math.min(ext.length, 2 + ext.readUInt16BE(0));
  let p = 2;
  while (p + 3 <= listEnd) {
    const type = ext[p];
    const length = ext.readUInt16BE(p + 1);
    const name = ext.subarray(p + 3, p + 3 + length);
    if (type === HOST_NAME && name.length === length) return name.toString('ascii');
    p += 3 + length;
  }
  return undefined;
}

function sniFromHello(hello: Buffer): ClientHelloResult {
  let p = extensionsOffset(hello);
  if (p === undefined) return { status: 'no-sni' };
  const end = Math.min(hello.length, p + 2 + hello.readUInt16BE(p));
  p += 2;
  while (p + 4 <= end) {
    const type = hello.readUInt16BE(p);
    const length = hello.readUInt16BE(p + 2);
    if (type === SERVER_NAME_EXTENSION) {
      const name = serverNameOf(hello.subarray(p + 4, p + 4 + length));
      return name === undefined ? { status: 'no-sni' } : { status: 'sni', serverName: name.toLowerCase() };
    }
    p += 4 + length;
  }
  return { status: 'no-sni' };
}

/** Parses the bytes received so far; `incomplete` means: read more and call again. */
export function readClientHello(data: Buffer): ClientHelloResult {
  if (data.length > MAX_CLIENT_HELLO) return { status: 'not-tls', reason: 'ClientHello too large' };
  const hs = handshakeBytes(data);
  if (hs === undefined) return { status: 'incomplete' };
  if (!Buffer.isBuffer(hs)) return { status: 'not-tls', reason: hs.reason };
  if (hs.length < 4) return { status: 'incomplete' };
  if (hs[0] !== CLIENT_HELLO)
    return { status: 'not-tls', reason: 'first handshake message is not a ClientHello' };
  const length = hs.readUIntBE(1, 3);
  if (hs.length < 4 + length) return { status: 'incomplete' };
  return sniFromHello(hs.subarray(0, 4 + length));
}
