/**
 * Shared ownership of a ServiceResolver. There is one per service (consul-k8s names the config entry
 * after the object and its webhook refuses a second object of that name, api/common
 * configentry_webhook.go ValidateConfigEntry), and other teams set its subsets, redirect, timeouts
 * and load balancing. meshpeer owns one key, `spec.failover['*']`, recorded in an annotation; every
 * other field survives its writes. Pure: the planner uses it to compare, the executor to write.
 */
import { FAILOVER_ANY_SUBSET, OWNED_FAILOVER_ANNOTATION } from './traffic-resources.ts';

type Spec = Readonly<Record<string, unknown>>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON with sorted keys, so equal failovers compare equal whatever the key order the API returns. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}

/** `spec.failover['*']` of a resolver spec, if any. */
export function anySubsetFailover(spec: Spec | undefined): Spec | undefined {
  const failover = spec?.failover;
  if (!isRecord(failover)) return undefined;
  const entry = failover[FAILOVER_ANY_SUBSET];
  return isRecord(entry) ? entry : undefined;
}

/** Whether two failover entries are the same, whatever their key order. */
export function sameFailover(a: Spec | undefined, b: Spec | undefined): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

/** Whether meshpeer recorded that it wrote the resolver's `failover['*']`. */
export function ownsFailover(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return annotations?.[OWNED_FAILOVER_ANNOTATION] === FAILOVER_ANY_SUBSET;
}

/**
 * consul-k8s refuses a resolver with both a redirect and a failover (serviceresolver_types.go
 * Validate: "service resolver redirect and failover cannot both be set").
 */
export function hasRedirect(spec: Spec | undefined): boolean {
  return isRecord(spec?.redirect);
}

/**
 * The live spec with `failover['*']` set to `failover`, or removed when it is undefined; other
 * failover keys and every other field are kept, and an emptied failover map is dropped.
 */
export function withAnySubsetFailover(spec: Spec | undefined, failover: Spec | undefined): Spec {
  const { failover: current, ...rest } = spec ?? {};
  const others = Object.fromEntries(
    Object.entries(isRecord(current) ? current : {}).filter(([k]) => k !== FAILOVER_ANY_SUBSET),
  );
  const merged = failover === undefined ? others : { ...others, [FAILOVER_ANY_SUBSET]: failover };
  return Object.keys(merged).length === 0 ? rest : { ...rest, failover: merged };
}

/** Whether a spec holds nothing but meshpeer's `failover['*']` (a resolver meshpeer may delete whole). */
export function onlyAnySubsetFailover(spec: Spec | undefined): boolean {
  return Object.keys(withAnySubsetFailover(spec, undefined)).length === 0;
}
