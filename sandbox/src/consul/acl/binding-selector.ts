/**
 * Binding rule selectors and bind names of a Kubernetes auth method. Consul evaluates selectors
 * with hashicorp/go-bexpr over the verified identity's selectable fields and interpolates bind
 * names with HIL (agent/consul/acl_endpoint.go `computeBindingRuleBindName`); this subset covers
 * what consul-k8s writes: `==` and `!=` on `serviceaccount.*`, joined by `and`, `or`, `not` and
 * parentheses. Other bexpr operators (`in`, `contains`, `matches`, `is empty`) are refused as invalid.
 */

/** The fields Consul's kubernetes auth method projects (agent/consul/authmethod/kubeauth). */
export const KUBERNETES_FIELDS = ['serviceaccount.name', 'serviceaccount.namespace', 'serviceaccount.uid'];

/** A selector this subset cannot parse; Consul's text is "Selector is invalid". */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

const TOKEN = /\s+|"(?:[^"\\]|\\.)*"|==|!=|\(|\)|[A-Za-z0-9_.\-/]+/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) throw new SelectorError(`unexpected character at offset ${at}`);
    if (match[0].trim() !== '') out.push(match[0]);
  }
  return out;
}

class Evaluator {
  private at = 0;
  constructor(
    private readonly tokens: string[],
    private readonly fields: Readonly<Record<string, string>>,
  ) {}

  run(): boolean {
    const value = this.or();
    if (this.at !== this.tokens.length) throw new SelectorError(`unexpected ${this.tokens[this.at] ?? ''}`);
    return value;
  }

  private or(): boolean {
    let value = this.and();
    while (this.tokens[this.at] === 'or') {
      this.at += 1;
      value = this.and() || value;
    }
    return value;
  }

  private and(): boolean {
    let value = this.unary();
    while (this.tokens[this.at] === 'and') {
      this.at += 1;
      value = this.unary() && value;
    }
    return value;
  }

  private unary(): boolean {
    const token = this.next();
    if (token === 'not') return !this.unary();
    if (token === '(') {
      const value = this.or();
      if (this.next() !== ')') throw new SelectorError('missing )');
      return value;
    }
    if (!Object.hasOwn(this.fields, token))
      throw new SelectorError(`unknown selector ${JSON.stringify(token)}`);
    const op = this.next();
    if (op !== '==' && op !== '!=') throw new SelectorError(`unsupported operator ${JSON.stringify(op)}`);
    const raw = this.next();
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    return (this.fields[token] === value) === (op === '==');
  }

  private next(): string {
    const token = this.tokens[this.at];
    if (token === undefined) throw new SelectorError('unexpected end of selector');
    this.at += 1;
    return token;
  }
}

/** Whether an identity's fields match a selector; an empty selector matches everything, as in Consul. */
export function selectorMatches(selector: string, fields: Readonly<Record<string, string>>): boolean {
  if (selector.trim() === '') return true;
  return new Evaluator(tokenize(selector), fields).run();
}

/** Throws SelectorError unless the selector parses against the auth method's fields. */
export function validateSelector(selector: string): void {
  const blank = Object.fromEntries(KUBERNETES_FIELDS.map((f) => [f, '']));
  selectorMatches(selector, blank);
}

/** Replaces `${field}` in a bind name with the identity's values (HIL interpolation in Consul). */
export function interpolateBindName(bindName: string, fields: Readonly<Record<string, string>>): string {
  return bindName.replace(/\$\{([^}]+)\}/g, (whole, name: string) => fields[name.trim()] ?? whole);
}
