/** Several targets from a targets file: names, defaults, refusals, and the workers' Git access. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveConfig } from '../../src/app/serve-config.ts';
import { workerGitSourcesFromEnv } from '../../src/app/worker-git-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshpeer-targets-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const env = {
  REDIS_URL: 'redis://localhost:6379',
  MESHPEER_TOKEN: 'ghp_targetsTestToken000111222333',
  MESHPEER_UI_TOKEN: 'ui-token-0123456789abcdef',
};
const URL_A = 'https://github.com/acme/mesh-config.git';

const twoTargets = file(
  'two.yaml',
  `targets:
  - name: staging
    repoUrl: ${URL_A}
    branch: staging
  - name: production
    repoUrl: ${URL_A}
    path: prod/peerings.yaml
`,
);

describe('serve with a targets file', () => {
  it('follows every target, with the defaults of a single one and the provider of the first URL', () => {
    const c = serveConfig({ targetsFile: twoTargets }, env);
    expect(c.targets).toEqual([
      {
        target: 'staging',
        url: URL_A,
        branch: 'staging',
        path: 'peerings.yaml',
        provider: 'github',
        repo: 'acme/mesh-config',
      },
      {
        target: 'production',
        url: URL_A,
        branch: 'main',
        path: 'prod/peerings.yaml',
        provider: 'github',
        repo: 'acme/mesh-config',
      },
    ]);
    expect(c).toMatchObject({ provider: 'github', scmApiUrl: 'https://api.github.com' });
    expect(serveConfig({}, { ...env, MESHPEER_TARGETS_FILE: twoTargets }).targets).toHaveLength(2);
  });

  it('names unnamed targets repo@branch, adding the path where a repository and branch repeat', () => {
    const path = file(
      'unnamed.yaml',
      `targets:
  - repoUrl: ${URL_A}
    path: a/peerings.yaml
  - repoUrl: ${URL_A}
    path: b/peerings.yaml
  - repoUrl: https://github.com/acme/other.git
    branch: release
`,
    );
    expect(serveConfig({ targetsFile: path }, env).targets.map((t) => t.target)).toEqual([
      'acme/mesh-config@main:a/peerings.yaml',
      'acme/mesh-config@main:b/peerings.yaml',
      'acme/other@release',
    ]);
  });

  it('lists every problem of the file by position, and refuses repeated names and files', () => {
    const bad = file(
      'bad.yaml',
      `targets:
  - name: staging
    repoUrl: https://user:pw@github.com/acme/mesh.git
  - name: staging
    repoUrl: ${URL_A}
    colour: blue
`,
    );
    expect(() => serveConfig({ targetsFile: bad }, env)).toThrow(
      /invalid targets file:\n {2}.*bad\.yaml: targets\[0\]\.repoUrl: must not contain credentials[\s\S]*targets\[1\]: Unrecognized key/,
    );
    const twice = file(
      'twice.yaml',
      `targets:\n  - repoUrl: ${URL_A}\n  - name: again\n    repoUrl: ${URL_A}\n`,
    );
    expect(() => serveConfig({ targetsFile: twice }, env)).toThrow(
      /targets\[1\]: acme\/mesh-config main:peerings\.yaml is listed twice/,
    );
    const dup = file(
      'dup.yaml',
      `targets:\n  - {name: x, repoUrl: ${URL_A}}\n  - {name: x, repoUrl: ${URL_A}, branch: b}\n`,
    );
    expect(() => serveConfig({ targetsFile: dup }, env)).toThrow(/targets\[1\]\.name: "x" is used twice/);
    expect(() => serveConfig({ targetsFile: join(dir, 'missing.yaml') }, env)).toThrow(
      /missing\.yaml: no such file/,
    );
  });

  it('refuses a target on another host, which would be sent the token', () => {
    const other = file(
      'hosts.yaml',
      `targets:\n  - repoUrl: ${URL_A}\n  - repoUrl: https://gitlab.example.com/acme/mesh.git\n`,
    );
    expect(() => serveConfig({ targetsFile: other }, env)).toThrow(
      'targets[1].repoUrl: is on https://gitlab.example.com, not https://github.com like the first target; one serve speaks to one Git host and API, so run another serve for https://gitlab.example.com',
    );
  });

  it('refuses the single-target settings beside it, naming them', () => {
    expect(() =>
      serveConfig({ targetsFile: twoTargets, branch: 'main' }, { ...env, MESHPEER_REPO_URL: URL_A }),
    ).toThrow(
      '--targets-file (MESHPEER_TARGETS_FILE): lists the targets, so leave out --branch (MESHPEER_BRANCH), MESHPEER_REPO_URL',
    );
  });

  it('gives separate workers Git access to every target of the file, and to no other repository', () => {
    const git = workerGitSourcesFromEnv({ ...env, MESHPEER_TARGETS_FILE: twoTargets });
    expect(git?.repos).toEqual([
      { url: URL_A, branch: 'staging', path: 'peerings.yaml' },
      { url: URL_A, branch: 'main', path: 'prod/peerings.yaml' },
    ]);
    expect(git?.auth).toMatchObject({ token: env.MESHPEER_TOKEN, username: 'x-access-token' });
  });
});
