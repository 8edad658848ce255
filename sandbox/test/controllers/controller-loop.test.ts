/**
 * The controller loop's retry timing, which decides how soon a consul-k8s controller tries again
 * after Consul refused it: controller-runtime's default limiter for the peering controllers (5 ms
 * doubling to 1000 s), configentry_controller.go's 200 ms to 5 s for the config-entry ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_ENTRY_BACKOFF } from '../../src/controllers/config-entry-controller.ts';
import { ControllerLoop, type ControllerReconciler } from '../../src/controllers/controller-loop.ts';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';
import { waitFor } from '../sandbox-test-helpers.ts';

let cluster: SandboxCluster | undefined;
let loop: ControllerLoop | undefined;
afterEach(async () => {
  await loop?.stop();
  await cluster?.stop();
});

/** Starts a loop over a reconciler that always fails, and returns the retry delays it logs. */
async function delaysOf(backoff: ControllerReconciler['backoff'], count: number): Promise<number[]> {
  cluster = await SandboxCluster.start({ name: 'unit-loop' });
  cluster.objects.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'default' },
  });
  const delays: number[] = [];
  const failing: ControllerReconciler = {
    name: 'failing',
    apiVersion: 'v1',
    kind: 'ConfigMap',
    ...(backoff !== undefined && { backoff }),
    reconcile: () => Promise.reject(new Error('Consul refused')),
  };
  loop = new ControllerLoop(cluster.objects, failing, {
    log: (line) => delays.push(Number(/retry in (\d+) ms/.exec(line)?.[1])),
  });
  loop.start();
  // Each change of the object is an event that queues it at once, whatever its backoff.
  for (let i = 0; delays.length < count; i++) {
    cluster.objects.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'x' }, 'merge', {
      data: { n: String(i) },
    });
    const seen = delays.length;
    await waitFor(() => (delays.length > seen ? true : undefined), 'a failed reconcile');
  }
  return delays.slice(0, count);
}

describe('controller loop backoff', () => {
  it("doubles from 5 ms towards 1000 s by default, controller-runtime's limiter", async () => {
    expect(await delaysOf(undefined, 4)).toEqual([5, 10, 20, 40]);
  });

  it('doubles from 200 ms to at most 5 s for the config-entry controllers', async () => {
    expect(await delaysOf(CONFIG_ENTRY_BACKOFF, 6)).toEqual([200, 400, 800, 1600, 3200, 5000]);
  });
});
