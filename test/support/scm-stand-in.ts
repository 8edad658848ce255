/**
 * A recording stand-in for the GitHub and GitLab REST endpoints meshpeer uses (PR comments, MR
 * notes, commit statuses), in memory on loopback. Tests, the demo and the end-to-end test of
 * `meshpeer serve` point publishers at it and assert on exactly which requests were made.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppTokens, type IssuedToken, type StandInGithubApp } from './scm-stand-in-app.ts';
import type { StoredCheckRun } from './scm-stand-in-checks.ts';
import {
  type Ctx,
  github,
  gitlab,
  type Reply,
  Store,
  type StoredComment,
  type StoredStatus,
} from './scm-stand-in-routes.ts';

export type { IssuedToken, StandInGithubApp } from './scm-stand-in-app.ts';
export type { StoredCheckRun } from './scm-stand-in-checks.ts';
export type { StoredComment, StoredStatus } from './scm-stand-in-routes.ts';

/** One request as received, with its JSON body parsed. */
export interface RecordedRequest {
  readonly provider: 'github' | 'gitlab' | 'unknown';
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** The Authorization header as sent (GitHub), so tests can tell which token a call used. */
  readonly authorization: string | undefined;
}

/** Options for `startScmStandIn`. */
export interface ScmStandInOptions {
  readonly githubToken?: string;
  readonly gitlabToken?: string;
  /** The login the GitHub token belongs to (the author of comments it creates). */
  readonly githubLogin?: string;
  readonly gitlabUsername?: string;
  /** Smaller pages than the real maximum, so pagination is exercised. */
  readonly maxPerPage?: number;
  /** A GitHub App whose installation tokens the GitHub routes accept. */
  readonly githubApp?: StandInGithubApp;
}

/** A running stand-in. `url` is the GitHub base URL and the GitLab instance URL alike. */
export interface ScmStandIn {
  readonly url: string;
  readonly requests: RecordedRequest[];
  writes(): RecordedRequest[];
  comments(repo: string, pr: number): StoredComment[];
  notes(project: string, iid: number): StoredComment[];
  /** Check runs created, with every annotation they received. */
  checkRuns(repo?: string): StoredCheckRun[];
  /** Installation tokens issued so far, oldest first. */
  appTokens(): IssuedToken[];
  statuses(filter?: { repo?: string; sha?: string }): StoredStatus[];
  seedComment(repo: string, pr: number, body: string, author: string): StoredComment;
  seedNote(project: string, iid: number, body: string, author: string, system?: boolean): StoredComment;
  /** Answers the next `count` API requests with `status` (fault injection). */
  failNext(status: number, count?: number): void;
  stop(): Promise<void>;
}

function authorized(
  req: IncomingMessage,
  provider: RecordedRequest['provider'],
  options: ScmStandInOptions,
  app: AppTokens | undefined,
): boolean {
  if (provider === 'github' && (options.githubToken !== undefined || app !== undefined)) {
    const token = (req.headers.authorization ?? '').replace(/^(token|bearer) /i, '');
    return token === options.githubToken || app?.valid(token) === true;
  }
  if (provider === 'gitlab' && options.gitlabToken !== undefined) {
    return req.headers['private-token'] === options.gitlabToken;
  }
  return true;
}

async function parseRequest(
  req: IncomingMessage,
): Promise<{ provider: RecordedRequest['provider']; ctx: Ctx }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://localhost');
  let segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let provider: RecordedRequest['provider'] = 'github';
  if (segments[0] === 'api' && segments[1] === 'v4') [provider, segments] = ['gitlab', segments.slice(2)];
  else if (segments[0] === 'api' && segments[1] === 'v3') segments = segments.slice(2);
  const body = raw === '' ? undefined : (JSON.parse(raw) as unknown);
  return {
    provider,
    ctx: { method: req.method ?? 'GET', segments, query: url.searchParams, body, path: url.pathname },
  };
}

/** Why a check-run request is refused: always without an App, else as the App decides. */
function checkRunRefusal(app: AppTokens | undefined, authorization: string | undefined): string | undefined {
  return app === undefined ? 'You must authenticate via a GitHub App.' : app.checkRunRefusal(authorization);
}

/** Starts the stand-in on a free loopback port. */
export async function startScmStandIn(options: ScmStandInOptions = {}): Promise<ScmStandIn> {
  const requests: RecordedRequest[] = [];
  const store = new Store(options.maxPerPage ?? 100);
  const failures: number[] = [];
  let base = '';
  const app = options.githubApp === undefined ? undefined : new AppTokens(options.githubApp);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { provider, ctx } = await parseRequest(req);
    const authorization = req.headers.authorization;
    requests.push({ provider, method: ctx.method, path: ctx.path, body: ctx.body, authorization });
    let reply: Reply;
    const failure = failures.shift();
    const [root, kind, id, sub] = ctx.segments;
    if (failure !== undefined) reply = { status: failure, body: { message: 'injected failure' } };
    else if (
      app !== undefined &&
      ctx.method === 'POST' &&
      root === 'app' &&
      kind === 'installations' &&
      sub === 'access_tokens'
    )
      reply = app.accessTokens(id ?? '', authorization ?? '');
    else if (!authorized(req, provider, options, app))
      reply = { status: 401, body: { message: 'Bad credentials' } };
    else if (provider === 'gitlab') reply = gitlab(store, ctx, options.gitlabUsername ?? 'meshpeer-bot');
    else if (ctx.segments[3] === 'check-runs' && checkRunRefusal(app, authorization) !== undefined)
      reply = { status: 403, body: { message: checkRunRefusal(app, authorization) } };
    else reply = github(store, ctx, options.githubLogin ?? 'meshpeer-bot', base);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"message":"bad request"}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const copy = (key: string): StoredComment[] => (store.threads.get(key) ?? []).map((c) => ({ ...c }));
  return {
    url: base,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    comments: (repo, pr) => copy(`gh:${repo}#${pr}`),
    notes: (project, iid) => copy(`gl:${project}!${iid}`),
    checkRuns: (repo) => store.checkRuns.filter((r) => (repo ?? r.repo) === r.repo),
    appTokens: () => [...(app?.issued ?? [])],
    statuses: (filter = {}) =>
      store.statuses.filter((s) => (filter.repo ?? s.repo) === s.repo && (filter.sha ?? s.sha) === s.sha),
    seedComment: (repo, pr, body, author) => store.add(`gh:${repo}#${pr}`, body, author),
    seedNote: (project, iid, body, author, system = false) =>
      store.add(`gl:${project}!${iid}`, body, author, system),
    failNext: (status, count = 1) => {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
