/** The Git access of a separate `meshpeer worker`, read from the same environment as serve. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitSourcesOptions } from '../gitops/git-source-loader.ts';
import { githubInstallationToken } from '../scm/github-app-auth.ts';
import { githubAppFromEnv } from '../scm/github-app-env.ts';
import { defaultApiUrl, type Env, guessProvider, secretFromEnv, withoutEmpty } from './config-env.ts';
import { firstRepoUrl, httpUrl, readTargetsFile } from './serve-targets.ts';

/**
 * Git access for a separate `meshpeer worker`, from the same environment as serve: the run jobs
 * name a repository URL, and only the configured repositories (MESHPEER_REPO_URL, or every target
 * of MESHPEER_TARGETS_FILE) get the token. Undefined when neither is set.
 */
export function workerGitSourcesFromEnv(processEnv: Env = process.env): GitSourcesOptions | undefined {
  const env = withoutEmpty(processEnv);
  const targetsFile = env.MESHPEER_TARGETS_FILE;
  const url = targetsFile === undefined ? env.MESHPEER_REPO_URL : firstRepoUrl(targetsFile);
  if (url === undefined && targetsFile === undefined) return undefined;
  const checked = httpUrl.safeParse(url);
  if (!checked.success && targetsFile === undefined)
    throw new Error(`MESHPEER_REPO_URL: ${checked.error.issues[0]?.message ?? 'invalid'}`);
  const provider = env.MESHPEER_PROVIDER ?? guessProvider(url);
  const repos =
    targetsFile === undefined
      ? [
          {
            url: checked.data ?? '',
            branch: env.MESHPEER_BRANCH ?? 'main',
            path: env.MESHPEER_PATH ?? 'peerings.yaml',
          },
        ]
      : readTargetsFile(targetsFile, provider === 'gitlab' ? 'gitlab' : 'github');
  const first = repos[0]?.url ?? '';
  const app = provider === 'github' ? githubAppFromEnv(env) : undefined;
  const apiUrl = env.MESHPEER_SCM_API_URL ?? defaultApiUrl(first, provider);
  const token =
    app === undefined ? secretFromEnv(env, 'MESHPEER_TOKEN') : githubInstallationToken(app, apiUrl);
  const username =
    app !== undefined
      ? 'x-access-token'
      : (env.MESHPEER_GIT_USERNAME ?? (provider === 'gitlab' ? 'oauth2' : 'x-access-token'));
  return {
    repos: repos.map(({ url, branch, path }) => ({ url, branch, path })),
    cacheDir: env.MESHPEER_CACHE_DIR ?? join(tmpdir(), 'meshpeer-git'),
    ...(token !== undefined && { auth: { token, username } }),
  };
}
