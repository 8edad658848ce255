/**
 * What every simulated consul-k8s controller of one cluster shares: the cluster's objects, the
 * injector's Consul client, the datacenter and whether admin partitions exist, plus the Secret
 * operations the peering controllers make.
 */
import { PEERING_TOKEN_LABEL } from '../../../src/resources/consul-resources.ts';
import type { InProcessKube } from '../kube/in-process-kube.ts';
import type { StoredObject } from '../kube/stored-object.ts';
import type { ConsulApi } from './consul-api.ts';

/** Shared dependencies of a cluster's controllers. */
export interface ControllerContext {
  readonly objects: InProcessKube;
  readonly consul: ConsulApi;
  readonly datacenter: string;
  /** Enterprise with admin partitions: every Consul call carries the install's partition. */
  readonly enterprise: boolean;
  /**
   * The one partition this install serves (`global.adminPartitions.name`): consul-k8s writes every
   * config entry into it and calls the peering API in it (configentry_controller.go ConsulPartition).
   */
  readonly partition: string;
  readonly log?: (line: string) => void;
}

/** The `?partition=` the install's Consul calls use (none on Community Edition clusters). */
export function consulPartition(ctx: ControllerContext): string | undefined {
  return ctx.enterprise ? ctx.partition : undefined;
}

/** A Secret in a namespace, or undefined. */
export function getSecret(ctx: ControllerContext, namespace: string, name: string): StoredObject | undefined {
  return ctx.objects.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
}

/** Deletes a Secret if it exists. */
export function deleteSecret(ctx: ControllerContext, namespace: string, name: string): void {
  ctx.objects.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name });
}

/** Creates or replaces the token Secret: labelled, Opaque, no ownerReference (as consul-k8s writes it). */
export function writeTokenSecret(
  ctx: ControllerContext,
  namespace: string,
  name: string,
  key: string,
  token: string,
): void {
  const secret: StoredObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { [PEERING_TOKEN_LABEL]: 'true' } },
    data: { [key]: Buffer.from(token, 'utf8').toString('base64') },
  };
  if (getSecret(ctx, namespace, name) === undefined)
    ctx.objects.create(secret, { fieldManager: 'consul-k8s' });
  else ctx.objects.replace(secret, { fieldManager: 'consul-k8s' });
}

/** The `spec.peer.secret` of a PeeringAcceptor or PeeringDialer. */
export interface PeerSecretRef {
  name: string;
  key: string;
  backend: string;
}

/** Reads a secret reference (spec.peer.secret or status.secret) from a peering resource. */
export function secretRef(value: unknown): PeerSecretRef | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  return { name: String(v.name ?? ''), key: String(v.key ?? ''), backend: String(v.backend ?? '') };
}
