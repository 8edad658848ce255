/** The body of a read-modify-write replace: the live object with new annotations and spec. */
import type { LiveObject } from '../kube/cluster-client.ts';

/**
 * The live object's identity, labels and resourceVersion with `annotations` and `spec` swapped in;
 * managedFields are left out (the server keeps them). Replacing with the live resourceVersion makes a
 * concurrent edit fail with a conflict, so the step retries on fresh data instead of overwriting it.
 */
export function replaceBody(
  live: LiveObject,
  annotations: Readonly<Record<string, string>>,
  spec: Readonly<Record<string, unknown>>,
) {
  const { managedFields: _ignored, ...metadata } = live.metadata as LiveObject['metadata'] & {
    managedFields?: unknown;
  };
  return {
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: {
      ...metadata,
      namespace: live.metadata.namespace ?? '',
      resourceVersion: live.metadata.resourceVersion ?? '',
      annotations,
    },
    spec,
  };
}
