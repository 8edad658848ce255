/**
 * `meshpeer serve`: the GitOps service. Follows one repository branch, or the several targets of a
 * targets file (poller and webhooks),
 * comments plans on pull requests, applies merged commits through the run workers (in this
 * process unless --no-workers) and serves status, health and metrics until SIGTERM or SIGINT.
 */

import { Command } from 'commander';
import type { ServeFlags } from '../app/serve-config.ts';
import { CONTEXT_OPTION_HELP } from './cluster-options.ts';

const ENVIRONMENT = `
Environment (flags win):
  MESHPEER_REPO_URL, MESHPEER_BRANCH, MESHPEER_PATH, MESHPEER_PROVIDER, MESHPEER_REPO, MESHPEER_TARGET,
  MESHPEER_TARGETS_FILE,
  MESHPEER_SCM_API_URL, MESHPEER_POLL_INTERVAL, REDIS_URL, MESHPEER_QUEUE_PREFIX, KUBECONFIG,
  MESHPEER_HOST, MESHPEER_PORT, MESHPEER_PUBLIC_URL, MESHPEER_CACHE_DIR, MESHPEER_GIT_USERNAME,
  MESHPEER_RECONCILE_INTERVAL, MESHPEER_SELF_HEAL, MESHPEER_RETRY_LIMIT, MESHPEER_RETRY_BACKOFF,
  MESHPEER_UI_AUTH, MESHPEER_METRICS_PORT, MESHPEER_STRICT, MESHPEER_REDIS_MODE
Redis (REDIS_URL): redis://[:PW@]HOST:6379[/DB], rediss://..., a Sentinel group
  redis-sentinel://[:PW@]S1:26379,S2:26379/MASTER[?db=N], or a Cluster redis-cluster://[:PW@]H1:7000,H2:7001
Secrets (environment only, never flags):
  MESHPEER_TOKEN            Git and API token (another variable with --token-env)
  MESHPEER_GITHUB_APP_ID, MESHPEER_GITHUB_APP_INSTALLATION_ID, MESHPEER_GITHUB_APP_PRIVATE_KEY (or _FILE)
                            a GitHub App instead of a token: installation tokens, check runs
  MESHPEER_WEBHOOK_SECRET   webhook secret; several, comma-separated, during rotation (--webhook-secret-env)
  MESHPEER_UI_TOKEN         bearer token for the status page and API (or MESHPEER_UI_USERNAME and
                            MESHPEER_UI_PASSWORD for HTTP Basic); required beyond 127.0.0.1
  MESHPEER_SLACK_WEBHOOK_URL, MESHPEER_NOTIFY_WEBHOOK_URL, MESHPEER_NOTIFY_WEBHOOK_SECRET
                            notifications (docs/notifications.md)

Endpoints: POST /webhooks/github, POST /webhooks/gitlab and GET /healthz, /readyz stay open; GET /,
/api/status, /api/runs, /api/runs/:id, POST /api/sync and /metrics need the UI credentials
(/metrics moves to --metrics-port without credentials when that is set).

Several targets (e.g. staging and production), each with its own runs, statuses, health and check:
  --targets-file targets.yaml, a YAML file like
    targets:
      - name: staging
        repoUrl: https://github.com/acme/mesh-config.git
        branch: staging
      - name: production
        repoUrl: https://github.com/acme/mesh-config.git
        branch: main
        path: prod/peerings.yaml
  (branch defaults to main, path to peerings.yaml, name to <repo>@<branch>); it replaces --repo-url,
  --branch, --path, --repo and --target. All targets share the provider, token and webhook secret.

Example:
  MESHPEER_TOKEN=... MESHPEER_WEBHOOK_SECRET=... REDIS_URL=redis://localhost:6379 \\
    meshpeer serve --repo-url https://github.com/acme/mesh-config.git --kubeconfig ~/.kube/config`;

/** Adds `serve` to the program. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('run the GitOps service: poller, webhooks, pull-request plans, workers, status page')
    .option('--repo-url <url>', 'HTTPS clone URL of the repository holding peerings.yaml')
    .option('--branch <name>', 'branch applied to the clusters (default: main)')
    .option('--path <file>', 'path of the desired-state file in the repository (default: peerings.yaml)')
    .option('--provider <name>', 'github or gitlab (default: from the URL host)')
    .option('--repo <owner/name>', 'repository name webhooks carry (default: from the URL path)')
    .option('--target <name>', 'run target name (default: <repo>@<branch>)')
    .option('--targets-file <path>', 'YAML list of targets to follow instead of one repository (see below)')
    .option('--token-env <NAME>', 'environment variable holding the token (default: MESHPEER_TOKEN)')
    .option('--git-username <name>', 'Basic-auth user for Git (default: x-access-token, oauth2 on GitLab)')
    .option('--webhook-secret-env <NAME>', 'environment variable holding the webhook secret(s)')
    .option(
      '--scm-api-url <url>',
      'API root: GitHub Enterprise https://HOST/api/v3, or a GitLab instance URL',
    )
    .option(
      '--poll-interval <duration>',
      'how often to list the branch head; 0s turns polling off (default: 60s)',
    )
    .option('--redis-url <url>', 'Redis of the queues and run history (default: REDIS_URL)')
    .option('--queue-prefix <prefix>', 'Redis key prefix, to keep installations apart (default: meshpeer)')
    .option('--kubeconfig <path>', 'kubeconfig for clusters that do not name their own (default: KUBECONFIG)')
    .option('--context <cluster=context...>', CONTEXT_OPTION_HELP)
    .option('--timeout <duration>', 'deadline for observing each cluster (default: 20s)')
    .option('--host <address>', 'listen address (default: 0.0.0.0; needs UI credentials unless loopback)')
    .option('--port <port>', 'listen port (default: 8080)')
    .option('--public-url <url>', 'URL of this service, linked from commit statuses')
    .option('--cache-dir <dir>', 'where Git objects are cached (default: a temp directory)')
    .option('--concurrency <n>', 'steps executed at once by the workers in this process', '16')
    .option('--no-workers', 'run no workers here; separate `meshpeer worker` processes do the runs')
    .option(
      '--reconcile-interval <duration>',
      're-observe and re-verify every peering this often, repairing drift; 0s turns it off (default: 3m)',
    )
    .option('--no-self-heal', 'report drift (status, metrics, notifications) without starting a run')
    .option(
      '--strict',
      "an exported service missing from its partition's catalog fails pull-request plans, checks and runs",
    )
    .option('--retry-limit <n>', 'retries of a failed run, backing off from --retry-backoff (default: 5)')
    .option('--retry-backoff <duration>', 'first retry delay, doubling up to 10m (default: 30s)')
    .option('--ui-auth <mode>', 'auto, token, basic or none for the page and API (default: auto)')
    .option('--metrics-port <port>', 'serve /metrics on this port without credentials, and not on --port')
    .addHelpText('after', ENVIRONMENT)
    .action(async (flags: ServeFlags) => {
      const { runServe } = await import('./serve-run.ts');
      await runServe(flags);
    });
}
