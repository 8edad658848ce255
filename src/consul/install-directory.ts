/**
 * The installs of a topology, each found once (Helm release Secret, declared or inferred values)
 * and shared by everything that needs it: its own observation, and the partition installs whose
 * Consul calls go through its server Service.
 */
import type { ClusterReader } from '../kube/cluster-client.ts';
import { readInstall } from '../kube/read-install.ts';
import type { InstallFacts } from '../resources/consul-chart.ts';
import type { ClusterSpec } from '../topology/index.ts';
import type { ConsulTarget, InstallAccess } from './consul-access.ts';

/** Lazily found installs, by key. */
export interface InstallDirectory {
  readonly spec: (name: string) => ClusterSpec;
  /** The install's facts (read once; a failed read is tried again next time). */
  readonly install: (name: string) => Promise<InstallFacts | undefined>;
  readonly access: (name: string) => Promise<InstallAccess>;
  /** What the Consul client of an install is built from. */
  readonly consulTarget: (name: string) => Promise<ConsulTarget>;
}

/** A directory over the topology's installs and a reader per install. */
export function installDirectory(
  specs: readonly ClusterSpec[],
  reader: (name: string) => ClusterReader,
): InstallDirectory {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const found = new Map<string, Promise<InstallFacts | undefined>>();
  const spec = (name: string): ClusterSpec => {
    const s = byName.get(name);
    if (s === undefined) throw new TypeError(`cluster ${name} is not part of this topology`);
    return s;
  };
  const install = (name: string) => {
    let facts = found.get(name);
    if (facts === undefined) {
      facts = readInstall(spec(name), reader(name));
      facts.catch(() => found.delete(name));
      found.set(name, facts);
    }
    return facts;
  };
  const access = async (name: string): Promise<InstallAccess> => ({
    spec: spec(name),
    install: await install(name),
    kube: reader(name),
  });
  return {
    spec,
    install,
    access,
    async consulTarget(name) {
      const own = await access(name);
      const server = own.spec.server;
      return server === undefined ? own : { ...own, servers: await access(server) };
    },
  };
}
