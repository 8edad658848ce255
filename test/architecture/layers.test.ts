import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const configFile = join(root, '.dependency-cruiser.cjs');

/** Cruises `dirs` under `baseDir` with the repository's layer rules; returns the summary. */
async function check(baseDir: string, dirs: string[], useTsConfig: boolean) {
  const options: ICruiseOptions = { ...(await extractDepcruiseOptions(configFile)), baseDir, validate: true };
  const tsConfig = useTsConfig ? extractTSConfig(join(root, 'tsconfig.json')) : undefined;
  const { output } = await cruise(dirs, options, undefined, tsConfig ? { tsConfig } : undefined);
  return (output as ICruiseResult).summary;
}

/** A small tree with one planted violation of each rule, plus imports the rules allow. */
const FIXTURE: Record<string, string> = {
  // plan is above observe: allowed; plan importing gitops (above it) is not, and makes a folder cycle.
  'src/plan/plan.ts': "import '../observe/observe.ts';\nimport '../gitops/queue.ts';\nexport const p = 1;\n",
  'src/observe/observe.ts': 'export const o = 1;\n',
  'src/gitops/queue.ts': "import '../plan/plan.ts';\nexport const q = 1;\n",
  // The product never imports the simulator or the test tree.
  'src/kube/client.ts': "import '../sandbox/fake.ts';\nexport const k = 1;\n",
  'src/topology/load.ts': "import '../../test/helper.ts';\nexport const t = 1;\n",
  'test/helper.ts': 'export const h = 1;\n',
  // Only the sandbox/demo CLI modules may load the simulator.
  'src/cli/plan-run.ts': "import '../testing/redis.ts';\nexport const r = 1;\n",
  'src/cli/demo-run.ts': "import '../sandbox/fake.ts';\nimport '../testing/redis.ts';\nexport const d = 1;\n",
  'src/sandbox/fake.ts': "import '../kube/types.ts';\nexport const f = 1;\n",
  'src/kube/types.ts': 'export const kt = 1;\n',
  'src/testing/redis.ts': 'export const tr = 1;\n',
};

describe('folder layer rules (.dependency-cruiser.cjs)', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshpeer-layers-'));
    for (const [path, text] of Object.entries(FIXTURE)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fires on every planted violation and nowhere else', async () => {
    const found = (await check(dir, ['src'], false)).violations.map(
      (v) => `${v.rule.name}: ${v.from} -> ${v.to}`,
    );
    expect(found.filter((v) => !v.startsWith('no-folder-cycles')).sort()).toEqual([
      'cli-imports-simulator: src/cli/plan-run.ts -> src/testing/redis.ts',
      'layer-plan: src/plan/plan.ts -> src/gitops/queue.ts',
      'product-imports-simulator: src/kube/client.ts -> src/sandbox/fake.ts',
      'src-imports-tests: src/topology/load.ts -> test/helper.ts',
    ]);
    expect(found.filter((v) => v.startsWith('no-folder-cycles')).length).toBeGreaterThan(0);
  });

  it('passes on the repository as it is', async () => {
    const summary = await check(root, ['src', 'workers'], true);
    expect(summary.violations).toEqual([]);
    // Not vacuous: the whole product was read (about 450 modules when this was written).
    expect(summary.totalCruised).toBeGreaterThan(300);
  });
});
