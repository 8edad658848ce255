import { describe, expect, it } from 'vitest';
import { PolicyParseError, parsePolicyRules } from '../../src/consul/policy-rules-parser.ts';

describe('parsePolicyRules', () => {
  it('parses attributes, labelled and nested blocks, lists and escapes', () => {
    const body = parsePolicyRules(
      'peering = "read"\npartition_prefix "" {\n  service "a\\"b" { policy = "write" }\n}\nlist = ["x", 1, true]',
    );
    expect(body).toEqual({
      items: [
        { keys: ['peering'], value: 'read' },
        {
          keys: ['partition_prefix', ''],
          value: {
            items: [{ keys: ['service', 'a"b'], value: { items: [{ keys: ['policy'], value: 'write' }] } }],
          },
        },
        { keys: ['list'], value: ['x', 1, true] },
      ],
    });
  });

  it('parses JSON into the same shape', () => {
    expect(parsePolicyRules('{"service_prefix": {"": {"policy": "read"}}}')).toEqual({
      items: [
        {
          keys: ['service_prefix'],
          value: { items: [{ keys: [''], value: { items: [{ keys: ['policy'], value: 'read' }] } }] },
        },
      ],
    });
  });

  it('names the position of what it cannot parse', () => {
    expect(() => parsePolicyRules('peering = "read"\nservice "x" {\n  policy = "read"\n')).toThrow(
      /expected "}" at line 4/,
    );
    expect(() => parsePolicyRules('peering = <<EOF')).toThrow(PolicyParseError);
    expect(() => parsePolicyRules('key "a" {\n  policy = "read\n}')).toThrow(
      /unterminated string at line 2, column 12/,
    );
    expect(() => parsePolicyRules('{"peering": ')).toThrow(/invalid JSON rules/);
  });
});
