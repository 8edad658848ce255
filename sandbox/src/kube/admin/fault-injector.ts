/**
 * Fault and latency injection for one emulated cluster: a fixed or jittered delay per request, and
 * rules that fail a share of chosen verbs/resources with 500, 429, 409 or a request that never answers.
 */

/** What a matching request suffers. */
export type FaultKind = 500 | 429 | 409 | 'hang';

/** Fails `rate` (0..1) of the requests whose verb and resource match (absent lists match all). */
export interface FaultRule {
  verbs?: string[];
  resources?: string[];
  rate: number;
  fault: FaultKind;
}

/** Delay added before handling matching requests. */
export interface LatencyRule {
  fixedMs: number;
  jitterMs?: number;
  verbs?: string[];
  resources?: string[];
}

/** The whole fault configuration of one cluster. */
export interface FaultConfig {
  latency?: LatencyRule;
  rules?: FaultRule[];
}

/** What to do with one request. */
export interface FaultDecision {
  delayMs: number;
  fault?: FaultKind;
}

const faultKinds: readonly unknown[] = [500, 429, 409, 'hang'];

function matches(rule: { verbs?: string[]; resources?: string[] }, verb: string, resource: string): boolean {
  const verbOk = rule.verbs === undefined || rule.verbs.includes(verb) || rule.verbs.includes('*');
  const base = resource.split('/')[0] ?? resource;
  const resourceOk =
    rule.resources === undefined ||
    rule.resources.includes('*') ||
    rule.resources.includes(resource) ||
    rule.resources.includes(base);
  return verbOk && resourceOk;
}

/** Checks an untrusted configuration (from the admin endpoint); throws a readable error. */
export function parseFaultConfig(value: unknown): FaultConfig {
  if (typeof value !== 'object' || value === null) throw new Error('fault config must be a JSON object');
  const config = value as FaultConfig;
  for (const rule of config.rules ?? []) {
    if (typeof rule.rate !== 'number' || rule.rate < 0 || rule.rate > 1)
      throw new Error('fault rule rate must be a number from 0 to 1');
    if (!faultKinds.includes(rule.fault)) throw new Error('fault rule fault must be 500, 429, 409 or "hang"');
  }
  const latency = config.latency;
  if (
    latency !== undefined &&
    (typeof latency.fixedMs !== 'number' || latency.fixedMs < 0 || (latency.jitterMs ?? 0) < 0)
  ) {
    throw new Error('latency fixedMs and jitterMs must be non-negative numbers');
  }
  return config;
}

/** Holds the current configuration and decides per request. */
export class FaultInjector {
  private current: FaultConfig = {};

  constructor(private readonly random: () => number = Math.random) {}

  /** Replaces the configuration. */
  configure(config: FaultConfig): void {
    this.current = parseFaultConfig(structuredClone(config));
  }

  /** Removes every rule and the latency. */
  clear(): void {
    this.current = {};
  }

  /** A copy of the configuration in force. */
  get config(): FaultConfig {
    return structuredClone(this.current);
  }

  /** The delay and fault (if any) for a request. */
  decide(verb: string, resource: string): FaultDecision {
    const latency = this.current.latency;
    let delayMs = 0;
    if (latency !== undefined && matches(latency, verb, resource)) {
      delayMs = latency.fixedMs + (latency.jitterMs ?? 0) * this.random();
    }
    for (const rule of this.current.rules ?? []) {
      if (matches(rule, verb, resource) && this.random() < rule.rate) return { delayMs, fault: rule.fault };
    }
    return { delayMs };
  }
}
