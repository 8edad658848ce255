/**
 * deploy/meshpeer.yaml is the chart rendered by scripts/render-manifests.sh; a fresh render must
 * equal the committed file, so the plain manifests never drift from the chart.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findHelm } from '../support/helm-path.ts';
import { parseManifests } from '../support/helm-render.ts';

const run = promisify(execFile);

describe('deploy/meshpeer.yaml', () => {
  it('equals a fresh scripts/render-manifests.sh (run it after changing the chart)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshpeer-manifests-'));
    try {
      const fresh = join(dir, 'meshpeer.yaml');
      await run('bash', ['scripts/render-manifests.sh', fresh], {
        env: { ...process.env, MESHPEER_HELM: findHelm() },
      });
      const committed = await readFile('deploy/meshpeer.yaml', 'utf8');
      expect(committed, 'deploy/meshpeer.yaml is stale: run scripts/render-manifests.sh').toBe(
        await readFile(fresh, 'utf8'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('holds the namespace first, then the chart with the kubeconfig Secret mounted', async () => {
    const objects = parseManifests(await readFile('deploy/meshpeer.yaml', 'utf8'));
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'meshpeer' } });
    expect(objects.slice(1).every((o) => o.metadata.namespace === 'meshpeer')).toBe(true);
    const serve = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'meshpeer-serve');
    expect(serve?.spec.template.spec.volumes).toContainEqual({
      name: 'config',
      projected: {
        defaultMode: 0o440,
        sources: [
          { secret: { name: 'meshpeer-kubeconfig', items: [{ key: 'kubeconfig', path: 'kubeconfig' }] } },
        ],
      },
    });
  });
});
