/**
 * A small parser for Consul ACL policy rules, in HCL or JSON: the top-level `peering`, `mesh`,
 * `operator` and `acl` levels, `service`/`service_prefix` and `node`/`node_prefix` blocks, and
 * `partition`/`partition_prefix` blocks holding the same rules (how the Helm chart scopes them).
 */

/** A policy level; `deny` overrides everything in Consul's merge. */
export type AccessLevel = 'deny' | 'read' | 'write';

/** A `service "x" {}` or `service_prefix "x" {}` style block. */
export interface NamedRule {
  readonly name: string;
  readonly prefix: boolean;
  readonly policy: AccessLevel;
  /**
   * A service block's `intentions` level; when unset, hashicorp/consul acl/policy_authorizer.go
   * derives it: read from a read or write policy, deny otherwise.
   */
  readonly intentions?: AccessLevel;
}

/** The rules of one policy (or of one partition block inside it). */
export interface PolicyRules {
  readonly peering?: AccessLevel;
  readonly mesh?: AccessLevel;
  readonly operator?: AccessLevel;
  readonly acl?: AccessLevel;
  readonly services: readonly NamedRule[];
  readonly nodes: readonly NamedRule[];
  readonly partitions: ReadonlyArray<{
    readonly name: string;
    readonly prefix: boolean;
    readonly rules: PolicyRules;
  }>;
}

/** A policy whose rules cannot be parsed; the message follows Consul's "Failed to parse ACL rules". */
export class RulesError extends Error {
  override readonly name = 'RulesError';
}

type Value = string | boolean | number | Block;
interface Block {
  readonly entries: Array<{ key: string; label: string | undefined; value: Value }>;
}

const TOKEN =
  /\s+|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_.-]*|-?\d+(?:\.\d+)?|[={}[\],:]/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) throw new RulesError(`Failed to parse ACL rules: illegal char at offset ${at}`);
    const token = match[0];
    if (/^\s|^#|^\/\//.test(token) || token.startsWith('/*')) continue;
    out.push(token);
  }
  return out;
}

function unquote(token: string): string {
  return JSON.parse(token) as string;
}

class HclParser {
  private at = 0;
  constructor(private readonly tokens: string[]) {}

  parseBody(closing: string | undefined): Block {
    const entries: Block['entries'] = [];
    for (;;) {
      const token = this.tokens[this.at];
      if (token === undefined) {
        if (closing !== undefined) throw new RulesError('Failed to parse ACL rules: unexpected end of input');
        return { entries };
      }
      if (token === closing) {
        this.at += 1;
        return { entries };
      }
      if (token === ',') {
        this.at += 1;
        continue;
      }
      entries.push(this.parseEntry());
    }
  }

  private parseEntry(): Block['entries'][number] {
    const keyToken = this.next();
    const key = keyToken.startsWith('"') ? unquote(keyToken) : keyToken;
    let label: string | undefined;
    if (this.peek()?.startsWith('"')) label = unquote(this.next());
    const op = this.next();
    if (op === '{') return { key, label, value: this.parseBody('}') };
    if (op !== '=' && op !== ':')
      throw new RulesError(`Failed to parse ACL rules: expected '=' after ${key}`);
    if (this.peek() === '{') {
      this.at += 1;
      return { key, label, value: this.parseBody('}') };
    }
    const raw = this.next();
    if (raw.startsWith('"')) return { key, label, value: unquote(raw) };
    if (raw === 'true' || raw === 'false') return { key, label, value: raw === 'true' };
    if (/^-?\d/.test(raw)) return { key, label, value: Number(raw) };
    throw new RulesError(`Failed to parse ACL rules: unexpected ${raw}`);
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private next(): string {
    const token = this.tokens[this.at];
    if (token === undefined) throw new RulesError('Failed to parse ACL rules: unexpected end of input');
    this.at += 1;
    return token;
  }
}

function level(value: Value | undefined, where: string): AccessLevel {
  if (value === 'read' || value === 'write' || value === 'deny') return value;
  throw new RulesError(`Invalid ${where} policy: ${JSON.stringify(value)}`);
}

function fromJson(value: unknown): Block {
  const entries: Block['entries'] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object' && LABELLED.includes(key)) {
      for (const [label, inner] of Object.entries(v as Record<string, unknown>)) {
        entries.push({ key, label, value: fromJson(inner) });
      }
    } else if (v !== null && typeof v === 'object')
      entries.push({ key, label: undefined, value: fromJson(v) });
    else entries.push({ key, label: undefined, value: v as string });
  }
  return { entries };
}

const LABELLED = [
  'service',
  'service_prefix',
  'node',
  'node_prefix',
  'partition',
  'partition_prefix',
  'namespace',
  'namespace_prefix',
];

function named(entry: Block['entries'][number], prefix: boolean): NamedRule {
  const body = entry.value as Block;
  const where = `${entry.key} "${entry.label ?? ''}"`;
  const policy = level(body.entries.find((e) => e.key === 'policy')?.value, where);
  const rule = { name: entry.label ?? '', prefix, policy };
  if (!entry.key.startsWith('service')) return rule;
  const intentions = body.entries.find((e) => e.key === 'intentions')?.value;
  if (intentions !== undefined) return { ...rule, intentions: level(intentions, `${where} intentions`) };
  return { ...rule, intentions: policy === 'deny' ? 'deny' : 'read' };
}

function toRules(block: Block): PolicyRules {
  const rules: {
    -readonly [K in keyof PolicyRules]: PolicyRules[K] extends readonly (infer T)[] ? T[] : PolicyRules[K];
  } = { services: [], nodes: [], partitions: [] };
  for (const entry of block.entries) {
    switch (entry.key) {
      case 'peering':
      case 'mesh':
      case 'operator':
      case 'acl':
        rules[entry.key] = level(entry.value, entry.key);
        break;
      case 'service':
      case 'service_prefix':
        rules.services.push(named(entry, entry.key === 'service_prefix'));
        break;
      case 'node':
      case 'node_prefix':
        rules.nodes.push(named(entry, entry.key === 'node_prefix'));
        break;
      case 'namespace':
      case 'namespace_prefix': {
        // Namespaces are not modelled: their service and node rules count for the partition.
        const inner = toRules(entry.value as Block);
        rules.services.push(...inner.services);
        rules.nodes.push(...inner.nodes);
        break;
      }
      case 'partition':
      case 'partition_prefix':
        rules.partitions.push({
          name: entry.label ?? '',
          prefix: entry.key === 'partition_prefix',
          rules: toRules(entry.value as Block),
        });
        break;
      default:
        // Other resources (key_prefix, intentions, namespace blocks...) are accepted and not enforced here.
        break;
    }
  }
  return rules;
}

/** Parses policy rules written in HCL or JSON. */
export function parseRules(text: string): PolicyRules {
  const trimmed = text.trim();
  if (trimmed === '') return { services: [], nodes: [], partitions: [] };
  if (trimmed.startsWith('{')) {
    try {
      return toRules(fromJson(JSON.parse(trimmed)));
    } catch (error) {
      if (error instanceof RulesError) throw error;
      throw new RulesError('Failed to parse ACL rules: invalid JSON');
    }
  }
  return toRules(new HclParser(tokenize(trimmed)).parseBody(undefined));
}
