/** `meshpeer peering probe --token-file F`: a full peering handshake against the token's acceptor. */
import type { Command } from 'commander';
import { type ProbeReport, probe } from '../peering/probe.ts';
import { decodeToken } from '../peering/token-codec.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import { colorEnabled, err, out, outJson, paint, parseOutput } from './output.ts';
import { readTokenSource } from './token-command.ts';

interface ProbeFlags {
  readonly tokenFile: string;
  readonly datacenter: string;
  readonly partition: string;
  readonly timeout: string;
  readonly heartbeatInterval: string;
  readonly output: string;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${flag} must be a positive integer (milliseconds), got "${value}"`);
  return n;
}

/** Renders a probe report as one line per stage. */
export function formatProbeReport(report: ProbeReport, color = false): string {
  const p = paint(color);
  const lines = report.stages.map((s) => {
    const mark = s.ok ? p.green('ok  ') : p.red('FAIL');
    const reason = s.error === undefined ? '' : `  ${s.error.code}: ${s.error.message}`;
    return `${mark} ${s.stage.padEnd(16)} ${s.latencyMs.toFixed(1).padStart(8)} ms${reason}`;
  });
  const verdict = report.ok
    ? p.green(`peering probe succeeded against ${report.address ?? '?'} in ${report.totalMs} ms`)
    : p.red(`peering probe failed at ${report.failure?.stage ?? '?'} (${report.failure?.code ?? '?'})`);
  return `${lines.join('\n')}\n${verdict}\n`;
}

async function runProbe(flags: ProbeFlags): Promise<void> {
  const format = parseOutput(flags.output, ['text', 'json']);
  try {
    const token = decodeToken(await readTokenSource(flags.tokenFile));
    const report = await probe(token, {
      local: { Partition: flags.partition, Datacenter: flags.datacenter, Locality: undefined },
      timeoutMs: positiveInt(flags.timeout, '--timeout'),
      heartbeatIntervalMs: positiveInt(flags.heartbeatInterval, '--heartbeat-interval'),
    });
    if (format === 'json') outJson(report);
    else out(formatProbeReport(report, colorEnabled()));
    if (!report.ok) process.exitCode = 1;
  } catch (error) {
    err(`meshpeer: peering probe: ${safeErrorMessage(error)}`);
    process.exitCode = 1;
  }
}

/** Adds `peering probe` to the program. */
export function registerPeeringCommand(program: Command): void {
  const peering = program.command('peering').description("Speak Consul's cluster-peering protocol directly.");
  peering
    .command('probe')
    .description(
      'Run a full dialer handshake with a fresh peering token: TLS, secret exchange, Open,\n' +
        'subscriptions, one heartbeat round trip and the trust bundle. Uses up the token.',
    )
    .requiredOption('--token-file <file>', 'file holding the peering token, or - for stdin')
    .option('--datacenter <dc>', 'datacenter sent in Open as the dialer', 'meshpeer-probe')
    .option('--partition <name>', 'partition sent in Open as the dialer', 'default')
    .option('--timeout <ms>', 'overall deadline (Consul heartbeats every 15 s)', '30000')
    .option('--heartbeat-interval <ms>', "interval of the probe's own heartbeats", '15000')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(runProbe);
}
