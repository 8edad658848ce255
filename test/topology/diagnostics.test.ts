import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../src/topology/index.ts';

const head = 'apiVersion: meshpeer.dev/v1alpha1\nkind: PeeringTopology\nmetadata:\n  name: t\n';

function problems(source: string) {
  const result = parseTopology(source, 'p.yaml');
  if (result.ok) throw new Error('expected the file to be invalid');
  return result.diagnostics;
}

describe('positioned diagnostics', () => {
  it('reports every schema problem at once, sorted by position', () => {
    const list = problems(
      `${head}clusters:\n  - name: B\n  - name: a\n    extra: 1\n  - name: c\n    enterprise: 3\n`,
    );
    expect(list.map((d) => [d.line, d.col, d.code])).toEqual([
      [6, 11, 'invalid_value'],
      [8, 5, 'unknown_field'],
      [10, 17, 'invalid_type'],
    ]);
  });

  it('points unknown keys at the key and missing keys at the parent mapping', () => {
    const list = problems(
      `${head}clusters: [{ name: a }, { name: b }]\npeerings:\n  - acceptor: a\n    dailer: b\n`,
    );
    expect(list.map((d) => `${d.line}:${d.col} ${d.path} ${d.message}`)).toEqual([
      '7:5 peerings[0].dialer "dialer" is required',
      '8:5 peerings[0].dailer unknown field "dailer": did you mean "dialer"?',
    ]);
  });

  it('never echoes an inline secret value', () => {
    const secret = 'b6f0d0d2-6c3e-4f0e-9c1a-2b0f3e9d1c77';
    const list = problems(`${head}clusters:\n  - name: a\n    consul:\n      aclToken: ${secret}\n`);
    expect(list).toHaveLength(1);
    expect(list[0]?.code).toBe('inline_secret');
    expect(JSON.stringify(list)).not.toContain(secret);
  });

  it('detects a pasted peering token by its shape anywhere in the file', () => {
    const token = Buffer.from(
      JSON.stringify({
        CA: null,
        ServerName: 'x',
        PeerID: 'y'.repeat(36),
        EstablishmentSecret: 'z'.repeat(36),
      }),
    ).toString('base64');
    const list = problems(`${head}clusters:\n  - name: a\nmetadata2: ${token}\n`);
    expect(list.map((d) => d.code)).toContain('inline_secret');
    expect(JSON.stringify(list)).not.toContain(token);
  });

  it('reports YAML syntax errors before anything else', () => {
    const list = problems(`${head}clusters:\n  - name: a\n  - name: a\n name: b\n`);
    expect(list[0]?.code).toBe('bad_indent');
    expect(list[0]?.line).toBe(8);
  });
});
