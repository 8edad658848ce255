/**
 * A real `meshpeer serve` for the browser tests: the runbook sandbox, a Git server and the SCM
 * stand-in of the e2e tests, and serve on top with token sign-in and a periodic check every 2 s.
 * main starts with the clusters and no peering, so the peering's apply is the test's to start.
 */
import { type RunningServe, startServe } from '../../src/app/serve-app.ts';
import type { ServeConfig } from '../../src/app/serve-config.ts';
import type { RunSummary } from '../../src/gitops/status-snapshot.ts';
import { BASE, type E2eWorld, FAST_POLICY, startWorld, waitFor, worldConfig } from '../e2e/e2e-fixture.ts';

const GIT_TOKEN = 'ghp_browserLiveToken00112233445566778';

/** The sandbox world and the serve process the page talks to. */
export interface LiveServe {
  readonly world: E2eWorld;
  readonly serve: RunningServe;
  readonly config: ServeConfig;
  /** serve's log lines, for a failing test's message. */
  readonly logs: string[];
  stop(): Promise<void>;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The serve configuration: the e2e one with a check every 2 s and token sign-in. */
function liveConfig(world: E2eWorld, redisUrl: string, uiToken: string): ServeConfig {
  return {
    ...worldConfig(world, {
      redisUrl,
      token: GIT_TOKEN,
      secret: 'browser-live-secret',
      provider: 'github',
      repo: 'acme/mesh',
    }),
    reconcileIntervalMs: 2000,
    uiAuth: { mode: 'token', token: uiToken, explicit: true },
  };
}

/** Waits until serve has a run and none is running. */
function settled(serve: RunningServe, uiToken: string): Promise<true> {
  return waitFor(
    async () => {
      const res = await serve.server.inject({ url: '/api/runs', headers: bearer(uiToken) });
      const runs = res.json() as RunSummary[];
      return runs.length > 0 && runs.every((r) => r.status !== 'running') ? true : undefined;
    },
    "serve's startup run",
    60_000,
  );
}

/** Starts the world and serve (no peering on main, UI auth by `uiToken`); returns once serve's startup run finished. */
export async function startLiveServe(redisUrl: string, uiToken: string): Promise<LiveServe> {
  const world = await startWorld({ token: GIT_TOKEN, provider: 'github', initial: BASE });
  const config = liveConfig(world, redisUrl, uiToken);
  const logs: string[] = [];
  let serve: RunningServe | undefined;
  const stop = async () => {
    await serve?.close();
    await world.stop();
  };
  try {
    serve = await startServe(config, (l) => logs.push(l), {
      // The tests hold writes open (each ends at the kube client's 10 s deadline and is retried):
      // a long step deadline keeps a slow page from turning a held step into a failed run.
      policy: { ...FAST_POLICY, stepDeadlineMs: 120_000 },
      lockDurationMs: 5000,
      pollJitterMs: 0,
      checkJitterMs: 0,
    });
    // The poll scheduler fires once at startup: the page should open on a settled state.
    await settled(serve, uiToken);
    return { world, serve, config, logs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Asks serve for a run at the branch head (`POST /api/sync`, as `meshpeer sync` does); returns its id. */
export async function requestSync(url: string, uiToken: string): Promise<string> {
  const res = await fetch(`${url}/api/sync`, {
    method: 'POST',
    headers: { ...bearer(uiToken), 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await res.json()) as { runId?: string; error?: string };
  if (res.status !== 202 || body.runId === undefined)
    throw new Error(`POST /api/sync answered ${res.status}: ${body.error ?? 'no run id'}`);
  return body.runId;
}
