/** Lookups semantic validation needs: clusters by name and the partitions each one declares. */
import type { TopologyFile } from './schema.ts';

/** Where a cluster is declared and which partitions it has. */
export interface ClusterFacts {
  readonly index: number;
  readonly enterprise: boolean;
  readonly partitions: ReadonlySet<string>;
  /** clusters[].consul.version, when declared. */
  readonly version: string | undefined;
}

/** Indexes the clusters of a schema-valid file; the first declaration of a name wins. */
export function indexClusters(file: TopologyFile): Map<string, ClusterFacts> {
  const map = new Map<string, ClusterFacts>();
  file.clusters.forEach((c, index) => {
    if (map.has(c.name)) return;
    const names = (c.partitions ?? []).map((p) => (typeof p === 'string' ? p : p.name));
    map.set(c.name, {
      index,
      enterprise: c.enterprise,
      partitions: new Set(['default', ...names]),
      version: c.consul.version,
    });
  });
  return map;
}

/** A short list of known names for "unknown X" messages. */
export function knownList(names: Iterable<string>, max = 5): string {
  const all = [...names].sort();
  const shown = all.slice(0, max).join(', ');
  return all.length > max ? `${shown}, … ${all.length - max} more` : shown;
}
