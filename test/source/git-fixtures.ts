import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'meshpeer test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'meshpeer test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
}

/** A bare repository under `root/<name>.git` plus a work tree that pushes to it. */
export interface FixtureRepo {
  readonly root: string;
  commit(files: Record<string, string>, message?: string): string;
  push(refspec?: string): void;
  commitAndPush(files: Record<string, string>, refspec?: string): string;
  cleanup(): void;
}

/** Creates the fixture in a fresh temp directory. */
export function createFixtureRepo(name: string): FixtureRepo {
  const root = mkdtempSync(join(tmpdir(), 'meshpeer-git-'));
  const bare = join(root, `${name}.git`);
  const work = join(root, 'work');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  git(root, 'init', '--quiet', '--initial-branch=main', work);
  git(work, 'remote', 'add', 'origin', bare);
  let n = 0;
  const commit = (files: Record<string, string>, message = `commit ${++n}`): string => {
    for (const [file, content] of Object.entries(files)) writeFileSync(join(work, file), content);
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
    return git(work, 'rev-parse', 'HEAD');
  };
  const push = (refspec = 'HEAD:refs/heads/main'): void => {
    git(work, 'push', '--quiet', '--force', 'origin', refspec);
  };
  return {
    root,
    commit,
    push,
    commitAndPush: (files, refspec) => {
      const sha = commit(files);
      push(refspec);
      return sha;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
