/**
 * Stands in for the Deployment controller and kubelet: when a Deployment's generation moves ahead of
 * status.observedGeneration, it reports all replicas updated, ready and available (asynchronously,
 * as a separate status write, like the real controller).
 */

import type { ObjectService } from './object-service.ts';
import { serverTime } from './object-service.ts';
import { getPath, type StoredObject } from './stored-object.ts';

function readyStatus(obj: StoredObject, now: string): Record<string, unknown> {
  const replicas = Number(getPath(obj, ['spec', 'replicas']) ?? 1);
  const condition = (type: string, reason: string, message: string): Record<string, unknown> => ({
    type,
    status: 'True',
    lastUpdateTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    observedGeneration: obj.metadata.generation,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      condition('Available', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
      condition(
        'Progressing',
        'NewReplicaSetAvailable',
        `ReplicaSet "${obj.metadata.name}" has successfully progressed.`,
      ),
    ],
  };
}

/** Starts the simulator; returns the function that stops it. */
export function startDeploymentSimulator(service: ObjectService): () => void {
  const rt = service.catalog.require('apps/v1', 'Deployment');
  let stopped = false;
  const unsubscribe = service.store.subscribe((event) => {
    if (event.rt !== rt || event.type === 'DELETED') return;
    if (getPath(event.object, ['status', 'observedGeneration']) === event.object.metadata.generation) return;
    const { namespace, name } = event.object.metadata;
    setImmediate(() => {
      if (stopped) return;
      const current = service.store.get(rt, namespace, name ?? '');
      if (current === undefined || current.metadata.deletionTimestamp !== undefined) return;
      if (getPath(current, ['status', 'observedGeneration']) === current.metadata.generation) return;
      const status = readyStatus(current, serverTime(service.now()));
      service.replace(
        rt,
        namespace,
        name ?? '',
        { ...current, status },
        { subresource: 'status', fieldManager: 'kube-controller-manager' },
      );
    });
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
