/** Runs the meshpeer CLI in-process and captures its output. */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

/** The exit code and captured streams of one CLI run. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `meshpeer <args>` and captures stdout and stderr. */
export async function runCli(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'meshpeer', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  }
}
