/**
 * A world for serve following two targets of one GitHub repository, both on main: `staging.yaml`
 * names cluster-01 and cluster-02, `production.yaml` cluster-03 and cluster-04; the sandbox has
 * all four, so the targets never write each other's clusters.
 */
import { inject } from 'vitest';
import type { ServeConfig } from '../../src/app/serve-config.ts';
import type { TrackedRepo } from '../../src/gitops/tracked-repo.ts';
import { type E2eWorld, startWorld, worldConfig } from './e2e-fixture.ts';

/** The repository both targets live in. */
export const TARGETS_REPO = 'acme/mesh-config';

/** A two-cluster topology, with a peering of the two when `peered`. */
export function twoClusters(a: string, b: string, name: string, peered = false): string {
  const head = `apiVersion: meshpeer.dev/v1alpha1\nkind: PeeringTopology\nmetadata:\n  name: ${name}\nclusters:\n  - name: ${a}\n  - name: ${b}\n`;
  return peered ? `${head}peerings:\n  - acceptor: ${a}\n    dialer: ${b}\n` : head;
}

/** The staging file, with or without its peering. */
export const stagingFile = (peered: boolean) => twoClusters('cluster-01', 'cluster-02', 'staging', peered);
/** The production file: two clusters, no peering. */
export const PRODUCTION_FILE = twoClusters('cluster-03', 'cluster-04', 'production');

/** The world and a serve configuration following `staging` and `production` (in that order). */
export async function startTwoTargetWorld(o: {
  readonly token: string;
  readonly secret: string;
  readonly stagingPeered: boolean;
}): Promise<{ world: E2eWorld; config: ServeConfig }> {
  const all = `${twoClusters('cluster-01', 'cluster-02', 'all')}  - name: cluster-03\n  - name: cluster-04\n`;
  const world = await startWorld({ token: o.token, provider: 'github', initial: '', sandboxFor: all });
  world.repo.commitAndPush({
    'staging.yaml': stagingFile(o.stagingPeered),
    'production.yaml': PRODUCTION_FILE,
  });
  const base = worldConfig(world, {
    redisUrl: inject('redisUrl'),
    token: o.token,
    secret: o.secret,
    provider: 'github',
    repo: TARGETS_REPO,
  });
  const target = (name: string): TrackedRepo => ({
    target: name,
    url: world.git.repoUrl('mesh'),
    branch: 'main',
    path: `${name}.yaml`,
    provider: 'github',
    repo: TARGETS_REPO,
  });
  return { world, config: { ...base, targets: [target('staging'), target('production')] } };
}
