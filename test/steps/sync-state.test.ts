/**
 * How meshpeer reads a config-entry resource's Synced condition as consul-k8s writes it
 * (configentry_controller.go): False for a failed create, Unknown for a failed update or migration,
 * each with a reason that the operator must see; the two refusals only a person can settle end the step.
 */
import { describe, expect, it } from 'vitest';
import type { LiveObject } from '../../src/kube/cluster-client.ts';
import { syncState } from '../../src/steps/resource-executors.ts';

function mesh(status: string, reason?: string, message?: string): LiveObject {
  return {
    apiVersion: 'consul.hashicorp.com/v1alpha1',
    kind: 'Mesh',
    metadata: { name: 'mesh', namespace: 'consul' },
    status: {
      conditions: [{ type: 'Synced', status, ...(reason && { reason }), ...(message && { message }) }],
    },
  } as LiveObject;
}

describe('syncState', () => {
  it('is settled once Synced is True', () => {
    expect(syncState(mesh('True'), true)).toBeUndefined();
  });

  it('waits while Unknown without a reason (the finalizer was just added)', () => {
    expect(syncState(mesh('Unknown'), true)).toMatchObject({
      type: 'waiting',
      detail: 'waiting for Mesh mesh to sync',
    });
  });

  it('waits and names the reason of a refused update (Unknown) as of a refused create (False)', () => {
    const denied = "updating config entry in consul: Permission denied: lacks permission 'mesh:write'";
    for (const status of ['Unknown', 'False']) {
      expect(syncState(mesh(status, 'ConsulAgentError', denied), false)).toMatchObject({
        type: 'waiting',
        detail: `waiting for Mesh mesh to sync: ConsulAgentError ${denied}`,
      });
    }
  });

  it('ends the step on an entry managed outside Kubernetes, saying how to hand it over', () => {
    expect(
      syncState(mesh('False', 'ExternallyManagedConfigError', 'config entry already exists in Consul'), true),
    ).toEqual({
      type: 'terminal',
      reason:
        'Mesh mesh: config entry already exists in Consul (annotate it with consul.hashicorp.com/migrate-entry: "true" to let consul-k8s take it over)',
    });
  });

  it('ends the step when a migration is refused, without repeating either entry', () => {
    const message = 'migration failed: ...: consul={"Config":{"tracing_api_key":"k-123"}}, kube={}';
    const outcome = syncState(mesh('False', 'MigrationFailedError', message), true);
    expect(outcome).toMatchObject({ type: 'terminal' });
    expect(outcome?.type === 'terminal' && outcome.reason).toBe(
      'Mesh mesh: migration failed: Kubernetes resource does not match existing Consul config entry (consul-k8s takes over only an entry equal to the resource: compare them with kubectl describe mesh mesh, then make the entry in Consul match it, or delete the entry so consul-k8s writes it)',
    );
    // Both entries' JSON stay out: a Config may hold credentials nobody registered for redaction.
    expect(JSON.stringify(outcome)).not.toContain('k-123');
  });
});
