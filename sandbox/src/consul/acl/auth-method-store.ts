/**
 * Auth methods and binding rules of a simulated server, checked like hashicorp/consul
 * agent/consul/acl_endpoint.go `AuthMethodSet` and `BindingRuleSet`, and the bindings a login
 * gets (`evaluateRoleBindings`): every rule of the method whose selector matches the identity.
 */
import { randomUUID } from 'node:crypto';
import type { AclAuthMethod, AclBindingRule, BindType, NodeIdentity, ServiceIdentity } from './acl-types.ts';
import { AclWriteError } from './acl-types.ts';
import {
  interpolateBindName,
  KUBERNETES_FIELDS,
  SelectorError,
  selectorMatches,
  validateSelector,
} from './binding-selector.ts';

/** An auth method write as the API decodes it. */
export interface AuthMethodInput {
  readonly Name?: string | undefined;
  readonly Type?: string | undefined;
  readonly DisplayName?: string | undefined;
  readonly Description?: string | undefined;
  readonly TokenLocality?: string | undefined;
  readonly Config?: Readonly<Record<string, unknown>> | undefined;
}

/** A binding rule write as the API decodes it. */
export interface BindingRuleInput {
  readonly ID?: string | undefined;
  readonly Description?: string | undefined;
  readonly AuthMethod?: string | undefined;
  readonly Selector?: string | undefined;
  readonly BindType?: string | undefined;
  readonly BindName?: string | undefined;
}

/** What a login is bound to: roles by name (missing roles are skipped at token creation) and identities. */
export interface LoginBindings {
  readonly roleNames: readonly string[];
  readonly serviceIdentities: readonly ServiceIdentity[];
  readonly nodeIdentities: readonly NodeIdentity[];
}

/** The types Consul CE registers (agent/consul/authmethod); only `kubernetes` logins are simulated. */
const METHOD_TYPES = ['jwt', 'kubernetes', 'oidc'];
const VALID_NAME = /^[A-Za-z0-9\-_]{1,128}$/;
const VALID_IDENTITY = /^[a-z0-9]([a-z0-9\-_]*[a-z0-9])?$/;
const VALID_ROLE = /^[A-Za-z0-9\-_]{1,256}$/;

function fail(message: string): never {
  throw new AclWriteError(500, message);
}

function validBindName(type: BindType, name: string): boolean {
  return type === 'role' ? VALID_ROLE.test(name) : name.length <= 256 && VALID_IDENTITY.test(name);
}

/** Auth methods by name and binding rules by ID. */
export class AuthMethodStore {
  private readonly methods = new Map<string, AclAuthMethod>();
  private readonly rules = new Map<string, AclBindingRule>();

  constructor(private readonly nextIndex: () => number) {}

  /** Creates or updates a method by name (Consul's create is an upsert); Type is immutable. */
  putMethod(input: AuthMethodInput): AclAuthMethod {
    const name = input.Name ?? '';
    if (name === '') fail('Invalid Auth Method: no Name is set');
    if (!VALID_NAME.test(name))
      fail("Invalid Auth Method: invalid Name. Only alphanumeric characters, '-' and '_' are allowed");
    const existing = this.methods.get(name);
    const type = input.Type || existing?.Type || '';
    if (existing !== undefined && existing.Type !== type)
      fail('the Type field of an Auth Method is immutable');
    if (!METHOD_TYPES.includes(type))
      fail(`Invalid Auth Method: Type should be one of: [${METHOD_TYPES.join(' ')}]`);
    const locality = input.TokenLocality ?? '';
    if (!['', 'local', 'global'].includes(locality))
      fail("Invalid Auth Method: TokenLocality should be one of 'local' or 'global'");
    const index = this.nextIndex();
    const method: AclAuthMethod = {
      Name: name,
      Type: type,
      ...(input.DisplayName && { DisplayName: input.DisplayName }),
      ...(input.Description && { Description: input.Description }),
      ...(locality !== '' && { TokenLocality: locality }),
      Config: { ...(input.Config ?? {}) },
      CreateIndex: existing?.CreateIndex ?? index,
      ModifyIndex: index,
    };
    this.methods.set(name, method);
    return method;
  }

  method(name: string): AclAuthMethod | undefined {
    return this.methods.get(name);
  }

  /** The methods as `GET /v1/acl/auth-methods` lists them: stubs without Config. */
  listMethods(): Array<Omit<AclAuthMethod, 'Config'>> {
    return [...this.methods.values()]
      .sort((a, b) => a.Name.localeCompare(b.Name))
      .map(({ Config: _config, ...stub }) => stub);
  }

  /** Creates (no ID) or updates (ID) a binding rule; AuthMethod is immutable. */
  putBindingRule(input: BindingRuleInput): AclBindingRule {
    const existing = input.ID ? this.rules.get(input.ID) : undefined;
    if (input.ID && existing === undefined) fail(`cannot find binding rule ${input.ID}`);
    const methodName = input.AuthMethod || existing?.AuthMethod || '';
    if (existing !== undefined && existing.AuthMethod !== methodName)
      fail('the AuthMethod field of an Binding Rule is immutable');
    if (methodName === '') fail('Invalid Binding Rule: no AuthMethod is set');
    if (!this.methods.has(methodName))
      fail(`cannot find auth method with name ${JSON.stringify(methodName)}`);
    const selector = input.Selector ?? '';
    try {
      validateSelector(selector);
    } catch (error) {
      fail(
        `invalid Binding Rule: Selector is invalid: ${error instanceof SelectorError ? error.message : ''}`,
      );
    }
    const type = input.BindType ?? '';
    if (type === '') fail('Invalid Binding Rule: no BindType is set');
    const bindName = input.BindName ?? '';
    if (bindName === '') fail('Invalid Binding Rule: no BindName is set');
    if (type !== 'service' && type !== 'node' && type !== 'role')
      fail(`Invalid Binding Rule: unknown BindType ${JSON.stringify(type)}`);
    const blank = Object.fromEntries(KUBERNETES_FIELDS.map((f) => [f, 'fake']));
    if (!validBindName(type, interpolateBindName(bindName, blank)))
      fail('Invalid Binding Rule: invalid BindName');
    const index = this.nextIndex();
    const rule: AclBindingRule = {
      ID: existing?.ID ?? randomUUID(),
      Description: input.Description ?? '',
      AuthMethod: methodName,
      Selector: selector,
      BindType: type,
      BindName: bindName,
      CreateIndex: existing?.CreateIndex ?? index,
      ModifyIndex: index,
    };
    this.rules.set(rule.ID, rule);
    return rule;
  }

  /** Binding rules in creation order, optionally only those of one method (`?authmethod=`). */
  listBindingRules(authMethod?: string): AclBindingRule[] {
    return [...this.rules.values()]
      .filter((r) => authMethod === undefined || authMethod === '' || r.AuthMethod === authMethod)
      .sort((a, b) => a.CreateIndex - b.CreateIndex);
  }

  /** What every matching rule of the method binds the identity to (`evaluateRoleBindings`). */
  bindings(methodName: string, fields: Readonly<Record<string, string>>, datacenter: string): LoginBindings {
    const roleNames: string[] = [];
    const serviceIdentities: ServiceIdentity[] = [];
    const nodeIdentities: NodeIdentity[] = [];
    for (const rule of this.listBindingRules(methodName)) {
      if (!selectorMatches(rule.Selector, fields)) continue;
      const name = interpolateBindName(rule.BindName, fields);
      if (!validBindName(rule.BindType, name))
        fail(
          `computed ${JSON.stringify(rule.BindType)} bind name for bind target is invalid: ${JSON.stringify(name)}`,
        );
      if (rule.BindType === 'role') roleNames.push(name);
      else if (rule.BindType === 'service') serviceIdentities.push({ ServiceName: name });
      else nodeIdentities.push({ NodeName: name, Datacenter: datacenter });
    }
    return { roleNames, serviceIdentities, nodeIdentities };
  }
}
