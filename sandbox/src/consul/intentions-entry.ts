/**
 * The `service-intentions` config entry as hashicorp/consul agent/structs/config_entry_intentions.go
 * keeps it: Normalize (source Type `consul`, the source's precedence, sources sorted highest
 * precedence first) and Validate with its messages, plus the CE refusal of sameness-group sources
 * (config_entry_intentions_ce.go validateSamenessGroup).
 *
 * Simplified: the JWT requirement is only checked for provider names, L7 permissions for their
 * action, HTTP presence, path prefixes and one path kind; Meta limits, HTTP method and header
 * checks are left out (meshpeer writes L4 intentions only).
 */
import { ConfigEntryError } from './config-entry-error.ts';
import { intentionPrecedence } from './intention-decision.ts';

type Source = Record<string, unknown>;

const WILDCARD = '*';
const META_VALUE_MAX = 512;

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function refuse(message: string): never {
  throw new ConfigEntryError(500, message);
}

/** validateIntentionWildcards: whole-value wildcards only, never in a partition, peer or group. */
function wildcardError(name: string, namespace: string, partition: string, peer: string, group: string) {
  if (namespace !== WILDCARD && namespace.includes(WILDCARD))
    return "Namespace: wildcard character '*' cannot be used with partial values";
  if (name !== WILDCARD) {
    if (name.includes(WILDCARD)) return "Name: wildcard character '*' cannot be used with partial values";
    if (namespace === WILDCARD) return 'Name: exact value cannot follow wildcard namespace';
  }
  if (partition.includes(WILDCARD)) return "Partition: cannot use wildcard '*' in partition";
  if (peer.includes(WILDCARD)) return "Peer: cannot use wildcard '*' in peer";
  if (group.includes(WILDCARD)) return "SamenessGroup: cannot use wildcard '*' in sameness group";
  return undefined;
}

function permissionError(i: number, j: number, perm: Record<string, unknown>): string | undefined {
  if (perm.Action !== 'allow' && perm.Action !== 'deny')
    return `Sources[${i}].Permissions[${j}].Action must be set to 'allow' or 'deny'`;
  const prefix = `Sources[${i}].Permissions[${j}].HTTP`;
  const http = perm.HTTP as Record<string, unknown> | undefined;
  if (http === undefined || http === null) return `${prefix} is required`;
  const paths = (['PathExact', 'PathPrefix', 'PathRegex'] as const).filter((k) => str(http[k]) !== '');
  for (const key of ['PathExact', 'PathPrefix'] as const) {
    const value = str(http[key]);
    if (value !== '' && !value.startsWith('/'))
      return `${prefix}.${key} doesn't start with '/': ${JSON.stringify(value)}`;
  }
  if (paths.length > 1)
    return `${prefix} should only contain at most one of PathExact, PathPrefix, or PathRegex`;
  const parts =
    paths.length +
    (Array.isArray(http.Header) ? http.Header.length : 0) +
    (Array.isArray(http.Methods) && http.Methods.length > 0 ? 1 : 0);
  return parts === 0 ? `${prefix} should not be empty` : undefined;
}

/** The checks of one source, in Validate's order. */
function sourceError(src: Source, i: number, enterprise: boolean, destWild: boolean): string | undefined {
  const peer = str(src.Peer);
  const group = str(src.SamenessGroup);
  const partition = str(src.Partition);
  if (str(src.Name) === '') return `Sources[${i}].Name is required`;
  if (!enterprise && group !== '')
    return `Sources[${i}].SamenessGroup: Sameness groups are a Consul Enterprise feature. `;
  const wild = wildcardError(str(src.Name), str(src.Namespace) || 'default', partition, peer, group);
  if (wild !== undefined) return `Sources[${i}].${wild}`;
  if (peer !== '' && partition !== '')
    return `Sources[${i}].Peer: cannot set Peer and Partition at the same time.`;
  if (group !== '' && partition !== '')
    return `Sources[${i}].SamenessGroup: cannot set SamenessGroup and Partition at the same time`;
  if (group !== '' && peer !== '')
    return `Sources[${i}].SamenessGroup: cannot set SamenessGroup and Peer at the same time`;
  if (str(src.Description).length > META_VALUE_MAX)
    return `Sources[${i}].Description exceeds maximum length ${META_VALUE_MAX}`;
  if (src.LegacyMeta !== undefined && Object.keys(src.LegacyMeta as object).length > 0)
    return `Sources[${i}].LegacyMeta must be omitted`;
  if (src.LegacyCreateTime !== undefined) return `Sources[${i}].LegacyCreateTime must be omitted`;
  if (src.LegacyUpdateTime !== undefined) return `Sources[${i}].LegacyUpdateTime must be omitted`;
  const permissions = Array.isArray(src.Permissions) ? (src.Permissions as Source[]) : [];
  if (permissions.length === 0 && src.Action !== 'allow' && src.Action !== 'deny')
    return `Sources[${i}].Action must be set to 'allow' or 'deny'`;
  if (permissions.length > 0 && str(src.Action) !== '')
    return `Sources[${i}].Action must be omitted if Permissions are specified`;
  if (destWild && permissions.length > 0)
    return `Sources[${i}].Permissions cannot be specified on intentions with wildcarded destinations`;
  if (src.Type !== 'consul') return `Sources[${i}].Type must be set to 'consul'`;
  for (const [j, perm] of permissions.entries()) {
    const error = permissionError(i, j, perm);
    if (error !== undefined) return error;
  }
  return undefined;
}

function jwtError(jwt: unknown): string | undefined {
  const providers = (jwt as { Providers?: unknown } | undefined)?.Providers;
  if (!Array.isArray(providers)) return undefined;
  return providers.some((p) => str((p as Source | null)?.Name) === '')
    ? 'JWT provider name is required'
    : undefined;
}

/**
 * On Enterprise a local source inherits the destination's partition and every source gets a
 * namespace (Normalize's MergeNoWildcard and NormalizeNamespace); CE keeps neither field.
 */
function normalizeScope(src: Source, partition: string, enterprise: boolean): void {
  if (!enterprise) return;
  if (str(src.Namespace) === '') src.Namespace = 'default';
  if (str(src.Peer) === '' && str(src.SamenessGroup) === '' && str(src.Partition) === '')
    src.Partition = partition;
}

/** Normalize then Validate; returns the entry as stored (sources typed, ranked and sorted). */
export function normalizeIntentions(
  entry: Record<string, unknown>,
  partition: string,
  enterprise: boolean,
): Record<string, unknown> {
  const name = str(entry.Name);
  const namespace = str(entry.Namespace) || 'default';
  const sources = (Array.isArray(entry.Sources) ? entry.Sources : []).map((raw): Source => {
    const src = { ...(raw as Source) };
    if (str(src.Type) === '') src.Type = 'consul';
    delete src.LegacyID;
    normalizeScope(src, partition, enterprise);
    src.Precedence = intentionPrecedence(
      { name, namespace },
      { name: str(src.Name), namespace: str(src.Namespace) || 'default' },
    );
    return src;
  });
  // Sort.SliceStable: equal precedence keeps the written order.
  sources.sort((a, b) => Number(b.Precedence) - Number(a.Precedence));
  const wild = wildcardError(name, namespace, partition, '', '');
  if (wild !== undefined) refuse(wild);
  const jwt = jwtError(entry.JWT);
  if (jwt !== undefined) refuse(jwt);
  if (sources.length === 0) refuse('At least one source is required');
  const destWild = name === WILDCARD || namespace === WILDCARD;
  const seen = new Set<string>();
  for (const [i, src] of sources.entries()) {
    const error = sourceError(src, i, enterprise, destWild);
    if (error !== undefined) refuse(error);
    const key = JSON.stringify([str(src.Peer), str(src.SamenessGroup), str(src.Namespace), str(src.Name)]);
    if (seen.has(key)) refuse(duplicateText(src, i));
    seen.add(key);
  }
  return { ...entry, Sources: sources };
}

/** The "defines ... more than once" text, naming the source as ServiceName.String() does. */
function duplicateText(src: Source, i: number): string {
  const service = JSON.stringify(str(src.Name));
  if (str(src.Peer) !== '')
    return `Sources[${i}] defines peer(${JSON.stringify(src.Peer)}) ${service} more than once`;
  if (str(src.SamenessGroup) !== '')
    return `Sources[${i}] defines sameness-group(${JSON.stringify(src.SamenessGroup)}) ${service} more than once`;
  return `Sources[${i}] defines ${service} more than once`;
}
