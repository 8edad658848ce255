/**
 * The configuration of `meshpeer serve`: flags win over
 * environment variables, everything is checked with zod, and errors name both the flag and the
 * variable. Secret values are only ever read from the environment, never from flags (which `ps`
 * shows), and are registered with the redaction helper as soon as they are read.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { defaultTargetName, repoNameFromUrl, type TrackedRepo } from '../gitops/tracked-repo.ts';
import { parseRedisEndpoint, prefixForEndpoint } from '../io/redis-endpoint.ts';
import { contextOverrides } from '../kube/kube-config.ts';
import { type NotifySink, notifySinksFromEnv } from '../notify/index.ts';
import type { GithubAppCredentials } from '../scm/github-app-auth.ts';
import { githubAppFromEnv } from '../scm/github-app-env.ts';
import { registerSecret } from '../secrets/redact.ts';
import { checkExposure } from '../server/auth/check-exposure.ts';
import { parseUiAuthMode, type UiAuth, uiAuthFromEnv } from '../server/auth/ui-auth.ts';
import { durationMs } from '../topology/duration.ts';
import { defaultApiUrl, type Env, guessProvider, secretFromEnv, withoutEmpty } from './config-env.ts';
import { branchName, firstRepoUrl, httpUrl, readTargetsFile, repoPath, repoSlug } from './serve-targets.ts';

/** Flags of `meshpeer serve` as commander parses them (all optional strings). */
export interface ServeFlags {
  repoUrl?: string;
  targetsFile?: string;
  branch?: string;
  path?: string;
  provider?: string;
  repo?: string;
  target?: string;
  tokenEnv?: string;
  gitUsername?: string;
  webhookSecretEnv?: string;
  scmApiUrl?: string;
  pollInterval?: string;
  redisUrl?: string;
  queuePrefix?: string;
  kubeconfig?: string;
  context?: string[];
  host?: string;
  port?: string;
  workers?: boolean;
  concurrency?: string;
  publicUrl?: string;
  cacheDir?: string;
  timeout?: string;
  reconcileInterval?: string;
  selfHeal?: boolean;
  retryLimit?: string;
  retryBackoff?: string;
  uiAuth?: string;
  metricsPort?: string;
  strict?: boolean;
}

const duration = z.string().regex(/^\d+(ms|s|m|h)$/, 'must be a duration like 30s, 5m or 0s (off)');

const schema = z.object({
  repoUrl: httpUrl,
  branch: branchName,
  path: repoPath,
  provider: z.enum(['github', 'gitlab']),
  repo: repoSlug,
  target: z.string().min(1).max(200),
  scmApiUrl: httpUrl,
  pollInterval: duration,
  redisUrl: z
    .string()
    .regex(
      /^(rediss?|redis[-+](sentinel|cluster)):\/\//i,
      'must be a redis://, rediss://, redis-sentinel:// or redis-cluster:// URL',
    ),
  queuePrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _'),
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535),
  concurrency: z.coerce.number().int().min(1).max(1000),
  publicUrl: httpUrl.optional(),
  cacheDir: z.string().min(1),
  timeout: duration,
  reconcileInterval: duration,
  selfHeal: z.enum(['true', 'false'], { message: 'must be true or false' }),
  retryLimit: z.coerce.number().int().min(0).max(100),
  retryBackoff: duration,
  metricsPort: z.coerce.number().int().min(0).max(65_535).optional(),
});

/** Where each setting comes from, for error messages. */
const SOURCES: Record<string, string> = {
  repoUrl: '--repo-url (MESHPEER_REPO_URL)',
  branch: '--branch (MESHPEER_BRANCH)',
  path: '--path (MESHPEER_PATH)',
  provider: '--provider (MESHPEER_PROVIDER)',
  repo: '--repo (MESHPEER_REPO)',
  target: '--target (MESHPEER_TARGET)',
  scmApiUrl: '--scm-api-url (MESHPEER_SCM_API_URL)',
  pollInterval: '--poll-interval (MESHPEER_POLL_INTERVAL)',
  redisUrl: '--redis-url (REDIS_URL)',
  queuePrefix: '--queue-prefix (MESHPEER_QUEUE_PREFIX)',
  host: '--host (MESHPEER_HOST)',
  port: '--port (MESHPEER_PORT)',
  concurrency: '--concurrency',
  publicUrl: '--public-url (MESHPEER_PUBLIC_URL)',
  cacheDir: '--cache-dir (MESHPEER_CACHE_DIR)',
  timeout: '--timeout',
  reconcileInterval: '--reconcile-interval (MESHPEER_RECONCILE_INTERVAL)',
  selfHeal: '--no-self-heal (MESHPEER_SELF_HEAL)',
  retryLimit: '--retry-limit (MESHPEER_RETRY_LIMIT)',
  retryBackoff: '--retry-backoff (MESHPEER_RETRY_BACKOFF)',
  metricsPort: '--metrics-port (MESHPEER_METRICS_PORT)',
};

/** The checked configuration of a serve process. */
export interface ServeConfig {
  /** What it follows: one target from the flags, or the list of a targets file; never empty. */
  readonly targets: readonly TrackedRepo[];
  /** Every target's provider: one serve speaks to one SCM. */
  readonly provider: 'github' | 'gitlab';
  /** Token for Git over HTTPS and the SCM API; absent means anonymous Git and no comments or statuses. */
  readonly token?: string;
  /** GitHub App installation (MESHPEER_GITHUB_APP_*); used instead of `token` for GitHub API and Git. */
  readonly githubApp?: GithubAppCredentials;
  readonly gitUsername: string;
  readonly webhookSecrets: readonly string[];
  readonly scmApiUrl: string;
  /** 0 turns polling off. */
  readonly pollIntervalMs: number;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly kubeconfig?: string;
  readonly contexts: Readonly<Record<string, string>>;
  readonly host: string;
  readonly port: number;
  readonly workers: boolean;
  readonly stepConcurrency: number;
  readonly publicUrl?: string;
  readonly cacheDir: string;
  readonly observeTimeoutMs: number;
  /** How often the clusters are checked against the desired revision; 0 turns the check off. */
  readonly reconcileIntervalMs: number;
  /** Drift starts a run; off, it is only reported. */
  readonly selfHeal: boolean;
  /** Failed runs: how often to retry, and the first delay (doubling up to 10 minutes). */
  readonly retry: { readonly limit: number; readonly baseMs: number; readonly maxMs: number };
  /** How the status page and the API authenticate (webhooks keep their HMAC). */
  readonly uiAuth: UiAuth;
  /** Serve /metrics on this port only, without credentials (for Prometheus), instead of behind the UI auth. */
  readonly metricsPort?: number;
  /** Said once at startup: the page runs open on a non-loopback address on purpose. */
  readonly exposureWarning?: string;
  /** An exported service missing from its partition's catalog is an error, not a warning, in every plan and run. */
  readonly strict?: boolean;
  /** Where notifications go (Slack, signed webhooks); none when unset. */
  readonly notifySinks?: readonly NotifySink[];
}

/** The targets file, or undefined; refused beside the single-target settings it replaces. */
function targetsFileOf(flags: ServeFlags, env: Env): string | undefined {
  const path = flags.targetsFile ?? env.MESHPEER_TARGETS_FILE;
  if (path === undefined) return undefined;
  const single = (['repoUrl', 'branch', 'path', 'repo', 'target'] as const).filter(
    (k) => flags[k] !== undefined,
  );
  const singleEnv = [
    'MESHPEER_REPO_URL',
    'MESHPEER_BRANCH',
    'MESHPEER_PATH',
    'MESHPEER_REPO',
    'MESHPEER_TARGET',
  ];
  const set = [...single.map((k) => SOURCES[k] ?? k), ...singleEnv.filter((k) => env[k] !== undefined)];
  if (set.length > 0)
    throw new Error(
      `invalid serve configuration:\n  --targets-file (MESHPEER_TARGETS_FILE): lists the targets, so leave out ${set.join(', ')}`,
    );
  return path;
}

/** The targets of a targets file, read (and checked) before anything else so its errors come first. */
function fileTargets(flags: ServeFlags, env: Env, path: string | undefined): TrackedRepo[] | undefined {
  if (path === undefined) return undefined;
  const provider = flags.provider ?? env.MESHPEER_PROVIDER ?? guessProvider(firstRepoUrl(path));
  return readTargetsFile(path, provider === 'gitlab' ? 'gitlab' : 'github');
}

function rawSettings(flags: ServeFlags, env: Env, first: TrackedRepo | undefined): Record<string, unknown> {
  // With a targets file, its (already checked) first target stands in for the single-target
  // settings, from which the provider and API URL are guessed.
  const repoUrl = first?.url ?? flags.repoUrl ?? env.MESHPEER_REPO_URL;
  const provider = flags.provider ?? env.MESHPEER_PROVIDER ?? guessProvider(repoUrl);
  const branch = first?.branch ?? flags.branch ?? env.MESHPEER_BRANCH ?? 'main';
  let repo = first?.repo ?? flags.repo ?? env.MESHPEER_REPO;
  let scmApiUrl = flags.scmApiUrl ?? env.MESHPEER_SCM_API_URL;
  try {
    if (repoUrl !== undefined) {
      repo ??= repoNameFromUrl(repoUrl);
      scmApiUrl ??= defaultApiUrl(repoUrl, provider);
    }
  } catch {
    // The schema reports the bad URL.
  }
  return {
    repoUrl,
    branch,
    path: first?.path ?? flags.path ?? env.MESHPEER_PATH ?? 'peerings.yaml',
    provider,
    repo,
    target:
      first?.target ??
      flags.target ??
      env.MESHPEER_TARGET ??
      (repo === undefined ? undefined : defaultTargetName(repo, branch)),
    scmApiUrl,
    pollInterval: flags.pollInterval ?? env.MESHPEER_POLL_INTERVAL ?? '60s',
    redisUrl: flags.redisUrl ?? env.REDIS_URL,
    queuePrefix: flags.queuePrefix ?? env.MESHPEER_QUEUE_PREFIX ?? 'meshpeer',
    host: flags.host ?? env.MESHPEER_HOST ?? '0.0.0.0',
    port: flags.port ?? env.MESHPEER_PORT ?? '8080',
    concurrency: flags.concurrency ?? '16',
    publicUrl: flags.publicUrl ?? env.MESHPEER_PUBLIC_URL,
    cacheDir: flags.cacheDir ?? env.MESHPEER_CACHE_DIR ?? join(tmpdir(), 'meshpeer-git'),
    timeout: flags.timeout ?? '20s',
    // Argo CD compares every 3 minutes (timeout.reconciliation); Flux's default interval is similar.
    reconcileInterval: flags.reconcileInterval ?? env.MESHPEER_RECONCILE_INTERVAL ?? '3m',
    selfHeal: flags.selfHeal === false ? 'false' : (env.MESHPEER_SELF_HEAL ?? 'true'),
    retryLimit: flags.retryLimit ?? env.MESHPEER_RETRY_LIMIT ?? '5',
    retryBackoff: flags.retryBackoff ?? env.MESHPEER_RETRY_BACKOFF ?? '30s',
    metricsPort: flags.metricsPort ?? env.MESHPEER_METRICS_PORT,
  };
}

/** The prefix with its hash tag on a Cluster; a malformed Sentinel or Cluster URL is a configuration error. */
function keyPrefixChecked(redisUrl: string, prefix: string, env: Env): string {
  try {
    return prefixForEndpoint(prefix, parseRedisEndpoint(redisUrl, env));
  } catch (err) {
    throw new Error(`invalid serve configuration:\n  ${SOURCES.redisUrl}: ${(err as Error).message}`);
  }
}

/** Builds and checks the configuration; throws one error listing every problem. */
export function serveConfig(flags: ServeFlags, processEnv: Env = process.env): ServeConfig {
  const env = withoutEmpty(processEnv);
  const targets = fileTargets(flags, env, targetsFileOf(flags, env));
  const parsed = schema.safeParse(rawSettings(flags, env, targets?.[0]));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const message = i.code === 'invalid_type' && i.input === undefined ? 'is required' : i.message;
      return `  ${SOURCES[key] ?? key}: ${message}`;
    });
    throw new Error(`invalid serve configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const queuePrefix = keyPrefixChecked(c.redisUrl, c.queuePrefix, env);
  const tokenEnv = flags.tokenEnv ?? 'MESHPEER_TOKEN';
  const secretEnv = flags.webhookSecretEnv ?? 'MESHPEER_WEBHOOK_SECRET';
  const token = secretFromEnv(env, tokenEnv);
  const githubApp = c.provider === 'github' ? githubAppFromEnv(env) : undefined;
  const webhookSecrets = (secretFromEnv(env, secretEnv) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const s of webhookSecrets) registerSecret(s);
  const kubeconfig = flags.kubeconfig ?? env.KUBECONFIG;
  const uiAuth = uiAuthFromEnv(parseUiAuthMode(flags.uiAuth, env), env);
  const exposure = checkExposure(c.host, uiAuth);
  if (!exposure.ok) throw new Error(exposure.error);
  const notifySinks = notifySinksFromEnv(env);
  const single = { target: c.target, url: c.repoUrl, branch: c.branch, path: c.path, repo: c.repo };
  return {
    targets: targets ?? [{ ...single, provider: c.provider }],
    provider: c.provider,
    ...(token !== undefined && { token }),
    ...(githubApp !== undefined && { githubApp }),
    gitUsername:
      flags.gitUsername ??
      env.MESHPEER_GIT_USERNAME ??
      (c.provider === 'gitlab' ? 'oauth2' : 'x-access-token'),
    webhookSecrets,
    scmApiUrl: c.scmApiUrl,
    pollIntervalMs: durationMs(c.pollInterval),
    redisUrl: c.redisUrl,
    queuePrefix,
    ...(kubeconfig !== undefined && kubeconfig !== '' && { kubeconfig }),
    contexts: contextOverrides(flags.context ?? []),
    host: c.host,
    port: c.port,
    workers: flags.workers !== false,
    stepConcurrency: c.concurrency,
    ...(c.publicUrl !== undefined && { publicUrl: c.publicUrl }),
    cacheDir: c.cacheDir,
    observeTimeoutMs: durationMs(c.timeout),
    reconcileIntervalMs: durationMs(c.reconcileInterval),
    selfHeal: c.selfHeal === 'true',
    retry: { limit: c.retryLimit, baseMs: durationMs(c.retryBackoff), maxMs: 600_000 },
    uiAuth,
    ...(c.metricsPort !== undefined && { metricsPort: c.metricsPort }),
    ...(exposure.warning !== undefined && { exposureWarning: exposure.warning }),
    ...((flags.strict === true || env.MESHPEER_STRICT === 'true') && { strict: true }),
    ...(notifySinks.length > 0 && { notifySinks }),
  };
}
