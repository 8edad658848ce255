/** The work of `meshpeer peering probe` and `handshake`, loaded only when they run (gRPC, TLS). */
import { readFile } from 'node:fs/promises';
import { checkPeerHandshake, type HandshakeReport } from '../peering/peer-handshake.ts';
import { type ProbeReport, probe } from '../peering/probe.ts';
import { decodeToken } from '../peering/token-codec.ts';
import { safeErrorMessage } from '../secrets/redact.ts';
import { colorEnabled, err, out, outJson, paint, parseOutput } from './output.ts';
import { readTokenSource } from './token-run.ts';

/** The parsed flags of `meshpeer peering probe`. */
export interface ProbeFlags {
  readonly tokenFile: string;
  readonly datacenter: string;
  readonly partition: string;
  readonly timeout: string;
  readonly heartbeatInterval: string;
  /** False with --no-heartbeat. */
  readonly heartbeat: boolean;
  readonly output: string;
}

/** The parsed flags of `meshpeer peering handshake`. */
export interface HandshakeFlags {
  readonly serverName: string;
  readonly address: string;
  readonly caFile: string;
  readonly timeout: string;
  readonly output: string;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${flag} must be a positive integer (milliseconds), got "${value}"`);
  return n;
}

/** Renders a probe or handshake report as one line per stage and a verdict naming `what` ran. */
export function formatProbeReport(report: ProbeReport, color = false, what = 'peering probe'): string {
  const p = paint(color);
  const lines = report.stages.map((s) => {
    const mark = s.ok ? p.green('ok  ') : p.red('FAIL');
    const reason = s.error === undefined ? '' : `  ${s.error.code}: ${s.error.message}`;
    return `${mark} ${s.stage.padEnd(16)} ${s.latencyMs.toFixed(1).padStart(8)} ms${reason}`;
  });
  const verdict = report.ok
    ? p.green(`${what} succeeded against ${report.address ?? '?'} in ${report.totalMs} ms`)
    : p.red(`${what} failed at ${report.failure?.stage ?? '?'} (${report.failure?.code ?? '?'})`);
  const failure = report.ok || report.stages.length > 0 ? '' : `${report.failure?.message ?? ''}\n`;
  return `${lines.join('\n')}${lines.length > 0 ? '\n' : ''}${failure}${verdict}\n`;
}

/** Runs a full dialer handshake with a fresh token and prints the report. */
export async function runProbe(flags: ProbeFlags): Promise<void> {
  const format = parseOutput(flags.output, ['text', 'json']);
  try {
    const token = decodeToken(await readTokenSource(flags.tokenFile));
    const report = await probe(token, {
      local: { Partition: flags.partition, Datacenter: flags.datacenter, Locality: undefined },
      timeoutMs: positiveInt(flags.timeout, '--timeout'),
      heartbeatIntervalMs: positiveInt(flags.heartbeatInterval, '--heartbeat-interval'),
      awaitHeartbeat: flags.heartbeat,
    });
    if (format === 'json') outJson(report);
    else out(formatProbeReport(report, colorEnabled()));
    if (!report.ok) process.exitCode = 1;
  } catch (error) {
    err(`meshpeer: peering probe: ${safeErrorMessage(error)}`);
    process.exitCode = 1;
  }
}

/** The PEM certificates of a CA bundle file, one string each. */
async function readCaPems(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length === 0) throw new Error(`${file} holds no PEM certificate`);
  return pems.map((pem) => `${pem}\n`);
}

function formatHandshake(report: HandshakeReport, color: boolean): string {
  const tried = report.attempts
    .filter((a) => a.address !== report.address)
    .map((a) => `skip ${a.address}: ${a.failure?.code ?? '?'}: ${a.failure?.message ?? ''}\n`);
  return `${tried.join('')}${formatProbeReport(report, color, 'peering handshake')}`;
}

/** Checks an established peering's control path and prints the report. */
export async function runHandshake(flags: HandshakeFlags): Promise<void> {
  const format = parseOutput(flags.output, ['text', 'json']);
  try {
    const addresses = flags.address
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const report = await checkPeerHandshake(
      { addresses, serverName: flags.serverName, caPems: await readCaPems(flags.caFile) },
      { timeoutMs: positiveInt(flags.timeout, '--timeout') },
    );
    if (format === 'json') outJson(report);
    else out(formatHandshake(report, colorEnabled()));
    if (!report.ok) process.exitCode = 1;
  } catch (error) {
    err(`meshpeer: peering handshake: ${safeErrorMessage(error)}`);
    process.exitCode = 1;
  }
}
