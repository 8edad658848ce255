/**
 * `meshpeer serve` for the leak scan: a Git repository behind `git http-backend` that requires the
 * fake Git credential, the recording GitHub stand-in, and signed webhooks for a pull request and a
 * push; the configuration is built by serveConfig from the environment, as in production.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import { serveConfig } from '../../src/app/serve-config.ts';
import { createFixtureRepo, type FixtureRepo } from '../source/git-fixtures.ts';
import { type GitHttpServer, startGitHttpServer } from '../support/git-http-server.ts';
import { type ScmStandIn, startScmStandIn } from '../support/scm-stand-in.ts';

/** The repository name the stand-in and the webhooks use. */
export const REPO = 'acme/mesh';

/** A running serve with everything it talks to; `logs` collects its log lines. */
export interface ServeWorld {
  readonly serve: RunningServe;
  readonly api: ScmStandIn;
  readonly repo: FixtureRepo;
  readonly logs: string[];
  deliver(event: string, payload: unknown): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the Git server, the stand-in and serve on `redisUrl` under its own queue prefix. */
export async function startServeWorld(o: {
  content: string;
  kubeconfig: string;
  redisUrl: string;
  dir: string;
  gitCredential: string;
  webhookSecret: string;
}): Promise<ServeWorld> {
  const repo = createFixtureRepo('mesh');
  repo.commitAndPush({ 'peerings.yaml': o.content });
  let git: GitHttpServer | undefined;
  let api: ScmStandIn | undefined;
  try {
    git = await startGitHttpServer({ projectRoot: repo.root, auth: { password: o.gitCredential } });
    api = await startScmStandIn({ githubToken: o.gitCredential });
    const config = serveConfig(
      {
        repoUrl: git.repoUrl('mesh'),
        provider: 'github',
        repo: REPO,
        scmApiUrl: api.url,
        pollInterval: '0s',
        redisUrl: o.redisUrl,
        queuePrefix: `leak-serve-${process.pid}`,
        kubeconfig: o.kubeconfig,
        host: '127.0.0.1',
        port: '0',
        publicUrl: 'http://meshpeer.example/status',
        cacheDir: join(o.dir, 'git-cache'),
        timeout: '10s',
      },
      { MESHPEER_TOKEN: o.gitCredential, MESHPEER_WEBHOOK_SECRET: o.webhookSecret },
    );
    const logs: string[] = [];
    const serve = await startServe(config, (line) => logs.push(line), {
      policy: { attempts: 10, backoffMs: 50, stepDeadlineMs: 30_000 },
    });
    const deliver = (event: string, payload: unknown) => {
      const body = JSON.stringify(payload);
      return fetch(`${serve.url}/webhooks/github`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': `leak-${event}-${Math.random().toString(36).slice(2)}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', o.webhookSecret).update(body).digest('hex')}`,
        },
      });
    };
    const started = { git, api };
    return {
      serve,
      api,
      repo,
      logs,
      deliver,
      async stop() {
        await serve.close();
        await Promise.allSettled([started.git.stop(), started.api.stop()]);
        repo.cleanup();
      },
    };
  } catch (err) {
    await Promise.allSettled([git?.stop(), api?.stop()]);
    repo.cleanup();
    throw err;
  }
}

/** A GitHub pull_request payload for `sha`. */
export const pullRequest = (number: number, sha: string) => ({
  action: 'synchronize',
  number,
  pull_request: { head: { sha, ref: `feature-${number}` }, base: { ref: 'main' }, merged: false },
  repository: { full_name: REPO },
});

/** A GitHub push payload for `sha` on main. */
export const push = (sha: string) => ({
  ref: 'refs/heads/main',
  before: `${'0'.repeat(39)}1`,
  after: sha,
  repository: { full_name: REPO },
});
