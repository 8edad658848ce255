import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltTree, buildTree } from './built-tree.ts';

// Without tsx in the copy's node_modules, any run that falls back to the sources fails.
let tree: BuiltTree;
beforeAll(async () => {
  tree = await buildTree({ withoutTsx: true });
}, 240_000);
afterAll(() => tree?.remove());

function runBin(bin: string, args: readonly string[]) {
  const done = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: done.status, stdout: done.stdout, stderr: done.stderr };
}

function meshpeer(...args: string[]) {
  return runBin(tree.bin, args);
}

/** Every file under dir, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('bin/meshpeer.js with a fresh dist/', () => {
  it('writes a stamp dated no later than the compiled files', async () => {
    const stamp = await stat(join(tree.root, 'dist', '.build-stamp'));
    const main = await stat(join(tree.root, 'dist', 'src', 'cli', 'main.js'));
    expect(stamp.mtimeMs).toBeLessThanOrEqual(main.mtimeMs);
  });

  it('copies the status page beside the output that reads it through import.meta.url', async () => {
    const dist = join(tree.root, 'dist');
    const outputs = (await filesUnder(dist)).filter((f) => f.endsWith('.js') && !f.includes('/page/'));
    const readers: string[] = [];
    for (const file of outputs) {
      if ((await readFile(join(dist, file), 'utf8')).includes('new URL("./page/", import.meta.url)'))
        readers.push(file);
    }
    expect(readers).toHaveLength(1);
    const page = await readFile(join(dist, dirname(readers[0] ?? ''), 'page', 'index.html'), 'utf8');
    expect(page).toContain('<html');
  });

  it('bundles: dist/src holds the CLI entry point and chunks, not one file per source module', async () => {
    const modules = (await filesUnder(join(tree.root, 'dist', 'src'))).filter(
      (f) => f.endsWith('.js') && !f.includes('/page/'),
    );
    expect(modules).toContain('cli/main.js');
    expect(modules.filter((f) => f !== 'cli/main.js' && !f.startsWith('chunks/'))).toEqual([]);
  });

  it('prints the JSON Schema, loaded lazily, byte for byte as docs/peerings.schema.json', async () => {
    const run = meshpeer('schema');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(await readFile('docs/peerings.schema.json', 'utf8'));
  });

  it('says in one line that the sandbox is not part of an install without it', () => {
    const run = meshpeer('sandbox', 'up', '--config', join(tree.root, 'missing.json'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^meshpeer: the sandbox is not part of this install .*\n$/);
  });

  it('prints help from the compiled code', () => {
    const run = meshpeer('--help');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('validate');
    expect(run.stdout).toContain('sandbox');
  });

  it('validates a file with the compiled code', () => {
    const run = meshpeer('validate', '-f', 'desired-state-examples/runbook/peerings.yaml');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('valid (2 clusters, 1 peering, 1 exported service)');
  });

  it('reports an invalid file with exit 1 from the compiled code', () => {
    const run = meshpeer('validate', '-f', 'desired-state-examples/invalid/23-self-peering.yaml');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot peer with itself');
  });
});

describe('bin/meshpeer.js with a fresh dist/ built with the sandbox package', () => {
  let withSandbox: BuiltTree;
  beforeAll(async () => {
    withSandbox = await buildTree({ withoutTsx: true, withSandbox: true });
  }, 240_000);
  afterAll(() => withSandbox?.remove());

  it('loads the sandbox from dist/sandbox when a sandbox command runs', () => {
    const missing = join(withSandbox.root, 'missing.json');
    const run = runBin(withSandbox.bin, ['sandbox', 'up', '--config', missing]);
    expect(run.code).toBe(1);
    // The sandbox's own config reader answered, so its module loaded.
    expect(run.stderr).toBe(`meshpeer: ENOENT: no such file or directory, open '${missing}'\n`);
  });

  it('keeps simulator code out of dist/src and dist/workers (what the package ships)', async () => {
    const dist = join(withSandbox.root, 'dist');
    const maps = (await filesUnder(dist)).filter((f) => /^(src|workers)\/.*\.js\.map$/.test(f));
    expect(maps.length).toBeGreaterThan(0);
    const sandbox = `${join(withSandbox.root, 'sandbox')}/`;
    for (const map of maps) {
      const { sources } = JSON.parse(await readFile(join(dist, map), 'utf8')) as { sources: string[] };
      const from = dirname(join(dist, map));
      expect(sources.filter((source) => resolve(from, source).startsWith(sandbox))).toEqual([]);
    }
    expect((await stat(join(dist, 'sandbox', 'src', 'index.js'))).isFile()).toBe(true);
  });
});

describe('bin/meshpeer.js choosing between dist/ and the sources', () => {
  // A stand-in dist/ that only says it ran: which of the two ran is then plain to see.
  let copy: BuiltTree;
  beforeAll(async () => {
    copy = await buildTree({ build: false });
    await mkdir(join(copy.root, 'dist', 'src', 'cli'), { recursive: true });
    await writeFile(
      join(copy.root, 'dist', 'src', 'cli', 'main.js'),
      "export async function main() { process.stdout.write('compiled build ran\\n'); return 0; }\n",
    );
    await writeFile(join(copy.root, 'dist', '.build-stamp'), 'stand-in\n');
  }, 60_000);
  afterAll(() => copy?.remove());

  async function stampAt(offsetMs: number): Promise<void> {
    const at = new Date(Date.now() + offsetMs);
    await utimes(join(copy.root, 'dist', '.build-stamp'), at, at);
  }

  function help(env: Record<string, string> = {}) {
    return spawnSync(process.execPath, [copy.bin, '--help'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
  }

  it('runs dist/ when its stamp is newer than every source', async () => {
    await stampAt(60_000);
    expect(help()).toMatchObject({ status: 0, stdout: 'compiled build ran\n' });
  });

  it('runs the sources through tsx when a source is newer than the stamp', async () => {
    await stampAt(-60_000);
    const run = help();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('GitOps reconciliation for HashiCorp Consul cluster peering');
  });

  it('runs the sources when MESHPEER_FROM_SOURCE=1 even with a fresh stamp', async () => {
    await stampAt(60_000);
    const run = help({ MESHPEER_FROM_SOURCE: '1' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('GitOps reconciliation for HashiCorp Consul cluster peering');
  });

  it('runs the sources when there is no stamp (a build failed or is under way)', async () => {
    await rm(join(copy.root, 'dist', '.build-stamp'));
    const run = help();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('GitOps reconciliation for HashiCorp Consul cluster peering');
  });
});
