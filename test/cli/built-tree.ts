/**
 * A copy of the package (bin, src, workers, build script and tsconfigs; the sandbox package when
 * asked) in a temporary directory, built there with scripts/build.mjs: the CLI tests and
 * bench/cli-startup.ts run its bin/meshpeer.js against a dist/ nobody else rebuilds or makes stale
 * while they run.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');
const COPIED = [
  'bin',
  'src',
  'workers',
  'scripts/build.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];
/** The sandbox package, copied only when asked: without it the copy is the product alone, as shipped. */
const SANDBOX = ['sandbox/src', 'sandbox/package.json'];

/** A built copy of the package; `bin` is its bin/meshpeer.js. */
export interface BuiltTree {
  readonly root: string;
  readonly bin: string;
  remove(): Promise<void>;
}

/** What the copy's node_modules holds. */
export interface BuiltTreeOptions {
  /**
   * Leave tsx out of node_modules, so that the bin can only run dist/: a fall-back to the sources
   * fails loudly instead of passing unnoticed.
   */
  readonly withoutTsx?: boolean;
  /** Type-check while building (slower; npm test type-checks anyway). */
  readonly check?: boolean;
  /** False: copy only, no dist/. */
  readonly build?: boolean;
  /** Copy the sandbox package too, as in a source checkout (`meshpeer sandbox` and `demo` work). */
  readonly withSandbox?: boolean;
  /** Copy the package as it was at this commit (`git archive`) instead of the working tree. */
  readonly commit?: string;
}

async function linkNodeModules(root: string, withoutTsx: boolean): Promise<void> {
  const from = join(REPO, 'node_modules');
  if (!withoutTsx) return symlink(from, join(root, 'node_modules'), 'dir');
  await mkdir(join(root, 'node_modules'));
  for (const name of await readdir(from)) {
    if (name !== 'tsx') await symlink(join(from, name), join(root, 'node_modules', name));
  }
}

/** Writes `paths` as they were at `commit` into `root`. */
function extractCommit(commit: string, paths: readonly string[], root: string): void {
  const archive = spawnSync('git', ['-C', REPO, 'archive', commit, '--', ...paths], {
    maxBuffer: 1 << 30,
  });
  if (archive.status !== 0) throw new Error(`git archive ${commit} failed: ${archive.stderr}`);
  const tar = spawnSync('tar', ['-x', '-C', root], { input: archive.stdout });
  if (tar.status !== 0) throw new Error(`unpacking ${commit} failed: ${tar.stderr}`);
}

/** Copies the package to a temporary directory and, unless told not to, builds it there. */
export async function buildTree(options: BuiltTreeOptions = {}): Promise<BuiltTree> {
  const root = await mkdtemp(join(tmpdir(), 'meshpeer-built-'));
  const paths = options.withSandbox === true ? [...COPIED, ...SANDBOX] : COPIED;
  try {
    if (options.commit !== undefined) extractCommit(options.commit, paths, root);
    else for (const path of paths) await cp(join(REPO, path), join(root, path), { recursive: true });
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  await linkNodeModules(root, options.withoutTsx === true);
  const tree = {
    root,
    bin: join(root, 'bin', 'meshpeer.js'),
    remove: () => rm(root, { recursive: true, force: true }),
  };
  if (options.build === false) return tree;
  const build = spawnSync(
    process.execPath,
    ['scripts/build.mjs', ...(options.check === true ? [] : ['--no-check'])],
    { cwd: root, encoding: 'utf8' },
  );
  if (build.status !== 0) {
    await tree.remove();
    throw new Error(`build of a copy of the package failed:\n${build.stdout}${build.stderr}`);
  }
  return tree;
}
