/**
 * Parses Consul ACL policy rules into a small syntax tree. Consul decodes rules with HCL1
 * (acl/policy_ce.go: hcl.Decode), which also reads JSON; policies use the subset parsed here:
 * attributes (`peering = "read"`), labelled blocks (`service "web" { policy = "read" }`, nested
 * `partition_prefix "" { namespace_prefix "" { ... } }`), comments, commas and lists. Heredocs
 * and HCL2 expressions are not part of that subset and are refused with their position.
 */

/** A value: a string, number or bool, a nested body, or a list. */
export type RuleValue = string | number | boolean | RuleBody | readonly RuleValue[];

/** One item: `keys` is the attribute name, or a block type followed by its labels. */
export interface RuleItem {
  readonly keys: readonly string[];
  readonly value: RuleValue;
}

/** A sequence of items: a whole policy or a block's body. */
export interface RuleBody {
  readonly items: readonly RuleItem[];
}

/** Whether a value is a nested body. */
export function isBody(value: RuleValue): value is RuleBody {
  return typeof value === 'object' && !Array.isArray(value);
}

/** Rules that are neither the HCL subset nor JSON. */
export class PolicyParseError extends Error {
  override readonly name = 'PolicyParseError';
}

type TokenKind = 'word' | 'string' | 'number' | 'punct' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly at: string;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

function position(source: string, offset: number): string {
  const before = source.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function readString(source: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < source.length && source[i] !== '"') {
    const c = source[i] ?? '';
    if (c === '\n') break;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      text += ESCAPES[next] ?? next;
      i += 2;
    } else {
      text += c;
      i += 1;
    }
  }
  if (source[i] !== '"') throw new PolicyParseError(`unterminated string at ${position(source, start)}`);
  return { text, end: i + 1 };
}

function skipTrivia(source: string, start: number): number {
  let i = start;
  while (i < source.length) {
    const c = source[i] ?? '';
    if (/\s/.test(c)) i += 1;
    else if (c === '#' || source.startsWith('//', i)) {
      const nl = source.indexOf('\n', i);
      i = nl < 0 ? source.length : nl + 1;
    } else if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) throw new PolicyParseError(`unterminated comment at ${position(source, i)}`);
      i = close + 2;
    } else break;
  }
  return i;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = skipTrivia(source, 0);
  while (i < source.length) {
    const at = position(source, i);
    const c = source[i] ?? '';
    const word = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(source.slice(i, i + 256))?.[0];
    const number = /^-?\d+(?:\.\d+)?/.exec(source.slice(i, i + 64))?.[0];
    if (c === '"') {
      const { text, end } = readString(source, i);
      tokens.push({ kind: 'string', text, at });
      i = end;
    } else if ('={}[],'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, at });
      i += 1;
    } else if (word !== undefined) {
      tokens.push({ kind: 'word', text: word, at });
      i += word.length;
    } else if (number !== undefined) {
      tokens.push({ kind: 'number', text: number, at });
      i += number.length;
    } else throw new PolicyParseError(`unexpected "${c}" at ${at}`);
    i = skipTrivia(source, i);
  }
  tokens.push({ kind: 'eof', text: '', at: position(source, source.length) });
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] ?? { kind: 'eof', text: '', at: 'end' };
  }

  private next(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private expect(text: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text)
      throw new PolicyParseError(`expected "${text}" at ${t.at}, found "${t.text || 'end of rules'}"`);
  }

  body(closing: boolean): RuleBody {
    const items: RuleItem[] = [];
    while (!(closing && this.isPunct('}')) && this.peek().kind !== 'eof') {
      items.push(this.item());
      if (this.isPunct(',')) this.next();
    }
    if (closing) this.expect('}');
    return { items };
  }

  private item(): RuleItem {
    const keys: string[] = [];
    while (this.peek().kind === 'word' || this.peek().kind === 'string') keys.push(this.next().text);
    if (keys.length === 0) {
      const t = this.peek();
      throw new PolicyParseError(`expected a rule name at ${t.at}, found "${t.text || 'end of rules'}"`);
    }
    if (this.isPunct('=')) this.next();
    else if (!this.isPunct('{')) {
      const t = this.peek();
      throw new PolicyParseError(`expected "=" or "{" after "${keys.join(' ')}" at ${t.at}`);
    }
    return { keys, value: this.value() };
  }

  private value(): RuleValue {
    const t = this.next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'word' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    if (t.kind === 'punct' && t.text === '{') return this.body(true);
    if (t.kind === 'punct' && t.text === '[') {
      const list: RuleValue[] = [];
      while (!this.isPunct(']')) {
        list.push(this.value());
        if (!this.isPunct(']')) this.expect(',');
      }
      this.next();
      return list;
    }
    throw new PolicyParseError(`expected a value at ${t.at}, found "${t.text || 'end of rules'}"`);
  }
}

function fromJson(value: unknown): RuleValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object')
    return { items: Object.entries(value).map(([key, v]) => ({ keys: [key], value: fromJson(v) })) };
  throw new PolicyParseError('null is not a valid rule value');
}

/** Parses rules as Consul stores them, HCL or JSON; throws PolicyParseError with a position. */
export function parsePolicyRules(rules: string): RuleBody {
  const text = rules.trim();
  if (text.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new PolicyParseError(`invalid JSON rules: ${(error as Error).message}`);
    }
    const body = fromJson(doc);
    if (!isBody(body)) throw new PolicyParseError('JSON rules must be an object');
    return body;
  }
  return new Parser(tokenize(rules)).body(false);
}
