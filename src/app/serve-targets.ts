/**
 * Several targets in one serve process: a YAML file (`--targets-file`, `MESHPEER_TARGETS_FILE`)
 * listing the repositories, branches and paths to follow, e.g. staging and production. Each target
 * has its own name, and so its own coalescing, history, statuses, health and periodic check.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import * as z from 'zod';
import { defaultTargetName, repoNameFromUrl, type TrackedRepo } from '../gitops/tracked-repo.ts';

/** An http(s) URL without credentials (tokens belong in the environment). */
export const httpUrl = z
  .string()
  .url('must be a URL')
  .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http or https URL')
  .refine((u) => new URL(u).username === '' && new URL(u).password === '', {
    message: 'must not contain credentials; put the token in the environment (see --token-env)',
  });

/** A branch name Git accepts. */
export const branchName = z
  .string()
  .min(1)
  .regex(/^[^\s~^:?*[\\]+$/, 'must be a branch name');

/** A relative path inside the repository. */
export const repoPath = z
  .string()
  .min(1)
  .regex(/^[^/].*[^/]$|^[^/]$/, 'must be a path inside the repository');

/** `owner/name` on GitHub, `group/sub/project` on GitLab. */
export const repoSlug = z
  .string()
  .regex(/^[^/\s]+(\/[^/\s]+)+$/, 'must be owner/name (GitHub) or group/project (GitLab)');

const entry = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\s]+$/, 'must not contain spaces')
    .optional(),
  repoUrl: httpUrl,
  branch: branchName.default('main'),
  path: repoPath.default('peerings.yaml'),
  repo: repoSlug.optional(),
});

const file = z.strictObject({ targets: z.array(entry).min(1, 'must list at least one target') });

type Entry = z.infer<typeof entry>;

/** The default name: `owner/name@branch`, with `:path` when that repository and branch repeat. */
function nameOf(e: Entry & { repo: string }, all: ReadonlyArray<Entry & { repo: string }>): string {
  const shared = all.filter((o) => o.repo === e.repo && o.branch === e.branch).length > 1;
  return shared ? `${defaultTargetName(e.repo, e.branch)}:${e.path}` : defaultTargetName(e.repo, e.branch);
}

/**
 * Problems that make a list of targets ambiguous or unsafe: repeated names, repeated sources, and
 * a host other than the first target's (the token would be sent there, and the API is the first's).
 */
function problemsOf(targets: readonly TrackedRepo[]): string[] {
  const problems: string[] = [];
  const origin = targets[0] === undefined ? undefined : new URL(targets[0].url).origin;
  const names = new Set<string>();
  const sources = new Set<string>();
  targets.forEach((t, i) => {
    if (names.has(t.target)) problems.push(`targets[${i}].name: "${t.target}" is used twice`);
    names.add(t.target);
    const source = `${t.url.replace(/\.git$/, '')}#${t.branch}:${t.path}`;
    if (sources.has(source))
      problems.push(
        `targets[${i}]: ${t.repo} ${t.branch}:${t.path} is listed twice; give each file one target`,
      );
    sources.add(source);
    const host = new URL(t.url).origin;
    if (host !== origin)
      problems.push(
        `targets[${i}].repoUrl: is on ${host}, not ${origin} like the first target; one serve speaks to one Git host and API, so run another serve for ${host}`,
      );
  });
  return problems;
}

/**
 * Reads and checks a targets file; every target takes the process's provider. Throws one error
 * listing every problem as `FILE: targets[i].field: message`.
 */
export function readTargetsFile(path: string, provider: TrackedRepo['provider']): TrackedRepo[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new Error(`${path}: ${why.split('\n')[0]}`);
  }
  const parsed = file.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const where = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      return `  ${path}: ${where.replace(/^\./, '') || '(top level)'}: ${i.message}`;
    });
    throw new Error(`invalid targets file:\n${lines.join('\n')}`);
  }
  const entries = parsed.data.targets.map((e) => ({ ...e, repo: e.repo ?? repoNameFromUrl(e.repoUrl) }));
  const targets = entries.map((e) => ({
    target: e.name ?? nameOf(e, entries),
    url: e.repoUrl,
    branch: e.branch,
    path: e.path,
    provider,
    repo: e.repo,
  }));
  const problems = problemsOf(targets);
  if (problems.length > 0)
    throw new Error(`invalid targets file:\n${problems.map((p) => `  ${path}: ${p}`).join('\n')}`);
  return targets;
}

/** The first repository URL of a targets file, to guess the provider and API URL from; undefined when unreadable. */
export function firstRepoUrl(path: string): string | undefined {
  try {
    const raw = parse(readFileSync(path, 'utf8')) as { targets?: Array<{ repoUrl?: unknown }> } | null;
    const url = raw?.targets?.[0]?.repoUrl;
    return typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}
