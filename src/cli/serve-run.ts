/** The work of `meshpeer serve`, loaded only when it runs: the GitOps service until a signal. */
import { startServe } from '../app/serve-app.ts';
import { type ServeConfig, type ServeFlags, serveConfig } from '../app/serve-config.ts';
import { formatDuration } from '../io/format-duration.ts';
import { createServiceLogger } from '../io/service-logger.ts';
import { stopSignal } from './stop-signal.ts';

/** What an operator checks first in the log: who may read the page, where metrics are, how drift is handled. */
function startupSettings(config: ServeConfig, metricsUrl: string | undefined): string {
  const check =
    config.reconcileIntervalMs > 0
      ? `checking every ${formatDuration(config.reconcileIntervalMs)}${config.selfHeal ? ' with self-heal' : ', drift only reported'}`
      : 'periodic check off';
  return [
    `ui auth ${config.uiAuth.mode}`,
    metricsUrl === undefined ? 'metrics behind the ui auth' : `metrics on ${metricsUrl}`,
    check,
    `${config.retry.limit} retries of a failed run`,
    ...(config.strict === true ? ['strict'] : []),
  ].join(', ');
}

/** Starts the service and runs it until SIGTERM or SIGINT, then closes it. */
export async function runServe(flags: ServeFlags): Promise<void> {
  const logger = createServiceLogger('serve');
  const log = logger.info;
  const stop = stopSignal((signal) => log(`${signal}: closing the server and finishing active jobs…`));
  let config: ServeConfig;
  let serve: Awaited<ReturnType<typeof startServe>>;
  try {
    config = serveConfig(flags);
    if (config.exposureWarning !== undefined) log(config.exposureWarning);
    serve = await startServe(config, logger);
  } catch (err) {
    stop.dispose();
    throw err;
  }
  const following = config.targets.map((t) => `${t.target} (${t.repo} ${t.branch}:${t.path})`).join(', ');
  log(
    `following ${following} on ${config.provider}, listening on ${serve.url}${config.workers ? '' : ', no workers in this process'}; ${startupSettings(config, serve.metricsUrl)}`,
  );
  await stop.stopped;
  await serve.close().catch((e: unknown) => log(`shutdown failed: ${(e as Error).message}`));
  log('stopped');
}
