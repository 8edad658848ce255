import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Step } from '../../src/plan/index.ts';
import { MemoryRunStore } from '../../src/run/run-record.ts';
import { RunState } from '../../src/run/run-state.ts';
import type { StepDispatcher } from '../../src/run/step-dispatcher.ts';
import type { StepResult } from '../../src/run/step-result.ts';

const step = {
  id: 'dialer/cluster-02/consul/cluster-01',
  kind: 'dialer',
  action: 'create',
  lane: 'cluster-02',
} as unknown as Step;

describe('a running run keeps its steps in flight', () => {
  afterEach(() => vi.useRealTimers());

  it('records the active step and what it waits on, then drops it with the result', async () => {
    vi.useFakeTimers();
    const store = new MemoryRunStore();
    let finish: (r: StepResult) => void = () => {};
    const dispatcher: StepDispatcher = {
      dispatch: (_step, context) =>
        new Promise((resolve) => {
          context.onWaiting?.('waiting for PeeringDialer cluster-01 to establish');
          finish = resolve;
        }),
    };
    const state = await RunState.open(
      { runId: 'run-1', target: 't', revision: 'r', trigger: { kind: 'cli' } },
      { store, dispatcher },
    );
    const pending = state.dispatch(step, { runId: 'run-1', pass: '1', planHash: 'h' });
    await vi.advanceTimersByTimeAsync(1100);
    expect((await store.get('run-1'))?.active).toEqual([
      {
        id: step.id,
        kind: 'dialer',
        lane: 'cluster-02',
        since: expect.any(String),
        waiting: 'waiting for PeeringDialer cluster-01 to establish',
      },
    ]);
    finish({
      id: step.id,
      kind: 'dialer',
      lane: 'cluster-02',
      action: 'create',
      status: 'done',
      detail: 'ok',
      attempts: 1,
      durationMs: 5,
    });
    state.add(await pending);
    await vi.advanceTimersByTimeAsync(10);
    expect((await store.get('run-1'))?.active).toEqual([]);
    const record = await state.finish('succeeded');
    expect(record.active).toBeUndefined();
  });
});
