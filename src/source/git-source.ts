/**
 * The Git source: cheap head detection by ref listing, shallow fetch of exact commits into a bare
 * cache without checkout, and reads with `readBlob` at a commit. Credentials travel only as a
 * header through the wrapped HTTP client, never in URLs or `.git/config`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { registerSecret } from '../secrets/redact.ts';
import type { DesiredFile, DesiredStateSource } from './desired-state-source.ts';
import { createGitHttpClient, type GitHttpClient, type GitTransportStats } from './git-http-client.ts';
import { SourceError } from './source-error.ts';
import { safeRepoUrl, toSourceError } from './to-source-error.ts';

/** A token sent as HTTP Basic auth; the username is `x-access-token` (GitHub) unless set (`oauth2` for GitLab). */
export interface GitSourceAuth {
  readonly token: string;
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
  /** Fetches `ref` (a branch, `refs/pull/N/head`, `refs/merge-requests/N/head`) and reads the file at its head. */
  readFileAt(ref: string, path?: string): Promise<DesiredFile>;
  stats(): GitTransportStats;
}

/** The ref a hosting provider serves for a pull or merge request's head commit. */
export function pullRequestHeadRef(provider: 'github' | 'gitlab', number: number): string {
  return provider === 'github' ? `refs/pull/${number}/head` : `refs/merge-requests/${number}/head`;
}

const SHA = /^[0-9a-f]{40}$/;

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
}

function authorizationHeader(auth: GitSourceAuth | undefined): string | undefined {
  if (auth === undefined) return undefined;
  registerSecret(auth.token);
  const encoded = Buffer.from(`${auth.username ?? 'x-access-token'}:${auth.token}`).toString('base64');
  registerSecret(encoded);
  return `Basic ${encoded}`;
}

/** Creates a Git source; nothing touches the network or disk until the first call. */
export function createGitSource(options: GitSourceOptions): GitSource {
  const path = options.path ?? 'peerings.yaml';
  const branchRef = fullRef(options.branch);
  const authorization = authorizationHeader(options.auth);
  const client: GitHttpClient = createGitHttpClient({
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(authorization === undefined ? {} : { authorization }),
  });
  const key = createHash('sha256').update(options.url).digest('hex').slice(0, 16);
  const gitdir = join(options.cacheDir, `${key}.git`);
  const maxFetches = options.maxFetchesBeforeReset ?? 200;
  const url = options.url;
  let cache: object = {};
  let ready: Promise<void> | undefined;
  let fetches = 0;
  let queue: Promise<unknown> = Promise.resolve();

  // One operation at a time: isomorphic-git does not lock the object store or shallow file.
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  };

  const init = (): Promise<void> => {
    ready ??= (async () => {
      await mkdir(gitdir, { recursive: true });
      await git.init({ fs, gitdir, bare: true });
      // A refspec but no url: fetch is always given the url, so config never holds one.
      await git.setConfig({
        fs,
        gitdir,
        path: 'remote.origin.fetch',
        value: '+refs/*:refs/remotes/origin/*',
      });
    })();
    return ready;
  };

  const hasCommit = async (sha: string): Promise<boolean> => {
    if (!SHA.test(sha)) return false;
    try {
      await git.readCommit({ fs, gitdir, oid: sha, cache });
      return true;
    } catch {
      return false;
    }
  };

  const resetIfBloated = async (): Promise<void> => {
    if (fetches < maxFetches) return;
    await rm(gitdir, { recursive: true, force: true });
    cache = {};
    ready = undefined;
    fetches = 0;
  };

  const fetchRef = async (ref: string, depth: number): Promise<string> => {
    fetches += 1;
    try {
      const result = await git.fetch({
        fs,
        http: client.http,
        gitdir,
        url,
        ref,
        remoteRef: ref,
        singleBranch: true,
        depth,
        tags: false,
        cache,
      });
      if (result.fetchHead === null)
        throw new SourceError('branch_not_found', `fetch: ${safeRepoUrl(url)} is empty`);
      return result.fetchHead;
    } catch (err) {
      throw toSourceError(err, { operation: 'fetch', url, ref });
    }
  };

  const fetchRevisionNow = async (sha: string, ref: string): Promise<void> => {
    await resetIfBloated();
    await init();
    if (await hasCommit(sha)) return;
    // The ref may have moved past `sha` since it was listed; one deeper fetch usually finds it.
    for (const depth of [1, 50]) {
      await fetchRef(ref, depth);
      if (await hasCommit(sha)) return;
    }
    throw new SourceError(
      'revision_not_found',
      `fetch: commit ${sha.slice(0, 12)} is not among the last 50 commits of ${ref} on ${safeRepoUrl(url)}`,
    );
  };

  const readFileNow = async (sha: string, filepath: string): Promise<string> => {
    await init();
    if (!(await hasCommit(sha))) {
      throw new SourceError(
        'revision_not_found',
        `read: commit ${sha.slice(0, 12)} has not been fetched yet`,
      );
    }
    try {
      const { blob } = await git.readBlob({ fs, gitdir, oid: sha, filepath, cache });
      return Buffer.from(blob).toString('utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code === 'NotFoundError') {
        throw new SourceError(
          'file_not_found',
          `read: ${filepath} does not exist at commit ${sha.slice(0, 12)}`,
        );
      }
      throw toSourceError(err, { operation: 'read', url });
    }
  };

  const headRevision = async (): Promise<string> => {
    let refs: Array<{ ref: string; oid: string }>;
    try {
      refs = await git.listServerRefs({ http: client.http, url, prefix: branchRef, protocolVersion: 2 });
    } catch (err) {
      throw toSourceError(err, { operation: 'list refs', url });
    }
    const head = refs.find((r) => r.ref === branchRef);
    if (head === undefined) {
      throw new SourceError(
        'branch_not_found',
        `list refs: branch ${options.branch} does not exist on ${safeRepoUrl(url)}`,
      );
    }
    return head.oid;
  };

  return {
    kind: 'git',
    description: `git ${safeRepoUrl(url)} ${options.branch}:${path}`,
    branch: options.branch,
    path,
    headRevision,
    fetchRevision: (sha, ref = branchRef) => serial(() => fetchRevisionNow(sha, fullRef(ref))),
    readFile: (sha, filepath = path) => serial(() => readFileNow(sha, filepath)),
    readFileAt: (ref, filepath = path) =>
      serial(async () => {
        if (SHA.test(ref)) {
          await fetchRevisionNow(ref, branchRef);
          return { revision: ref, path: filepath, content: await readFileNow(ref, filepath) };
        }
        await resetIfBloated();
        await init();
        const sha = await fetchRef(fullRef(ref), 1);
        return { revision: sha, path: filepath, content: await readFileNow(sha, filepath) };
      }),
    readDesired: (revision) =>
      serial(async () => {
        await fetchRevisionNow(revision, branchRef);
        return { revision, path, content: await readFileNow(revision, path) };
      }),
    stats: () => client.stats(),
  };
}
