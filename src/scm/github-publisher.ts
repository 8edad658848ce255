/**
 * Publishes plans to GitHub (or GitHub Enterprise Server) with Octokit: one marked comment per
 * pull request edited in place, and commit statuses. Every text goes through `redact` first.
 */
import { Octokit } from '@octokit/rest';
import { registerSecret } from '../secrets/redact.ts';
import { fitCommentBody, isPlanComment, sameBody } from './comment-body.ts';
import { type GithubAppCredentials, githubAppOctokitAuth } from './github-app-auth.ts';
import { githubCheckRuns } from './github-check-runs.ts';
import { type ScmError, scmError, statusErrorCode, transportErrorCode } from './scm-error.ts';
import {
  type CommentResult,
  type CommitStatus,
  GITHUB_COMMENT_LIMIT,
  planMarker,
  type ScmPublisher,
  scopedName,
} from './scm-publisher.ts';
import { statusDescription } from './status-description.ts';
import { timeoutFetch } from './timeout-fetch.ts';

/** Options for `createGithubPublisher`. */
export interface GithubPublisherOptions {
  /** A personal access token; exactly one of `token` and `app` is set. */
  readonly token?: string;
  /** GitHub App installation credentials (tokens fetched and refreshed automatically). */
  readonly app?: GithubAppCredentials;
  /** `owner/repo`. */
  readonly repo: string;
  /** API root; `https://<host>/api/v3` for GitHub Enterprise Server. */
  readonly baseUrl?: string;
  /** Only comments by this login count as ours (e.g. `meshpeer[bot]`); otherwise the marker decides. */
  readonly botLogin?: string;
  readonly timeoutMs?: number;
  readonly maxCommentChars?: number;
  /** The target, when the repository has several: its own comment, status contexts and check run. */
  readonly scope?: string;
}

function toScmError(err: unknown, operation: string): ScmError {
  const transport = transportErrorCode(err);
  const status = (err as { status?: unknown }).status;
  if (transport !== undefined && (status === undefined || status === 500))
    return scmError(transport, operation);
  if (typeof status !== 'number') return scmError('server_error', operation);
  const headers = (err as { response?: { headers?: Record<string, string | undefined> } }).response?.headers;
  return scmError(statusErrorCode(status, headers?.['x-ratelimit-remaining'] === '0'), operation, status);
}

function splitRepo(repo: string): { owner: string; repo: string } {
  const [owner, name, ...rest] = repo.split('/');
  if (owner === undefined || name === undefined || owner === '' || name === '' || rest.length > 0) {
    throw new Error(`github repository must be owner/name, got ${JSON.stringify(repo)}`);
  }
  return { owner, repo: name };
}

/** Octokit auth options for a token or a GitHub App installation. */
export function githubOctokitAuth(options: Pick<GithubPublisherOptions, 'token' | 'app'>) {
  if (options.app !== undefined) return githubAppOctokitAuth(options.app);
  if (options.token === undefined) throw new Error('github needs a token or GitHub App credentials');
  registerSecret(options.token);
  return { auth: options.token };
}

/** Creates a GitHub publisher for one repository. */
export function createGithubPublisher(options: GithubPublisherOptions): ScmPublisher {
  const target = splitRepo(options.repo);
  const limit = options.maxCommentChars ?? GITHUB_COMMENT_LIMIT;
  const marker = planMarker(options.scope);
  const octokit = new Octokit({
    ...githubOctokitAuth(options),
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    userAgent: 'meshpeer',
    request: { fetch: timeoutFetch(options.timeoutMs ?? 15_000) },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });

  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toScmError(err, operation);
    }
  };

  const findOurs = async (pr: number): Promise<{ id: number; body?: string | null } | undefined> => {
    const comments = await call(`list comments on pull request #${pr}`, () =>
      octokit.paginate(octokit.rest.issues.listComments, { ...target, issue_number: pr, per_page: 100 }),
    );
    return comments.find(
      (c) =>
        isPlanComment(c.body, marker) &&
        (options.botLogin === undefined || c.user?.login === options.botLogin),
    );
  };

  return {
    ...(options.app === undefined ? {} : githubCheckRuns(octokit, target, call, options.scope)),
    async upsertPlanComment(pr: number, markdownBody: string): Promise<CommentResult> {
      const body = fitCommentBody(markdownBody, limit, marker);
      const existing = await findOurs(pr);
      if (existing === undefined) {
        await call(`create comment on pull request #${pr}`, () =>
          octokit.rest.issues.createComment({ ...target, issue_number: pr, body }),
        );
        return 'created';
      }
      if (sameBody(existing.body, body)) return 'unchanged';
      await call(`update comment ${existing.id}`, () =>
        octokit.rest.issues.updateComment({ ...target, comment_id: existing.id, body }),
      );
      return 'updated';
    },

    async setStatus(sha: string, status: CommitStatus): Promise<void> {
      const context = scopedName(status.context, options.scope);
      await call(`set status ${context} on ${sha.slice(0, 12)}`, () =>
        octokit.rest.repos.createCommitStatus({
          ...target,
          sha,
          state: status.state,
          context,
          description: statusDescription(status.description),
          ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
        }),
      );
    },
  };
}
