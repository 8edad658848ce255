import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltTree, buildTree } from './built-tree.ts';

// Without tsx in the copy's node_modules, any run that falls back to the sources fails.
let tree: BuiltTree;
beforeAll(async () => {
  tree = await buildTree({ withoutTsx: true });
}, 240_000);
afterAll(() => tree?.remove());

function meshpeer(...args: string[]) {
  const run = spawnSync(process.execPath, [tree.bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('bin/meshpeer.js with a fresh dist/', () => {
  it('writes a stamp dated no later than the compiled files', async () => {
    const stamp = await stat(join(tree.root, 'dist', '.build-stamp'));
    const main = await stat(join(tree.root, 'dist', 'src', 'cli', 'main.js'));
    expect(stamp.mtimeMs).toBeLessThanOrEqual(main.mtimeMs);
  });

  it('copies the status page beside the compiled status-page.js', async () => {
    const page = await readFile(join(tree.root, 'dist', 'src', 'server', 'page', 'index.html'), 'utf8');
    expect(page).toContain('<html');
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
