import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeToken, TokenError, validateToken } from '../../src/peering/index.ts';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-budget.ts';

/** The decoder either returns a token or throws a TokenError with a clear message; never anything else. */
function decodeOrRefuse(text: string): void {
  try {
    const token = decodeToken(text);
    try {
      validateToken(token);
    } catch (err) {
      expect(err).toBeInstanceOf(TokenError);
    }
  } catch (err) {
    expect(err).toBeInstanceOf(TokenError);
    expect((err as Error).message.length).toBeGreaterThan(0);
    // A refusal must not echo token content back.
    if (text.length > 40) expect((err as Error).message).not.toContain(text.slice(0, 40));
  }
}

const tokenish = fc.record({
  CA: fc.oneof(fc.constant(null), fc.array(fc.string(), { maxLength: 2 })),
  ManualServerAddresses: fc.oneof(fc.constant(null), fc.array(fc.string(), { maxLength: 3 })),
  ServerAddresses: fc.oneof(
    fc.constant(null),
    fc.array(fc.oneof(fc.string(), fc.constant('127.0.0.1:8503')), { maxLength: 3 }),
  ),
  ServerName: fc.string(),
  PeerID: fc.oneof(fc.uuid(), fc.string()),
  EstablishmentSecret: fc.string(),
  Remote: fc.oneof(fc.record({ Partition: fc.string(), Datacenter: fc.string() }), fc.jsonValue()),
});

describe('fuzz: peering token decoder', () => {
  it(
    'handles arbitrary text',
    () => {
      fc.assert(fc.property(fc.string({ maxLength: 300 }), decodeOrRefuse), { numRuns: fuzzRuns });
    },
    fuzzTimeoutMs,
  );

  it(
    'handles base64 of arbitrary JSON and of token-shaped objects',
    () => {
      const json = fc
        .oneof(fc.jsonValue(), tokenish)
        .map((v) => Buffer.from(JSON.stringify(v)).toString('base64'));
      fc.assert(fc.property(json, decodeOrRefuse), { numRuns: fuzzRuns });
    },
    fuzzTimeoutMs,
  );

  it(
    'handles arbitrary bytes in base64 and URL-safe base64',
    () => {
      const bytes = fc
        .uint8Array({ maxLength: 300 })
        .chain((b) =>
          fc.constantFrom(Buffer.from(b).toString('base64'), Buffer.from(b).toString('base64url')),
        );
      fc.assert(fc.property(bytes, decodeOrRefuse), { numRuns: fuzzRuns });
    },
    fuzzTimeoutMs,
  );
});
