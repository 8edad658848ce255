/** Child processes of the scale benchmark: a sandbox process and one measuring process per row. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const here = new URL('.', import.meta.url).pathname;

/** Parsed `SCALE-RESULT` figures of a child. */
export type Figures = Record<string, number>;

function start(script: string, args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

/** Resolves with the next line of `child` that starts with `marker`, parsed as JSON. */
function nextLine(child: ChildProcess, marker: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const onExit = (code: number | null) => reject(new Error(`child exited with ${code} before ${marker}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      if (!line.startsWith(`${marker} `)) return;
      lines.close();
      child.off('exit', onExit);
      resolve(JSON.parse(line.slice(marker.length + 1)) as Figures);
    });
  });
}

/** Runs `bench/scale-measure.ts` with `args` in a fresh process and returns its figures. */
export async function measure(args: readonly string[]): Promise<Figures> {
  const child = start('scale-measure.ts', args);
  child.stdin?.end();
  return nextLine(child, 'SCALE-RESULT');
}

/** A sandbox running in its own process; `counts` reads its Kubernetes API request counters. */
export interface SandboxProcess {
  readonly kubeconfig: string;
  readonly startMs: number;
  readonly rssMiB: number;
  counts(): Promise<Figures>;
  stop(): Promise<void>;
}

/** Starts a sandbox of `clusters` clusters of `shape` in a child process. */
export async function startSandboxProcess(
  shape: string,
  clusters: number,
  services = 5,
  ringPeers = 2,
): Promise<SandboxProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'meshpeer-scale-'));
  const child = start('scale-sandbox.ts', [
    shape,
    String(clusters),
    dir,
    String(services),
    String(ringPeers),
  ]);
  const ready = await nextLine(child, 'SCALE-RESULT');
  return {
    kubeconfig: join(dir, 'kubeconfig'),
    startMs: ready.startMs ?? Number.NaN,
    rssMiB: ready.rssMiB ?? Number.NaN,
    counts() {
      const next = nextLine(child, 'SCALE-COUNTS');
      child.stdin?.write('c\n');
      return next;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin?.end();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
