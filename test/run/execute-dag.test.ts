import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/plan/index.ts';
import { executeDag } from '../../src/run/execute-dag.ts';
import { backoffDelay, defaultRetryPolicy } from '../../src/run/retry-policy.ts';
import type { StepResult } from '../../src/run/step-result.ts';

function step(id: string, lane: string, dependsOn: string[] = []): Step {
  return {
    id,
    kind: 'export',
    action: 'create',
    lane,
    target: { kind: 'X', namespace: 'n', name: id },
    reason: 'r',
    dependsOn,
    params: { object: {} as never },
  } as Step;
}

function runner(log: string[], fail: Set<string> = new Set()) {
  let active = 0;
  const maxActive = new Map<string, number>();
  return {
    maxActive,
    run: async (s: Step): Promise<StepResult> => {
      active++;
      log.push(`start ${s.id}`);
      await new Promise((r) => setImmediate(r));
      active--;
      log.push(`end ${s.id}`);
      return {
        id: s.id,
        kind: s.kind,
        lane: s.lane,
        action: s.action,
        status: fail.has(s.id) ? 'failed' : 'done',
        detail: '',
        attempts: 1,
        durationMs: 0,
      };
    },
    active: () => active,
  };
}

describe('executeDag', () => {
  it('runs lanes in parallel and each lane in order', async () => {
    const log: string[] = [];
    const r = runner(log);
    const steps = [step('a1', 'a'), step('b1', 'b'), step('a2', 'a', ['a1']), step('b2', 'b', ['b1', 'a1'])];
    const results = await executeDag(steps, r.run);
    expect(results.map((x) => x.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(log.slice(0, 2)).toEqual(['start a1', 'start b1']);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b2')).toBeGreaterThan(Math.max(log.indexOf('end a1'), log.indexOf('end b1')));
  });

  it('skips the dependents of a failed step and lets other lanes finish', async () => {
    const log: string[] = [];
    const steps = [step('a1', 'a'), step('a2', 'a', ['a1']), step('t', 'b', ['a1']), step('c1', 'c')];
    const results = await executeDag(steps, runner(log, new Set(['a1'])).run);
    expect(results.map((x) => `${x.id}:${x.status}`)).toEqual([
      'a1:failed',
      'a2:skipped',
      't:skipped',
      'c1:done',
    ]);
    expect(results[1]?.detail).toBe('skipped: a1 did not succeed');
  });

  it('treats dependencies outside the list as satisfied', async () => {
    const results = await executeDag([step('x', 'a', ['already-done'])], runner([]).run);
    expect(results[0]?.status).toBe('done');
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter between half and the full cap', () => {
    const p = { ...defaultRetryPolicy, backoffMs: 100 };
    expect(backoffDelay(p, 1, () => 0)).toBe(50);
    expect(backoffDelay(p, 1, () => 1)).toBe(100);
    expect(backoffDelay(p, 4, () => 0)).toBe(400);
    expect(backoffDelay(p, 4, () => 1)).toBe(800);
  });
});
