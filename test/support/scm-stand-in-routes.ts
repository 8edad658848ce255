/** Routes and in-memory state of the SCM stand-in (see scm-stand-in.ts), split out to keep both files small. */
import { checkRunsRoute, type StoredCheckRun } from './scm-stand-in-checks.ts';

/** A stored GitHub comment or GitLab note. */
export interface StoredComment {
  readonly id: number;
  body: string;
  readonly author: string;
  readonly system: boolean;
}

/** A stored commit status in the provider's own vocabulary (`context` is GitLab's `name`). */
export interface StoredStatus {
  readonly provider: 'github' | 'gitlab';
  readonly repo: string;
  readonly sha: string;
  readonly state: string;
  readonly context: string;
  readonly description: string | undefined;
  readonly targetUrl: string | undefined;
}

/** A reply to send. */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> };
/** A parsed request. */
export type Ctx = { method: string; segments: string[]; query: URLSearchParams; body: unknown; path: string };

const GITHUB_BODY_LIMIT = 65_536;
const GITLAB_BODY_LIMIT = 1_000_000;
const GITHUB_STATES = ['pending', 'success', 'failure', 'error'];
const GITLAB_STATES = ['pending', 'running', 'success', 'failed', 'canceled'];
const NOT_FOUND: Reply = { status: 404, body: { message: 'Not Found' } };

function bodyText(body: unknown, field: string): string | undefined {
  const v = (body as Record<string, unknown> | null)?.[field];
  return typeof v === 'string' ? v : undefined;
}

/** In-memory comment threads and statuses shared by both providers' routes. */
export class Store {
  readonly threads = new Map<string, StoredComment[]>();
  readonly statuses: StoredStatus[] = [];
  readonly checkRuns: StoredCheckRun[] = [];
  private nextId = 1000;

  constructor(readonly maxPerPage: number) {}

  thread(key: string): StoredComment[] {
    const list = this.threads.get(key) ?? [];
    this.threads.set(key, list);
    return list;
  }

  add(key: string, body: string, author: string, system = false): StoredComment {
    const comment = { id: this.nextId++, body, author, system };
    this.thread(key).push(comment);
    return comment;
  }

  find(id: number): StoredComment | undefined {
    return [...this.threads.values()].flat().find((c) => c.id === id);
  }

  page<T>(all: T[], query: URLSearchParams): { items: T[]; next: number | undefined } {
    const per = Math.min(Number(query.get('per_page') ?? 30) || 30, this.maxPerPage);
    const n = Math.max(1, Number(query.get('page') ?? 1) || 1);
    return { items: all.slice((n - 1) * per, n * per), next: n * per < all.length ? n + 1 : undefined };
  }
}

const ghComment = (c: StoredComment) => ({ id: c.id, body: c.body, user: { login: c.author, type: 'User' } });
const glNote = (c: StoredComment) => ({
  id: c.id,
  body: c.body,
  system: c.system,
  author: { username: c.author },
});

function githubComments(store: Store, ctx: Ctx, key: string, login: string, base: string): Reply {
  if (ctx.method === 'GET') {
    const { items, next } = store.page(store.thread(key), ctx.query);
    const per = ctx.query.get('per_page') ?? '30';
    const headers: Record<string, string> =
      next === undefined ? {} : { link: `<${base}${ctx.path}?per_page=${per}&page=${next}>; rel="next"` };
    return { status: 200, body: items.map(ghComment), headers };
  }
  const text = bodyText(ctx.body, 'body');
  if (ctx.method !== 'POST' || text === undefined) return NOT_FOUND;
  if (text.length > GITHUB_BODY_LIMIT) return { status: 422, body: { message: 'Validation Failed' } };
  return { status: 201, body: ghComment(store.add(key, text, login)) };
}

function githubEdit(store: Store, ctx: Ctx, id: number, login: string): Reply {
  const comment = store.find(id);
  const text = bodyText(ctx.body, 'body');
  if (comment === undefined || text === undefined) return NOT_FOUND;
  if (comment.author !== login)
    return { status: 403, body: { message: 'Must have admin rights to Repository.' } };
  if (text.length > GITHUB_BODY_LIMIT) return { status: 422, body: { message: 'Validation Failed' } };
  comment.body = text;
  return { status: 200, body: ghComment(comment) };
}

function githubStatus(store: Store, ctx: Ctx, repo: string, sha: string): Reply {
  const state = bodyText(ctx.body, 'state') ?? '';
  const description = bodyText(ctx.body, 'description');
  if (!GITHUB_STATES.includes(state) || (description?.length ?? 0) > 140) {
    return { status: 422, body: { message: 'Validation Failed' } };
  }
  const context = bodyText(ctx.body, 'context') ?? 'default';
  const targetUrl = bodyText(ctx.body, 'target_url');
  store.statuses.push({ provider: 'github', repo, sha, state, context, description, targetUrl });
  return { status: 201, body: { state, context, description, target_url: targetUrl ?? null } };
}

/** Routes a GitHub REST request. */
export function github(store: Store, ctx: Ctx, login: string, base: string): Reply {
  const [root, owner, name, kind, a, b] = ctx.segments;
  if (root === 'user' && ctx.method === 'GET') return { status: 200, body: { login } };
  if (root === 'repos' && kind === 'check-runs')
    return checkRunsRoute(store.checkRuns, ctx, `${owner}/${name}`, a);
  if (root !== 'repos' || owner === undefined || name === undefined || a === undefined) return NOT_FOUND;
  const repo = `${owner}/${name}`;
  if (kind === 'issues' && b === 'comments')
    return githubComments(store, ctx, `gh:${repo}#${a}`, login, base);
  if (kind === 'issues' && a === 'comments' && ctx.method === 'PATCH')
    return githubEdit(store, ctx, Number(b), login);
  if (kind === 'statuses' && ctx.method === 'POST') return githubStatus(store, ctx, repo, a);
  return NOT_FOUND;
}

function gitlabNotes(
  store: Store,
  ctx: Ctx,
  key: string,
  noteId: string | undefined,
  username: string,
): Reply {
  if (ctx.method === 'GET') {
    const { items, next } = store.page(store.thread(key), ctx.query);
    return {
      status: 200,
      body: items.map(glNote),
      headers: { 'x-next-page': next === undefined ? '' : String(next) },
    };
  }
  const text = bodyText(ctx.body, 'body');
  if (text === undefined) return { status: 400, body: { message: 'body is missing' } };
  if (text.length > GITLAB_BODY_LIMIT) return { status: 400, body: { message: 'Note is too long' } };
  if (ctx.method === 'POST' && noteId === undefined)
    return { status: 201, body: glNote(store.add(key, text, username)) };
  const existing = store.thread(key).find((c) => c.id === Number(noteId));
  if (ctx.method !== 'PUT' || existing === undefined) return NOT_FOUND;
  if (existing.author !== username) return { status: 403, body: { message: '403 Forbidden' } };
  existing.body = text;
  return { status: 200, body: glNote(existing) };
}

function gitlabStatus(store: Store, ctx: Ctx, project: string, sha: string): Reply {
  const state = bodyText(ctx.body, 'state') ?? '';
  if (!GITLAB_STATES.includes(state))
    return { status: 400, body: { message: 'state does not have a valid value' } };
  const context = bodyText(ctx.body, 'name') ?? bodyText(ctx.body, 'context') ?? 'default';
  const same = (s: StoredStatus) =>
    s.provider === 'gitlab' && s.repo === project && s.sha === sha && s.context === context;
  // Like GitLab, refuse a transition to the state the status already has.
  if (store.statuses.filter(same).at(-1)?.state === state) {
    return { status: 400, body: { message: `Cannot transition status via :${state} from :${state}` } };
  }
  const description = bodyText(ctx.body, 'description');
  const targetUrl = bodyText(ctx.body, 'target_url');
  store.statuses.push({ provider: 'gitlab', repo: project, sha, state, context, description, targetUrl });
  return { status: 201, body: { status: state, name: context } };
}

/** Routes a GitLab v4 REST request. */
export function gitlab(store: Store, ctx: Ctx, username: string): Reply {
  const [root, project, kind, id, sub, noteId] = ctx.segments;
  if (root === 'user' && ctx.method === 'GET') return { status: 200, body: { id: 1, username } };
  if (root !== 'projects' || project === undefined || id === undefined) return NOT_FOUND;
  if (kind === 'merge_requests' && sub === 'notes')
    return gitlabNotes(store, ctx, `gl:${project}!${id}`, noteId, username);
  if (kind === 'statuses' && ctx.method === 'POST') return gitlabStatus(store, ctx, project, id);
  return NOT_FOUND;
}
