/** The discovery documents kubectl and KubernetesObjectApi read: /version, /api, /apis, resource lists. */
import type { ResourceCatalog } from '../resource-catalog.ts';
import type { ResourceType } from '../resource-type.ts';

/** The Kubernetes version the emulator reports (it models a 1.32 API server). */
export const emulatedVersion = { major: '1', minor: '32', gitVersion: 'v1.32.0-meshpeer-sandbox' } as const;

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** GET /version. */
export function versionInfo(): Record<string, string> {
  return {
    ...emulatedVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.23.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** GET /api. */
export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(name: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** GET /apis. */
export function groupList(catalog: ResourceCatalog): Record<string, unknown> {
  const groups = new Map<string, string[]>();
  for (const { group, version } of catalog.groupVersions()) {
    if (group === '') continue;
    groups.set(group, [...(groups.get(group) ?? []), version]);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => groupDoc(name, versions)),
  };
}

/** GET /apis/GROUP, or undefined when the group is not served. */
export function apiGroup(catalog: ResourceCatalog, group: string): Record<string, unknown> | undefined {
  const versions = catalog
    .groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => gv.version);
  return versions.length === 0
    ? undefined
    : { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, versions) };
}

function resourceEntries(rt: ResourceType): Array<Record<string, unknown>> {
  const main: Record<string, unknown> = {
    name: rt.plural,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: allVerbs,
  };
  if (rt.shortNames.length > 0) main.shortNames = rt.shortNames;
  if (rt.categories !== undefined) main.categories = rt.categories;
  const entries = [main];
  if (rt.hasStatus) {
    entries.push({
      name: `${rt.plural}/status`,
      singularName: '',
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (rt.kind === 'Service') {
    entries.push({
      name: 'services/proxy',
      singularName: '',
      namespaced: true,
      kind: 'ServiceProxyOptions',
      verbs: ['create', 'delete', 'get', 'patch', 'update'],
    });
  }
  return entries;
}

/** GET /api/v1 or /apis/GROUP/VERSION, or undefined when not served. */
export function resourceList(
  catalog: ResourceCatalog,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = catalog.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: types.flatMap(resourceEntries),
  };
}
