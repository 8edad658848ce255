/**
 * Publishes plans to GitLab (gitlab.com or self-managed) over its v4 REST API with plain fetch:
 * one marked note per merge request edited in place, and commit statuses.
 */
import { registerSecret } from '../secrets/redact.ts';
import { fitCommentBody, isPlanComment, sameBody } from './comment-body.ts';
import { type ScmError, scmError, statusErrorCode, transportErrorCode } from './scm-error.ts';
import {
  type CommentResult,
  type CommitStatus,
  GITLAB_NOTE_LIMIT,
  planMarker,
  type ScmPublisher,
  type StatusState,
  scopedName,
} from './scm-publisher.ts';
import { statusDescription } from './status-description.ts';
import { timeoutFetch } from './timeout-fetch.ts';

/** Options for `createGitlabPublisher`. */
export interface GitlabPublisherOptions {
  readonly token: string;
  /** Numeric project id or `group/sub/project` path. */
  readonly project: string | number;
  /** Instance root such as `https://gitlab.example.com`; `/api/v4` is appended when missing. */
  readonly baseUrl?: string;
  /** Only notes by this username count as ours; otherwise the marker decides. */
  readonly botUsername?: string;
  readonly timeoutMs?: number;
  readonly maxCommentChars?: number;
  /** The target, when the project has several: its own note and status names. */
  readonly scope?: string;
}

interface Note {
  readonly id: number;
  readonly body: string;
  readonly system?: boolean;
  readonly author?: { readonly username?: string };
}

// Pending means "planning now", which GitLab calls running (as Atlantis does).
const STATES: Record<StatusState, string> = {
  pending: 'running',
  success: 'success',
  failure: 'failed',
  error: 'failed',
};

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(`http ${status}`);
  }
}

function apiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/api/v4') ? trimmed : `${trimmed}/api/v4`;
}

function toScmError(err: unknown, operation: string): ScmError {
  if (err instanceof HttpStatusError)
    return scmError(statusErrorCode(err.status, false), operation, err.status);
  return scmError(transportErrorCode(err) ?? 'server_error', operation);
}

/** Creates a GitLab publisher for one project. */
export function createGitlabPublisher(options: GitlabPublisherOptions): ScmPublisher {
  registerSecret(options.token);
  const root = `${apiRoot(options.baseUrl ?? 'https://gitlab.com')}/projects/${encodeURIComponent(String(options.project))}`;
  const limit = options.maxCommentChars ?? GITLAB_NOTE_LIMIT;
  const marker = planMarker(options.scope);
  const fetcher = timeoutFetch(options.timeoutMs ?? 15_000);

  const request = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { 'PRIVATE-TOKEN': options.token, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetcher(`${root}${path}`, init);
    if (!res.ok) throw new HttpStatusError(res.status, await res.text().catch(() => ''));
    return res;
  };

  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toScmError(err, operation);
    }
  };

  const listNotes = async (iid: number): Promise<Note[]> => {
    const notes: Note[] = [];
    for (let page = '1'; page !== ''; ) {
      const res = await request(
        'GET',
        `/merge_requests/${iid}/notes?sort=asc&order_by=created_at&per_page=100&page=${page}`,
      );
      notes.push(...((await res.json()) as Note[]));
      page = res.headers.get('x-next-page') ?? '';
    }
    return notes;
  };

  const ours = (note: Note): boolean =>
    note.system !== true &&
    isPlanComment(note.body, marker) &&
    (options.botUsername === undefined || note.author?.username === options.botUsername);

  return {
    async upsertPlanComment(iid: number, markdownBody: string): Promise<CommentResult> {
      const body = fitCommentBody(markdownBody, limit, marker);
      const existing = (await call(`list notes on merge request !${iid}`, () => listNotes(iid))).find(ours);
      if (existing === undefined) {
        await call(`create note on merge request !${iid}`, () =>
          request('POST', `/merge_requests/${iid}/notes`, { body }),
        );
        return 'created';
      }
      if (sameBody(existing.body, body)) return 'unchanged';
      await call(`update note ${existing.id}`, () =>
        request('PUT', `/merge_requests/${iid}/notes/${existing.id}`, { body }),
      );
      return 'updated';
    },

    async setStatus(sha: string, status: CommitStatus): Promise<void> {
      const payload: Record<string, string> = {
        state: STATES[status.state],
        name: scopedName(status.context, options.scope),
        description: statusDescription(status.description),
      };
      if (status.targetUrl !== undefined) payload.target_url = status.targetUrl;
      try {
        await request('POST', `/statuses/${sha}`, payload);
      } catch (err) {
        // GitLab refuses a transition to the state a status already has; that is the desired state.
        if (
          err instanceof HttpStatusError &&
          err.status === 400 &&
          err.text.includes('Cannot transition status')
        )
          return;
        throw toScmError(err, `set status ${status.context} on ${sha.slice(0, 12)}`);
      }
    },
  };
}
