/** The work of `meshpeer token inspect`, loaded only when it runs: decode and show a token. */
import { readFile } from 'node:fs/promises';
import { decodeToken } from '../peering/token-codec.ts';
import { TokenError } from '../peering/token-error.ts';
import { formatInspection, inspectToken } from '../peering/token-inspect.ts';
import { registerSecret, safeErrorMessage } from '../secrets/redact.ts';
import { err, out, outJson, parseOutput } from './output.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a token from a file, or from stdin for `-`, trimming the newline editors and kubectl add. */
export async function readTokenSource(source: string): Promise<string> {
  const text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
  const token = text.trim();
  registerSecret(token);
  return token;
}

/** Decodes and shows one token; sets the exit code to 1 when it is invalid or unreadable. */
export async function inspectTokenSource(source: string, options: { output: string }): Promise<void> {
  const format = parseOutput(options.output, ['text', 'json']);
  try {
    const token = decodeToken(await readTokenSource(source));
    const view = inspectToken(token);
    if (format === 'json') outJson(view);
    else out(formatInspection(view));
    if (!view.valid) process.exitCode = 1;
  } catch (error) {
    const code = error instanceof TokenError ? ` (${error.code})` : '';
    err(`meshpeer: cannot inspect token${code}: ${safeErrorMessage(error)}`);
    process.exitCode = 1;
  }
}
