/**
 * `meshpeer sync`: asks a running `meshpeer serve` for a run now at the tracked branch's head
 * (`POST /api/sync`), as `argocd app sync` or `flux reconcile` do, and with `--wait` follows the
 * run to its end, printing each step it waits on.
 */
import { Command, Option } from 'commander';
import type { SyncRequested } from '../gitops/sync-request.ts';
import type { RunRecord } from '../run/run-record.ts';
import { durationMs } from '../topology/duration.ts';
import { colorEnabled, err, out, outJson, paint, parseOutput } from './output.ts';
import { type ServeEndpoint, serveEndpoint, serveRequest } from './serve-client.ts';

const POLL_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the run is doing now, in one line; undefined while it has not started. */
function progressLine(record: RunRecord | undefined): string {
  if (record === undefined) return 'queued: waiting for a worker';
  const active = record.active ?? [];
  if (active.length === 0) return `${record.status}`;
  return `running ${active
    .map((a) => `${a.kind} on ${a.lane}${a.waiting === undefined ? '' : ` (waiting: ${a.waiting})`}`)
    .join(', ')}`;
}

/** Polls the run until it ends or `timeoutMs` passes; reports each change of what it is doing. */
export async function followRun(
  endpoint: ServeEndpoint,
  runId: string,
  timeoutMs: number,
  onProgress: (line: string) => void,
): Promise<RunRecord> {
  const until = Date.now() + timeoutMs;
  let said = '';
  for (;;) {
    const record = await serveRequest<RunRecord>(endpoint, `/api/runs/${encodeURIComponent(runId)}`, {
      missingOk: true,
    });
    if (record !== undefined && record.status !== 'running') return record;
    const line = progressLine(record);
    if (line !== said) onProgress(line);
    said = line;
    if (Date.now() >= until)
      throw new Error(
        `run ${runId} did not finish within ${timeoutMs / 1000}s (${line}); follow it with meshpeer status --server ${endpoint.url} --watch`,
      );
    await sleep(POLL_MS);
  }
}

/** The --timeout in milliseconds; read before the run is requested, so a typo requests nothing. */
function timeoutMsOf(text: string): number {
  try {
    return durationMs(text);
  } catch {
    throw new Error(`--timeout takes a duration like 30s or 10m, got "${text}"`);
  }
}

/** The line that says what was requested; older serves do not name the target. */
function syncLine(requested: SyncRequested): string {
  const of = requested.target === undefined ? '' : ` of ${requested.target}`;
  return `sync requested: run ${requested.runId}${of} at ${requested.revision.slice(0, 12)}`;
}

interface SyncFlags {
  server?: string;
  target?: string;
  wait?: boolean;
  timeout: string;
  output: string;
}

/** Adds `sync` to the program. */
export function syncCommand(): Command {
  return new Command('sync')
    .description('ask a running meshpeer serve for a run now at the tracked branch head')
    .option('--server <url>', 'address of meshpeer serve (default: MESHPEER_SERVER)')
    .option('--target <name>', 'which target, when serve follows several (see meshpeer status)')
    .option('--wait', 'follow the run to its end; exit 1 unless it succeeds')
    .option('--timeout <duration>', 'with --wait: how long to wait for the run', '10m')
    .addOption(new Option('-o, --output <format>', 'text or json').default('text'))
    .addHelpText(
      'after',
      `
Credentials come from the environment serve reads: MESHPEER_UI_TOKEN, or MESHPEER_UI_USERNAME and
MESHPEER_UI_PASSWORD for HTTP Basic.

The run is recorded with the trigger "sync via cli" and is applied even when the head commit was
applied before, which repairs drift at once instead of at the next periodic check.

Exit codes: 0 requested (or, with --wait, succeeded); 1 refused, unreachable, failed or timed out.

A serve that follows several targets (--targets-file) needs --target; the error lists them.

Example:
  MESHPEER_UI_TOKEN=... meshpeer sync --server https://meshpeer.example.com --target production --wait`,
    )
    .action(async (flags: SyncFlags) => {
      const json = parseOutput(flags.output, ['text', 'json']) === 'json';
      const endpoint = serveEndpoint(flags.server);
      const timeoutMs = timeoutMsOf(flags.timeout);
      const requested = await serveRequest<SyncRequested>(endpoint, '/api/sync', {
        method: 'POST',
        body: { via: 'cli', ...(flags.target !== undefined && { target: flags.target }) },
      });
      if (requested === undefined)
        throw new Error(`${endpoint.url} has no /api/sync; upgrade meshpeer serve`);
      const c = paint(colorEnabled());
      if (!flags.wait) {
        if (json) outJson(requested);
        else out(syncLine(requested));
        return;
      }
      if (!json) err(syncLine(requested));
      const record = await followRun(endpoint, requested.runId, timeoutMs, (line) => {
        if (!json) err(c.gray(`  ${line}`));
      });
      // run-progress loads the topology model (zod): only when a summary is printed, not for --help.
      const { runSummary } = await import('./run-progress.ts');
      if (json) outJson(record);
      else out(runSummary(record, c));
      if (record.status !== 'succeeded') process.exitCode = 1;
    });
}
