/**
 * The Git source: cheap head detection by ref listing, shallow fetch of exact commits into a bare
 * cache without checkout, and reads with `readBlob` at a commit. Credentials travel only as a
 * header through the wrapped HTTP client, never in URLs or `.git/config`.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { registerSecret } from '../secrets/redact.ts';
import type { DesiredFile, DesiredStateSource } from './desired-state-source.ts';
import { createGitHttpClient, type GitHttpClient, type GitTransportStats } from './git-http-client.ts';
import { GitObjectCache, isCommitSha } from './git-object-cache.ts';
import { SourceError } from './source-error.ts';
import { safeRepoUrl, toSourceError } from './to-source-error.ts';

/** A token sent as HTTP Basic auth; the username is `x-access-token` (GitHub) unless set (`oauth2` for GitLab). */
export interface GitSourceAuth {
  /** The token, or a function giving a current one (GitHub App installation tokens expire hourly). */
  readonly token: string | (() => Promise<string>);
  readonly username?: string;
}

/** Options for `createGitSource`. */
export interface GitSourceOptions {
  readonly url: string;
  readonly branch: string;
  /** Path of the desired-state file inside the repository. */
  readonly path?: string;
  readonly auth?: GitSourceAuth;
  /** Directory for the bare object caches; one subdirectory per repository URL. */
  readonly cacheDir: string;
  /** Deadline for each HTTP request including its body; isomorphic-git has none of its own. */
  readonly timeoutMs?: number;
  /** Start over with an empty cache after this many fetches, since depth-1 packs never get repacked. */
  readonly maxFetchesBeforeReset?: number;
}

/** A Git-backed desired-state source. */
export interface GitSource extends DesiredStateSource {
  readonly kind: 'git';
  readonly branch: string;
  readonly path: string;
  /** Sha of the tracked branch on the server; lists refs only, never downloads a pack. */
  headRevision(): Promise<string>;
  /** Makes commit `sha` available locally, fetching `ref` (default: the tracked branch) at depth 1 if needed. */
  fetchRevision(sha: string, ref?: string): Promise<void>;
  /** Reads `path` at an already fetched commit. */
  readFile(sha: string, path?: string): Promise<string>;
  /** Fetches `ref` (a branch, `refs/pull/N/head`, `refs/merge-requests/N/head`, or a sha) and reads the file there. */
  readFileAt(ref: string, path?: string): Promise<DesiredFile>;
  stats(): GitTransportStats;
}

/** The ref a hosting provider serves for a pull or merge request's head commit. */
export function pullRequestHeadRef(provider: 'github' | 'gitlab', number: number): string {
  return provider === 'github' ? `refs/pull/${number}/head` : `refs/merge-requests/${number}/head`;
}

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
}

function basic(username: string | undefined, token: string): string {
  registerSecret(token);
  const encoded = Buffer.from(`${username ?? 'x-access-token'}:${token}`).toString('base64');
  registerSecret(encoded);
  return `Basic ${encoded}`;
}

function authorizationHeader(auth: GitSourceAuth | undefined): string | (() => Promise<string>) | undefined {
  if (auth === undefined) return undefined;
  const { token, username } = auth;
  if (typeof token === 'string') return basic(username, token);
  return async () => basic(username, await token());
}

/** Lists the server's refs (protocol v2, filtered by prefix on the server) and returns the branch sha. */
async function listBranchHead(client: GitHttpClient, url: string, branch: string): Promise<string> {
  const ref = fullRef(branch);
  let refs: Array<{ ref: string; oid: string }>;
  try {
    refs = await git.listServerRefs({ http: client.http, url, prefix: ref, protocolVersion: 2 });
  } catch (err) {
    throw toSourceError(err, { operation: 'list refs', url });
  }
  // The prefix also matches longer names (main-old), so compare exactly.
  const head = refs.find((r) => r.ref === ref);
  if (head === undefined) {
    throw new SourceError(
      'branch_not_found',
      `list refs: branch ${branch} does not exist on ${safeRepoUrl(url)}`,
    );
  }
  return head.oid;
}

/** Makes `sha` local by fetching `ref`; the ref may have moved past `sha` since it was listed. */
async function ensureCommit(cache: GitObjectCache, sha: string, ref: string, url: string): Promise<void> {
  await cache.open();
  if (await cache.hasCommit(sha)) return;
  for (const depth of [1, 50]) {
    await cache.fetchRef(ref, depth);
    if (await cache.hasCommit(sha)) return;
  }
  throw new SourceError(
    'revision_not_found',
    `fetch: commit ${sha.slice(0, 12)} is not among the last 50 commits of ${ref} on ${safeRepoUrl(url)}`,
  );
}

/** Creates a Git source; nothing touches the network or disk until the first call. */
export function createGitSource(options: GitSourceOptions): GitSource {
  const { url } = options;
  const path = options.path ?? 'peerings.yaml';
  const branchRef = fullRef(options.branch);
  const authorization = authorizationHeader(options.auth);
  const client = createGitHttpClient({
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(authorization === undefined ? {} : { authorization }),
  });
  const key = createHash('sha256').update(url).digest('hex').slice(0, 16);
  const cache = new GitObjectCache({
    gitdir: join(options.cacheDir, `${key}.git`),
    url,
    http: client.http,
    maxFetches: options.maxFetchesBeforeReset ?? 200,
  });

  // One operation at a time: isomorphic-git does not lock the object store or the shallow file.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  };

  const readAt = async (ref: string, filepath: string): Promise<DesiredFile> => {
    let sha = ref;
    if (isCommitSha(ref)) await ensureCommit(cache, ref, branchRef, url);
    else {
      await cache.open();
      sha = await cache.fetchRef(fullRef(ref), 1);
    }
    return { revision: sha, path: filepath, content: await cache.readFile(sha, filepath) };
  };

  return {
    kind: 'git',
    description: `git ${safeRepoUrl(url)} ${options.branch}:${path}`,
    branch: options.branch,
    path,
    headRevision: () => listBranchHead(client, url, options.branch),
    fetchRevision: (sha, ref = branchRef) => serial(() => ensureCommit(cache, sha, fullRef(ref), url)),
    readFile: (sha, filepath = path) =>
      serial(async () => {
        await cache.open();
        return cache.readFile(sha, filepath);
      }),
    readFileAt: (ref, filepath = path) => serial(() => readAt(ref, filepath)),
    readDesired: (revision) => serial(() => readAt(revision, path)),
    stats: () => client.stats(),
  };
}
