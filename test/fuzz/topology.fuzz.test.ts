import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseTopology } from '../../src/topology/index.ts';
import { fuzzRuns, fuzzTimeoutMs } from './fuzz-budget.ts';

const examples = readdirSync('desired-state-examples', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'invalid')
  .map((d) => readFileSync(`desired-state-examples/${d.name}/peerings.yaml`, 'utf8'));

/** Every outcome is a topology or well-formed positioned diagnostics; nothing throws. */
function checkOutcome(source: string): void {
  const lines = source.split('\n').length;
  const result = parseTopology(source, 'fuzz.yaml');
  if (result.ok) return;
  expect(result.diagnostics.length).toBeGreaterThan(0);
  for (const d of result.diagnostics) {
    expect(d.file).toBe('fuzz.yaml');
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines + 1);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.code).toMatch(/^[a-z_]+$/);
  }
}

const mutate = fc
  .tuple(
    fc.constantFrom(...examples),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.string({ maxLength: 6 })), { maxLength: 6 }),
  )
  .map(([text, edits]) =>
    edits.reduce((s, [at, del, ins]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + ins + s.slice(i + del);
    }, text),
  );

describe('fuzz: peerings.yaml loader and validator', () => {
  it(
    'never crashes on arbitrary text',
    () => {
      fc.assert(fc.property(fc.string({ maxLength: 400 }), checkOutcome), { numRuns: fuzzRuns });
    },
    fuzzTimeoutMs,
  );

  it(
    'never crashes on mutated valid examples',
    () => {
      fc.assert(fc.property(mutate, checkOutcome), { numRuns: fuzzRuns });
    },
    fuzzTimeoutMs,
  );

  it(
    'never crashes on arbitrary YAML documents of the right outline',
    () => {
      const doc = fc.record({
        apiVersion: fc.oneof(fc.constant('meshpeer.dev/v1alpha1'), fc.string()),
        kind: fc.oneof(fc.constant('PeeringTopology'), fc.string()),
        metadata: fc.oneof(fc.record({ name: fc.string() }), fc.jsonValue()),
        clusters: fc.array(
          fc.oneof(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/) }), fc.jsonValue()),
          { maxLength: 4 },
        ),
        peerings: fc.array(
          fc.record({
            acceptor: fc.oneof(fc.string(), fc.jsonValue()),
            dialer: fc.oneof(fc.string(), fc.jsonValue()),
          }),
          { maxLength: 4 },
        ),
        exports: fc.jsonValue({ maxDepth: 3 }),
      });
      fc.assert(
        fc.property(doc, (d) => checkOutcome(stringify(d))),
        { numRuns: fuzzRuns },
      );
    },
    fuzzTimeoutMs,
  );
});
