/**
 * The chaos mechanism in small (the full run is `npm run chaos`): 3 clusters, 2 worker processes,
 * half a minute of commits while workers are SIGKILLed, Redis restarts, API faults change, Consul
 * streams drop and peerings are deleted behind meshpeer's back; then the last commit must converge
 * and verify with nothing missing, orphaned, duplicated, stuck or lost.
 */
import { describe, expect, it } from 'vitest';
import { formatChaosReport } from '../support/chaos-report.ts';
import { runChaos } from '../support/chaos-run.ts';

describe('chaos smoke', () => {
  it('ends converged and verified after kills, a Redis restart and API and Consul faults', {
    timeout: 600_000,
  }, async () => {
    const report = await runChaos({
      clusters: 3,
      workers: 2,
      durationMs: 30_000,
      seed: 7,
      lockDurationMs: 3000,
      every: { commitMs: 3000, killMs: 8000, kubeFaultMs: 4000, dropMs: 5000 },
      finalTimeoutMs: 240_000,
    });
    const table = formatChaosReport(report);
    expect(report.problems, table).toEqual([]);
    expect(report.final.status).toBe('succeeded');
    // The faults really happened.
    expect(report.faults.get('worker SIGKILL'), table).toBeGreaterThan(0);
    expect(report.faults.get('redis restart')).toBe(1);
    expect(report.faults.get('peering deleted behind meshpeer')).toBeGreaterThan(0);
    expect(report.runs.requested).toBeGreaterThan(2);
    expect(report.state.checked).toBeGreaterThan(0);
  });
});
