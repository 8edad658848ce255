/**
 * Reads git desired-state sources for run workers and the planner. The token comes from the
 * process's configuration only; job data names a repository URL, and only configured URLs get
 * the token, so a URL planted in Redis cannot collect credentials.
 */
import type { DesiredSource } from '../run/run-requests.ts';
import { createGitSource, type GitSource, type GitSourceAuth } from '../source/git-source.ts';
import { SourceError } from '../source/source-error.ts';
import { safeRepoUrl } from '../source/to-source-error.ts';

/** Options for `createGitSources`. */
export interface GitSourcesOptions {
  /** The repositories that may be read, with the tracked branch and file path of each. */
  readonly repos: ReadonlyArray<{ readonly url: string; readonly branch: string; readonly path: string }>;
  readonly auth?: GitSourceAuth;
  readonly cacheDir: string;
  readonly timeoutMs?: number;
}

/** Shared Git sources of one process: one object cache per repository and branch. */
export interface GitSources {
  /** The source of a configured repository; throws for any other URL. */
  source(url: string, branch: string): GitSource;
  /** A run worker's `loadSource`: the file at the request's exact commit. */
  load(source: DesiredSource): Promise<{ fileName: string; content: string }>;
}

const normalize = (url: string) => url.replace(/\/+$/, '').replace(/\.git$/, '');

/** Creates the sources lazily; nothing touches the network until the first read. */
export function createGitSources(options: GitSourcesOptions): GitSources {
  const sources = new Map<string, GitSource>();
  const source = (url: string, branch: string): GitSource => {
    const key = `${normalize(url)}#${branch}`;
    const found = sources.get(key);
    if (found !== undefined) return found;
    const repo = options.repos.find((r) => normalize(r.url) === normalize(url) && r.branch === branch);
    if (repo === undefined)
      throw new SourceError(
        'repo_not_found',
        `repository ${safeRepoUrl(url)} branch ${branch} is not configured in this process; set MESHPEER_REPO_URL and MESHPEER_BRANCH`,
      );
    const created = createGitSource({
      url: repo.url,
      branch: repo.branch,
      path: repo.path,
      cacheDir: options.cacheDir,
      ...(options.auth !== undefined && { auth: options.auth }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
    sources.set(key, created);
    return created;
  };
  return {
    source,
    async load(desired) {
      if (desired.kind === 'inline') return { fileName: desired.fileName, content: desired.content };
      const git = source(desired.url, desired.branch);
      // One queue slot: readFileAt fetches the commit when it is not cached yet, then reads it.
      const file = await git.readFileAt(desired.sha, desired.path);
      return { fileName: desired.path, content: file.content };
    },
  };
}
