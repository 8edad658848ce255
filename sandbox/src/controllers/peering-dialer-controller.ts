/**
 * consul-k8s's PeeringDialer controller: reads the token Secret in its own namespace and calls
 * establish when the status has no Secret (or it is gone), the peering is absent in Consul, the
 * spec's Secret or its resourceVersion differs from the status, or the peering-version annotation
 * was raised. Any edit of the Secret therefore re-establishes, and a used token then fails with
 * Consul's 403. Deletion removes the Consul peering and the finalizer, never the Secret.
 *
 * A dialer-side peering deleted in Consul behind our back is re-established with the Secret's
 * token, which fails like the real thing: its establishment secret was consumed by the first
 * ExchangeSecret (agent/consul/state/peering.go peeringSecretsWriteTxn), and the acceptor side,
 * TERMINATED by the dialer's Terminated message, refuses every stream. The failed Establish
 * leaves a PENDING dialer peering (agent/rpc/peering/service.go writes it before the exchange), so
 * later passes do not retry; only a new token copied into the Secret brings it back. See
 * sandbox/test/dialer-side-deleted.test.ts.
 */
import { CONSUL_API_VERSION, PEERING_TOKEN_LABEL } from '../../../src/resources/consul-resources.ts';
import type { StoredObjectRef } from '../kube/in-process-kube.ts';
import { getPath, type StoredObject } from '../kube/stored-object.ts';
import {
  type ControllerContext,
  consulPartition,
  getSecret,
  type PeerSecretRef,
  secretRef,
} from './controller-context.ts';
import type { ControllerReconciler, NamespacedName, ReconcileResult } from './controller-loop.ts';
import {
  hasFinalizer,
  kubeNow,
  peeringVersion,
  peeringVersionRaised,
  setFinalizer,
  setSynced,
  writeStatus,
  writeSyncError,
} from './sync-status.ts';

const kind = 'PeeringDialer';

/** Whether the spec's Secret differs from the one recorded in the status (consul-k8s logic). */
export function specStatusSecretsDifferent(dialer: StoredObject, specSecret: StoredObject): boolean {
  const spec = secretRef(getPath(dialer, ['spec', 'peer', 'secret']));
  const status = getPath(dialer, ['status', 'secret']) as Record<string, unknown> | undefined;
  const recorded = secretRef(status);
  if (spec === undefined || recorded === undefined) return true;
  if (recorded.name !== spec.name || recorded.key !== spec.key || recorded.backend !== spec.backend)
    return true;
  return String(status?.resourceVersion ?? '') !== specSecret.metadata.resourceVersion;
}

/** The dialer controller of one cluster. */
export class PeeringDialerController implements ControllerReconciler {
  readonly name = 'peering-dialer-controller';
  readonly apiVersion = CONSUL_API_VERSION;
  readonly kind = kind;
  readonly secretSelector = `${PEERING_TOKEN_LABEL}=true`;

  constructor(private readonly ctx: ControllerContext) {}

  /** The dialers in the Secret's namespace whose spec names it (consul-k8s maps to one). */
  keysForSecret(secret: StoredObject): NamespacedName[] {
    const ns = secret.metadata.namespace ?? '';
    return this.ctx.objects
      .list(this.apiVersion, kind, ns)
      .filter((d) => getPath(d, ['spec', 'peer', 'secret', 'name']) === secret.metadata.name)
      .slice(0, 1)
      .map((d) => ({ namespace: ns, name: d.metadata.name ?? '' }));
  }

  /** One pass of the reconcile algorithm of spec 1.3 and 1.4. */
  async reconcile(key: NamespacedName): Promise<ReconcileResult | undefined> {
    const ref: StoredObjectRef = { apiVersion: this.apiVersion, kind, ...key };
    const dialer = this.ctx.objects.get(ref);
    if (dialer === undefined) return undefined;
    const partition = consulPartition(this.ctx);
    if (dialer.metadata.deletionTimestamp !== undefined) {
      if (!hasFinalizer(dialer)) return undefined;
      await this.ctx.consul.deletePeering(key.name, partition);
      setFinalizer(this.ctx.objects, dialer, false);
      return undefined;
    }
    if (!hasFinalizer(dialer)) setFinalizer(this.ctx.objects, dialer, true);
    const current = this.ctx.objects.get(ref) ?? dialer;
    const spec = secretRef(getPath(current, ['spec', 'peer', 'secret'])) as PeerSecretRef;
    const specSecret = this.guard(ref, 'kubernetesError', () =>
      getSecret(this.ctx, key.namespace, spec.name),
    );
    if (specSecret === undefined) {
      const err = new Error('PeeringDialer spec.peer.secret does not exist');
      writeSyncError(this.ctx.objects, ref, 'internalError', err, this.ctx.log);
      throw err;
    }
    const recorded = secretRef(getPath(current, ['status', 'secret']));
    const statusSecret =
      recorded === undefined
        ? undefined
        : this.guard(ref, 'kubernetesError', () => getSecret(this.ctx, key.namespace, recorded.name));
    if (statusSecret === undefined) return this.establish(ref, spec, specSecret, partition);
    if ((await this.ctx.consul.readPeering(key.name, partition)) === undefined)
      return this.establish(ref, spec, specSecret, partition);
    if (specStatusSecretsDifferent(current, specSecret))
      return this.establish(ref, spec, specSecret, partition);
    const raised = this.guard(ref, 'internalError', () => peeringVersionRaised(current));
    if (raised) return this.establish(ref, spec, specSecret, partition);
    return undefined;
  }

  private async establish(
    ref: StoredObjectRef,
    spec: PeerSecretRef,
    specSecret: StoredObject,
    partition: string | undefined,
  ): Promise<undefined> {
    const data = (specSecret.data as Record<string, string> | undefined)?.[spec.key];
    // A missing key is an empty token; Consul answers 400 "PeeringToken is required ...".
    const token = data === undefined ? '' : Buffer.from(data, 'base64').toString('utf8');
    try {
      await this.ctx.consul.establish(ref.name, token, partition);
    } catch (err) {
      writeSyncError(this.ctx.objects, ref, 'consulAgentError', err, this.ctx.log);
      throw err;
    }
    writeStatus(this.ctx.objects, ref, (status, current) => {
      const now = secretRef(getPath(current, ['spec', 'peer', 'secret'])) as PeerSecretRef;
      status.secret = {
        name: now.name,
        key: now.key,
        backend: now.backend,
        resourceVersion: specSecret.metadata.resourceVersion,
      };
      status.lastSyncedTime = kubeNow();
      setSynced(status, 'True');
      const version = peeringVersion(current);
      const latest = status.latestPeeringVersion;
      if (version !== undefined && (typeof latest !== 'number' || latest < version))
        status.latestPeeringVersion = version;
    });
    return undefined;
  }

  private guard<T>(ref: StoredObjectRef, reason: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      writeSyncError(this.ctx.objects, ref, reason, err, this.ctx.log);
      throw err;
    }
  }
}
