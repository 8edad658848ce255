/**
 * A bare Git object store on disk that holds only the commits meshpeer asked for, fetched at
 * depth 1 without checkout. Not safe for concurrent use; the Git source serializes calls.
 */
import * as fs from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import git, { type HttpClient } from 'isomorphic-git';
import { SourceError } from './source-error.ts';
import { safeRepoUrl, toSourceError } from './to-source-error.ts';

const SHA = /^[0-9a-f]{40}$/;

/** True for a full 40-character lowercase hex object id. */
export function isCommitSha(value: string): boolean {
  return SHA.test(value);
}

/** Where the cache lives and how it reaches the remote. */
export interface GitObjectCacheOptions {
  readonly gitdir: string;
  readonly url: string;
  readonly http: HttpClient;
  /** Start over after this many fetches, since depth-1 packs accumulate and are never repacked. */
  readonly maxFetches: number;
}

/** The on-disk object cache of one remote repository. */
export class GitObjectCache {
  // One shared cache object so isomorphic-git parses each packfile index once.
  private memo: object = {};
  private ready: Promise<void> | undefined;
  private fetches = 0;

  constructor(private readonly options: GitObjectCacheOptions) {}

  /** Creates the bare repository on first use, or anew after a reset. */
  async open(): Promise<void> {
    this.ready ??= this.create();
    return this.ready;
  }

  private async create(): Promise<void> {
    const { gitdir } = this.options;
    await mkdir(gitdir, { recursive: true });
    await git.init({ fs, gitdir, bare: true });
    // A refspec but no url: fetch is always handed the url, so the config never holds one.
    await git.setConfig({ fs, gitdir, path: 'remote.origin.fetch', value: '+refs/*:refs/remotes/origin/*' });
  }

  private async reset(): Promise<void> {
    await rm(this.options.gitdir, { recursive: true, force: true });
    this.memo = {};
    this.ready = undefined;
    this.fetches = 0;
  }

  /** Whether commit `sha` is already stored locally. */
  async hasCommit(sha: string): Promise<boolean> {
    if (!isCommitSha(sha)) return false;
    try {
      await git.readCommit({ fs, gitdir: this.options.gitdir, oid: sha, cache: this.memo });
      return true;
    } catch {
      return false;
    }
  }

  /** Fetches the tip of `ref` (a full ref name) at `depth` and returns its sha. */
  async fetchRef(ref: string, depth: number): Promise<string> {
    const { gitdir, url, http } = this.options;
    // Reset only right before a fetch, so a commit just fetched stays readable.
    if (this.fetches >= this.options.maxFetches) await this.reset();
    await this.open();
    this.fetches += 1;
    try {
      const result = await git.fetch({
        fs,
        http,
        gitdir,
        url,
        ref,
        remoteRef: ref,
        singleBranch: true,
        depth,
        tags: false,
        cache: this.memo,
      });
      if (result.fetchHead === null)
        throw new SourceError('branch_not_found', `fetch: ${safeRepoUrl(url)} is empty`);
      return result.fetchHead;
    } catch (err) {
      throw toSourceError(err, { operation: 'fetch', url, ref });
    }
  }

  /** Reads `filepath` at an already stored commit. */
  async readFile(sha: string, filepath: string): Promise<string> {
    if (!(await this.hasCommit(sha))) {
      throw new SourceError(
        'revision_not_found',
        `read: commit ${sha.slice(0, 12)} has not been fetched yet`,
      );
    }
    try {
      const { blob } = await git.readBlob({
        fs,
        gitdir: this.options.gitdir,
        oid: sha,
        filepath,
        cache: this.memo,
      });
      return Buffer.from(blob).toString('utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code === 'NotFoundError') {
        throw new SourceError(
          'file_not_found',
          `read: ${filepath} does not exist at commit ${sha.slice(0, 12)}`,
        );
      }
      throw toSourceError(err, { operation: 'read', url: this.options.url });
    }
  }
}
