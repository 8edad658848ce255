/** Runs helm (found by helm-path.ts) and parses what `helm template` renders. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { findHelm } from './helm-path.ts';

const run = promisify(execFile);

/** A rendered Kubernetes object, read by path in tests. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are free-form YAML read by path.
  [field: string]: any;
}

/** What a helm command printed, and its exit code (never throws on a non-zero exit). */
export async function helm(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(findHelm(), [...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** How to render the chart. */
export interface RenderOptions {
  readonly values?: readonly string[];
  readonly set?: readonly string[];
  readonly namespace?: string;
  readonly release?: string;
}

/** The chart's `helm template` output as text; throws with helm's message when it fails. */
export async function renderChartText(options: RenderOptions = {}): Promise<string> {
  const args = ['template', options.release ?? 'meshpeer', 'charts/meshpeer'];
  args.push('--namespace', options.namespace ?? 'meshpeer');
  for (const file of options.values ?? []) args.push('--values', file);
  for (const pair of options.set ?? []) args.push('--set', pair);
  const result = await helm(args);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Parses a multi-document manifest, skipping empty documents. */
export function parseManifests(text: string): RenderedObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJSON() as RenderedObject | null)
    .filter((o): o is RenderedObject => o !== null && typeof o === 'object');
}

/** The chart rendered and parsed. */
export async function renderChart(options: RenderOptions = {}): Promise<RenderedObject[]> {
  return parseManifests(await renderChartText(options));
}
