/**
 * consul-k8s's PeeringAcceptor controller: generates a token only when the peering is missing in
 * Consul, the spec's Secret name or key changed, the peering-version annotation was raised, or the
 * Secret is gone (never in the background, see consul-k8s#1399); writes the labelled token Secret;
 * on deletion removes the Consul peering and the Secret, then the finalizer. It never looks at
 * whether the peering is ACTIVE.
 */
import { CONSUL_API_VERSION, PEERING_TOKEN_LABEL } from '../../../src/resources/consul-resources.ts';
import type { StoredObjectRef } from '../kube/in-process-kube.ts';
import { getPath, type StoredObject } from '../kube/stored-object.ts';
import {
  type ControllerContext,
  consulPartition,
  deleteSecret,
  getSecret,
  type PeerSecretRef,
  secretRef,
  writeTokenSecret,
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

const kind = 'PeeringAcceptor';

/** Decides whether an existing peering needs a new token (consul-k8s `shouldGenerateToken`). */
export function shouldGenerateToken(
  acceptor: StoredObject,
  existingSecret: StoredObject | undefined,
): { generate: boolean; nameChanged: boolean } {
  const spec = secretRef(getPath(acceptor, ['spec', 'peer', 'secret']));
  const status = secretRef(getPath(acceptor, ['status', 'secret']));
  if (status !== undefined && spec !== undefined) {
    if (status.name !== spec.name) return { generate: true, nameChanged: true };
    if (status.key !== spec.key) return { generate: true, nameChanged: false };
    if (status.backend !== spec.backend) throw new Error('PeeringAcceptor backend cannot be changed');
    if (peeringVersionRaised(acceptor)) return { generate: true, nameChanged: false };
  }
  return { generate: existingSecret === undefined, nameChanged: false };
}

/** The acceptor controller of one cluster. */
export class PeeringAcceptorController implements ControllerReconciler {
  readonly name = 'peering-acceptor-controller';
  readonly apiVersion = CONSUL_API_VERSION;
  readonly kind = kind;
  readonly secretSelector = `${PEERING_TOKEN_LABEL}=true`;

  constructor(private readonly ctx: ControllerContext) {}

  /** Acceptors in the Secret's namespace that name it in their spec or status. */
  keysForSecret(secret: StoredObject): NamespacedName[] {
    const ns = secret.metadata.namespace ?? '';
    return this.ctx.objects
      .list(this.apiVersion, kind, ns)
      .filter((a) =>
        [getPath(a, ['spec', 'peer', 'secret', 'name']), getPath(a, ['status', 'secret', 'name'])].includes(
          secret.metadata.name,
        ),
      )
      .map((a) => ({ namespace: ns, name: a.metadata.name ?? '' }));
  }

  /** One pass of the reconcile algorithm of spec 1.2 and 1.4. */
  async reconcile(key: NamespacedName): Promise<ReconcileResult | undefined> {
    const ref: StoredObjectRef = { apiVersion: this.apiVersion, kind, ...key };
    const acceptor = this.ctx.objects.get(ref);
    if (acceptor === undefined) return undefined;
    if (acceptor.metadata.deletionTimestamp !== undefined) return this.finalize(acceptor);
    if (!hasFinalizer(acceptor)) {
      setFinalizer(this.ctx.objects, acceptor, true);
      return { requeue: true };
    }
    const spec = secretRef(getPath(acceptor, ['spec', 'peer', 'secret'])) as PeerSecretRef;
    const existing = this.guard(ref, 'kubernetesError', () => getSecret(this.ctx, key.namespace, spec.name));
    const partition = consulPartition(this.ctx);
    const peering = await this.ctx.consul.readPeering(key.name, partition);
    if (peering === undefined) {
      const stale = secretRef(getPath(acceptor, ['status', 'secret']));
      if (stale !== undefined)
        this.guard(ref, 'kubernetesError', () => deleteSecret(this.ctx, key.namespace, stale.name));
      const token = await this.guardAsync(ref, 'consulAgentError', () =>
        this.ctx.consul.generateToken(key.name, partition),
      );
      this.guard(ref, 'kubernetesError', () =>
        writeTokenSecret(this.ctx, key.namespace, spec.name, spec.key, token),
      );
      this.updateStatus(ref);
      return undefined;
    }
    const decision = this.guard(ref, 'internalError', () => shouldGenerateToken(acceptor, existing));
    if (!decision.generate) return undefined;
    // consul-k8s records no status error for these two failures, it only retries.
    const token = await this.ctx.consul.generateToken(key.name, partition);
    writeTokenSecret(this.ctx, key.namespace, spec.name, spec.key, token);
    const stale = secretRef(getPath(acceptor, ['status', 'secret']));
    if (decision.nameChanged && stale !== undefined)
      this.guard(ref, 'kubernetesError', () => deleteSecret(this.ctx, key.namespace, stale.name));
    this.updateStatus(ref);
    return undefined;
  }

  private async finalize(acceptor: StoredObject): Promise<undefined> {
    if (!hasFinalizer(acceptor)) return undefined;
    const name = acceptor.metadata.name ?? '';
    let failure: unknown;
    try {
      await this.ctx.consul.deletePeering(name, consulPartition(this.ctx));
    } catch (err) {
      failure = err;
    }
    const spec = secretRef(getPath(acceptor, ['spec', 'peer', 'secret']));
    if (spec?.backend === 'kubernetes') {
      // As in consul-k8s, the Secret delete's outcome replaces the peering delete's error.
      failure = undefined;
      try {
        deleteSecret(this.ctx, acceptor.metadata.namespace ?? '', spec.name);
      } catch (err) {
        failure = err;
      }
    }
    if (failure !== undefined) throw failure;
    setFinalizer(this.ctx.objects, acceptor, false);
    return undefined;
  }

  private updateStatus(ref: StoredObjectRef): void {
    writeStatus(this.ctx.objects, ref, (status, current) => {
      const spec = secretRef(getPath(current, ['spec', 'peer', 'secret'])) as PeerSecretRef;
      status.secret = { name: spec.name, key: spec.key, backend: spec.backend };
      status.lastSyncedTime = kubeNow();
      setSynced(status, 'True');
      const version = peeringVersion(current);
      const latest = status.latestPeeringVersion;
      if (version !== undefined && (typeof latest !== 'number' || latest < version))
        status.latestPeeringVersion = version;
    });
  }

  private guard<T>(ref: StoredObjectRef, reason: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      writeSyncError(this.ctx.objects, ref, reason, err, this.ctx.log);
      throw err;
    }
  }

  private async guardAsync<T>(ref: StoredObjectRef, reason: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      writeSyncError(this.ctx.objects, ref, reason, err, this.ctx.log);
      throw err;
    }
  }
}
