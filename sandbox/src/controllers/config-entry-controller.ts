/**
 * consul-k8s's generic config-entry controller for one kind: adds the finalizer (Synced Unknown),
 * writes the entry when Consul lacks it or it differs, refuses entries managed elsewhere with
 * ExternallyManagedConfigError unless the CR carries `consul.hashicorp.com/migrate-entry: "true"`,
 * and on deletion removes the entry only when this datacenter manages it.
 */
import { CONSUL_API_VERSION } from '../../../src/resources/consul-resources.ts';
import type { StoredObjectRef } from '../kube/in-process-kube.ts';
import type { StoredObject } from '../kube/stored-object.ts';
import {
  type ConfigEntryKind,
  type EntryMapping,
  entryMappings,
  MIGRATE_ENTRY_ANNOTATION,
  matchesConsul,
  SOURCE_DATACENTER_META,
} from './config-entry-kinds.ts';
import type { ConfigEntry } from './consul-api.ts';
import { type ControllerContext, consulPartition } from './controller-context.ts';
import type { Backoff, ControllerReconciler, NamespacedName, ReconcileResult } from './controller-loop.ts';
import {
  type ConfigEntrySyncReason,
  hasFinalizer,
  kubeNow,
  setFinalizer,
  setSynced,
  syncedOf,
  writeStatus,
} from './sync-status.ts';

function mismatchError(sourceDatacenter: string): Error {
  return new Error(
    sourceDatacenter === ''
      ? 'config entry already exists in Consul'
      : `config entry managed in different datacenter: ${JSON.stringify(sourceDatacenter)}`,
  );
}

/** configentry_controller.go's limiter: 200 ms doubling to 5 s, so an entry waiting on another re-syncs soon. */
export const CONFIG_ENTRY_BACKOFF: Backoff = { baseMs: 200, maxMs: 5000 };

/** The controller of one config-entry kind in one cluster. */
export class ConfigEntryController implements ControllerReconciler {
  readonly name: string;
  readonly apiVersion = CONSUL_API_VERSION;
  readonly backoff = CONFIG_ENTRY_BACKOFF;
  readonly kind: ConfigEntryKind;
  private readonly mapping: EntryMapping;

  constructor(
    private readonly ctx: ControllerContext,
    kind: ConfigEntryKind,
  ) {
    this.kind = kind;
    this.mapping = entryMappings[kind];
    this.name = `${kind.toLowerCase()}-controller`;
  }

  /** Every entry goes into the install's own partition, as consul-k8s's ConsulPartition does. */
  private partition(): string | undefined {
    return consulPartition(this.ctx);
  }

  /** One pass of ConfigEntryController.ReconcileEntry. */
  async reconcile(key: NamespacedName): Promise<ReconcileResult | undefined> {
    const ref: StoredObjectRef = { apiVersion: this.apiVersion, kind: this.kind, ...key };
    const obj = this.ctx.objects.get(ref);
    if (obj === undefined) return undefined;
    const desired = this.mapping.toConsul(obj, this.ctx.datacenter);
    const partition = this.partition();
    if (obj.metadata.deletionTimestamp !== undefined) return this.finalize(obj, desired, partition);
    if (!hasFinalizer(obj)) {
      setFinalizer(this.ctx.objects, obj, true);
      writeStatus(this.ctx.objects, ref, (status) => {
        setSynced(status, 'Unknown');
        status.lastSyncedTime = kubeNow();
      });
    }
    let existing: ConfigEntry | undefined;
    try {
      existing = await this.ctx.consul.readConfigEntry(this.mapping.consulKind, desired.Name, partition);
    } catch (err) {
      return this.failed(ref, 'ConsulAgentError', err);
    }
    if (existing === undefined) return this.write(ref, desired, partition, 'writing config entry to consul');
    const source = existing.Meta?.[SOURCE_DATACENTER_META] ?? '';
    const managedHere = source === this.ctx.datacenter;
    const matches = (this.mapping.matches ?? matchesConsul)(desired, existing, partition ?? 'default');
    const migrate = obj.metadata.annotations?.[MIGRATE_ENTRY_ANNOTATION] === 'true';
    if (!matches && !managedHere && !migrate)
      return this.failed(ref, 'ExternallyManagedConfigError', mismatchError(source));
    if (!matches && migrate) {
      const text = `migration failed: Kubernetes resource does not match existing Consul config entry: consul=${JSON.stringify(existing)}, kube=${JSON.stringify(desired)}`;
      return this.failed(ref, 'MigrationFailedError', new Error(text));
    }
    // consul-k8s's syncUnknownWithError: Consul refusing the write of an update or a migration leaves
    // Synced Unknown; the refusals decided here (ExternallyManaged, MigrationFailed) are False.
    if (!matches || (migrate && !managedHere))
      return this.write(ref, desired, partition, 'updating config entry in consul', 'Unknown');
    const current = this.ctx.objects.get(ref);
    if (current !== undefined && syncedOf(current)?.status !== 'True') this.succeeded(ref);
    return undefined;
  }

  private async write(
    ref: StoredObjectRef,
    entry: ConfigEntry,
    partition: string | undefined,
    what: string,
    onFailure: 'False' | 'Unknown' = 'False',
  ): Promise<undefined> {
    try {
      await this.ctx.consul.writeConfigEntry(entry, partition);
    } catch (err) {
      return this.failed(ref, 'ConsulAgentError', new Error(`${what}: ${(err as Error).message}`), onFailure);
    }
    this.succeeded(ref);
    return undefined;
  }

  private async finalize(
    obj: StoredObject,
    desired: ConfigEntry,
    partition: string | undefined,
  ): Promise<undefined> {
    if (!hasFinalizer(obj)) return undefined;
    const existing = await this.ctx.consul.readConfigEntry(this.mapping.consulKind, desired.Name, partition);
    if (existing !== undefined && existing.Meta?.[SOURCE_DATACENTER_META] === this.ctx.datacenter) {
      try {
        await this.ctx.consul.deleteConfigEntry(this.mapping.consulKind, desired.Name, partition);
      } catch (err) {
        const ref: StoredObjectRef = {
          apiVersion: this.apiVersion,
          kind: this.kind,
          namespace: obj.metadata.namespace ?? '',
          name: obj.metadata.name ?? '',
        };
        return this.failed(
          ref,
          'ConsulAgentError',
          new Error(`deleting config entry from consul: ${(err as Error).message}`),
        );
      }
    }
    setFinalizer(this.ctx.objects, obj, false);
    return undefined;
  }

  private succeeded(ref: StoredObjectRef): void {
    writeStatus(this.ctx.objects, ref, (status) => {
      setSynced(status, 'True');
      status.lastSyncedTime = kubeNow();
    });
  }

  /** Records Synced False (syncFailed) or Unknown (syncUnknownWithError) and fails the reconcile, to be retried with backoff. */
  private failed(
    ref: StoredObjectRef,
    reason: ConfigEntrySyncReason,
    err: unknown,
    status: 'False' | 'Unknown' = 'False',
  ): never {
    writeStatus(this.ctx.objects, ref, (s) => {
      setSynced(s, status, reason, (err as Error).message);
    });
    throw err;
  }
}
