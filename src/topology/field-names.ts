/** Every field name peerings.yaml knows, for "did you mean" hints on unknown keys. */
const known = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'description',
  'defaults',
  'clusters',
  'peerings',
  'exports',
  'acls',
  'prune',
  'context',
  'kubeconfig',
  'enterprise',
  'partitions',
  'peerThroughMeshGateways',
  'consul',
  'namespace',
  'release',
  'datacenter',
  'address',
  'aclToken',
  'secret',
  'key',
  'acceptor',
  'dialer',
  'cluster',
  'partition',
  'peerName',
  'meshGatewayMode',
  'tokenSecret',
  'services',
  'consumers',
  'peer',
  'samenessGroup',
  'enabled',
  'reconciler',
  'meshGateway',
  'require',
  'verify',
  'heartbeatMaxAge',
  'probe',
  'timeout',
  'allowAll',
  'version',
  'intentions',
  'destination',
  'sources',
  'service',
  'action',
  'failover',
  'targets',
  'samenessGroups',
  'defaultForFailover',
  'includeLocal',
  'members',
];

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, prev + cost);
      prev = current;
    }
  }
  return row[b.length] as number;
}

/** The closest known field name within two edits, if any. */
export function suggestField(key: string): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(key, name);
    if (d <= 2 && d < key.length && (best === undefined || d < best.d)) best = { name, d };
  }
  return best?.name;
}
