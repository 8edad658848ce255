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
  // The product never imports the sandbox package or the test tree...
  'src/kube/client.ts': "import '../../sandbox/src/fake.ts';\nexport const k = 1;\n",
  'src/topology/load.ts': "import '../../test/support/helper.ts';\nexport const t = 1;\n",
  'test/support/helper.ts': 'export const h = 1;\n',
  // ...except through the one door the sandbox and demo commands use.
  'src/cli/load-sandbox.ts': "import '../../sandbox/src/fake.ts';\nexport const d = 1;\n",
  'src/cli/demo-run.ts':
    "import './load-sandbox.ts';\nimport '../../sandbox/src/fake.ts';\nexport const r = 1;\n",
  // The sandbox builds on the product's library layers, never on the reconciler or the CLI.
  'sandbox/src/fake.ts':
    "import '../../src/kube/types.ts';\nimport '../../src/plan/plan.ts';\nexport const f = 1;\n",
  'sandbox/src/runbook.ts': "import '../test/fake.test.ts';\nexport const b = 1;\n",
  'sandbox/test/fake.test.ts': 'export const s = 1;\n',
  'src/kube/types.ts': 'export const kt = 1;\n',
  // Worker entry points take their dependencies from the composition root; they never import it.
  'workers/step-worker.ts':
    "import '../src/plan/plan.ts';\nimport '../src/app/root.ts';\nexport const w = 1;\n",
  'src/app/root.ts': "import '../../workers/step-worker.ts';\nexport const a = 1;\n",
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
    const found = (await check(dir, ['src', 'workers', 'sandbox/src'], false)).violations.map(
      (v) => `${v.rule.name}: ${v.from} -> ${v.to}`,
    );
    expect(found.filter((v) => !v.startsWith('no-folder-cycles')).sort()).toEqual([
      'layer-plan: src/plan/plan.ts -> src/gitops/queue.ts',
      'layer-workers: workers/step-worker.ts -> src/app/root.ts',
      'product-imports-sandbox: src/cli/demo-run.ts -> sandbox/src/fake.ts',
      'product-imports-sandbox: src/kube/client.ts -> sandbox/src/fake.ts',
      'sandbox-imports-service: sandbox/src/fake.ts -> src/plan/plan.ts',
      'src-imports-tests: sandbox/src/runbook.ts -> sandbox/test/fake.test.ts',
      'src-imports-tests: src/topology/load.ts -> test/support/helper.ts',
    ]);
    expect(found.filter((v) => v.startsWith('no-folder-cycles')).length).toBeGreaterThan(0);
  });

  it('passes on the repository as it is', async () => {
    const summary = await check(root, ['src', 'workers', 'sandbox/src'], true);
    expect(summary.violations).toEqual([]);
    // Not vacuous: the whole product was read (about 440 modules when this was written).
    expect(summary.totalCruised).toBeGreaterThan(300);
  });
});
