/** Converts live consul-k8s objects and Secrets into observed facts (metadata only for Secrets). */

import { tokenServerAddresses } from '../consul/token-addresses.ts';
import type { LiveObject } from '../kube/cluster-client.ts';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PEERING_ANNOTATION,
  PEERING_TOKEN_LABEL,
  PEERING_VERSION_ANNOTATION,
} from '../resources/consul-resources.ts';
import { ownedExports } from '../resources/exported-services-merge.ts';
import { fingerprint } from '../secrets/fingerprint.ts';
import type { ExportFacts, PeeringResourceFacts, ResourceFacts, TokenSecretFacts } from './observed-state.ts';

function synced(o: LiveObject): Pick<ResourceFacts, 'synced' | 'syncedReason' | 'syncedMessage'> {
  const conditions =
    (o.status?.conditions as
      | Array<{ type?: string; status?: string; reason?: string; message?: string }>
      | undefined) ?? [];
  const c = conditions.find((x) => x.type === 'Synced');
  if (c === undefined) return {};
  return {
    synced: c.status === 'True',
    ...(c.reason ? { syncedReason: c.reason } : {}),
    ...(c.message ? { syncedMessage: c.message } : {}),
  };
}

/** Facts every consul-k8s resource shares. */
export function baseFacts(o: LiveObject): ResourceFacts {
  return {
    name: o.metadata.name,
    namespace: o.metadata.namespace ?? '',
    resourceVersion: o.metadata.resourceVersion ?? '',
    managed: o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
    deleting: o.metadata.deletionTimestamp !== undefined,
    ...synced(o),
  };
}

const int = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number.parseInt(v, 10) : typeof v === 'number' ? v : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** A PeeringAcceptor or PeeringDialer. */
export function peeringResourceFacts(o: LiveObject): PeeringResourceFacts {
  const secret = ((o.spec?.peer as { secret?: Record<string, string> } | undefined)?.secret ?? {}) as Record<
    string,
    string | undefined
  >;
  const statusSecret = o.status?.secret as { resourceVersion?: string } | undefined;
  const version = int(o.metadata.annotations?.[PEERING_VERSION_ANNOTATION]);
  const latest = int(o.status?.latestPeeringVersion);
  const peering = o.metadata.annotations?.[PEERING_ANNOTATION];
  return {
    ...baseFacts(o),
    secretName: secret.name ?? '',
    secretKey: secret.key ?? '',
    backend: secret.backend ?? '',
    ...(version !== undefined && { peeringVersion: version }),
    ...(latest !== undefined && { latestPeeringVersion: latest }),
    ...(statusSecret?.resourceVersion ? { statusSecretResourceVersion: statusSecret.resourceVersion } : {}),
    ...(peering !== undefined && { peering }),
  };
}

/** The ServerAddresses of each key holding a peering token, decoded in memory (addresses are not secrets). */
function tokenAddresses(data: Readonly<Record<string, string>>) {
  const entries = Object.entries(data).flatMap(([k, v]) => {
    const listed = tokenServerAddresses(v);
    return listed === undefined ? [] : [[k, listed] as const];
  });
  return entries.length === 0 ? {} : { serverAddresses: Object.fromEntries(entries) };
}

/** A token Secret's metadata, key names, keyed fingerprints and listed addresses; its values are dropped here. */
export function tokenSecretFacts(o: LiveObject): TokenSecretFacts {
  const data = o.data ?? {};
  return {
    name: o.metadata.name,
    namespace: o.metadata.namespace ?? '',
    resourceVersion: o.metadata.resourceVersion ?? '',
    keys: Object.keys(data).sort(),
    fingerprints: Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, fingerprint(Buffer.from(v, 'base64'))]),
    ),
    ...tokenAddresses(data),
    peeringTokenLabel: o.metadata.labels?.[PEERING_TOKEN_LABEL] === 'true',
    managed: o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
  };
}

/** An ExportedServices resource. */
export function exportFacts(o: LiveObject): ExportFacts {
  const services = (o.spec?.services as ExportFacts['services'] | undefined) ?? [];
  const base = baseFacts(o);
  return {
    ...base,
    owned: ownedExports(o, base.managed),
    services,
  };
}
