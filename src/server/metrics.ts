/**
 * Prometheus metrics of one serve process: runs and steps (from finished run records), webhook
 * outcomes by provider and reason, polls and plans, and each peering's health read from the run
 * history at scrape time. Runs, polls, plans, checks, syncs and health carry the `target` label. Label values are closed sets or names from peerings.yaml, never secrets.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PeeringHealth } from '../gitops/peering-health.ts';
import type { RunRecord } from '../run/run-record.ts';

/** The metrics and the functions that feed them. */
export interface Metrics {
  readonly registry: Registry;
  recordRun(record: RunRecord): void;
  recordWebhook(provider: string, reason: string): void;
  recordPoll(result: string, target: string): void;
  recordPlan(result: string, target: string): void;
  recordCheck(result: string, target: string): void;
  recordUiAuthDenied(reason: string): void;
  recordSync(result: string, target?: string): void;
}

/** One peering's health and the target it belongs to. */
export type TargetPeeringHealth = PeeringHealth & { readonly target: string };

/** What the metrics read at scrape time, and the targets whose series start at 0. */
export interface MetricsSources {
  readonly targets: readonly string[];
  readonly peerings: () => Promise<readonly TargetPeeringHealth[]>;
}

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** Creates the registry; `peerings` is read on every scrape for the health gauges. */
export function createMetrics({ targets, peerings }: MetricsSources): Metrics {
  const registry = new Registry();
  const runs = new Counter({
    name: 'meshpeer_runs_total',
    help: 'Finished reconcile runs by target and status.',
    labelNames: ['target', 'status'],
    registers: [registry],
  });
  const steps = new Counter({
    name: 'meshpeer_step_results_total',
    help: 'Step results of finished runs by kind and status.',
    labelNames: ['kind', 'status'],
    registers: [registry],
  });
  const runSeconds = new Histogram({
    name: 'meshpeer_run_duration_seconds',
    help: 'Run duration from start to finish.',
    labelNames: ['target', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const stepSeconds = new Histogram({
    name: 'meshpeer_step_duration_seconds',
    help: 'Step duration including retries.',
    labelNames: ['kind'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'meshpeer_webhooks_total',
    help: 'Webhook deliveries by provider and outcome reason.',
    labelNames: ['provider', 'reason'],
    registers: [registry],
  });
  const polls = new Counter({
    name: 'meshpeer_polls_total',
    help: 'Polls of tracked branches by target and result.',
    labelNames: ['target', 'result'],
    registers: [registry],
  });
  const plans = new Counter({
    name: 'meshpeer_plans_total',
    help: 'Pull-request plans by target and result.',
    labelNames: ['target', 'result'],
    registers: [registry],
  });
  const checks = new Counter({
    name: 'meshpeer_checks_total',
    help: 'Periodic checks of the clusters against the desired state by target and result.',
    labelNames: ['target', 'result'],
    registers: [registry],
  });
  const denied = new Counter({
    name: 'meshpeer_ui_auth_denied_total',
    help: 'Requests to the status page, API or /metrics refused for their credentials, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const syncs = new Counter({
    name: 'meshpeer_syncs_total',
    help: 'Syncs asked for through POST /api/sync (and meshpeer sync) by target and result.',
    labelNames: ['target', 'result'],
    registers: [registry],
  });
  // Counters with labels appear only once incremented; known results start at 0 so dashboards and
  // alerts see the series from the first scrape.
  for (const target of targets) {
    for (const result of ['planned', 'invalid', 'error']) plans.inc({ target, result }, 0);
    for (const result of ['in-sync', 'drift', 'error', 'skipped']) checks.inc({ target, result }, 0);
    for (const status of ['succeeded', 'failed', 'superseded']) runs.inc({ target, status }, 0);
    for (const result of ['requested', 'error']) syncs.inc({ target, result }, 0);
  }
  // Read once per scrape for both health gauges (a scrape collects them within milliseconds).
  let latest: { at: number; health: Promise<readonly TargetPeeringHealth[]> } | undefined;
  const current = () => {
    if (latest === undefined || Date.now() - latest.at > 1000)
      latest = { at: Date.now(), health: peerings().catch(() => []) };
    return latest.health;
  };
  new Gauge({
    name: 'meshpeer_peering_healthy',
    help: '1 when the latest observation of the peering (periodic check or run) found it healthy, else 0.',
    labelNames: ['target', 'peering', 'acceptor', 'dialer', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const p of await current())
        this.set(
          { target: p.target, peering: p.id, acceptor: p.acceptor, dialer: p.dialer, state: p.state },
          p.state === 'healthy' ? 1 : 0,
        );
    },
  });
  new Gauge({
    name: 'meshpeer_peering_observed_timestamp_seconds',
    help: 'When the peering was last observed (Unix seconds): alert when it grows old.',
    labelNames: ['target', 'peering'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const p of await current())
        this.set({ target: p.target, peering: p.id }, Date.parse(p.observedAt) / 1000);
    },
  });
  return {
    registry,
    recordRun(record) {
      const labels = { target: record.target, status: record.status };
      runs.inc(labels);
      if (record.finishedAt !== undefined)
        runSeconds.observe(labels, (Date.parse(record.finishedAt) - Date.parse(record.startedAt)) / 1000);
      for (const step of record.steps) {
        steps.inc({ kind: step.kind, status: step.status });
        if (step.status !== 'skipped') stepSeconds.observe({ kind: step.kind }, step.durationMs / 1000);
      }
    },
    recordWebhook: (provider, reason) => webhooks.inc({ provider, reason }),
    recordPoll: (result, target) => polls.inc({ target, result }),
    recordPlan: (result, target) => plans.inc({ target, result }),
    recordCheck: (result, target) => checks.inc({ target, result }),
    recordUiAuthDenied: (reason) => denied.inc({ reason }),
    // A sync refused before its target was known (no such target) counts without one.
    recordSync: (result, target) => syncs.inc(target === undefined ? { result } : { target, result }),
  };
}
