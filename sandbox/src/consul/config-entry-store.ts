/**
 * Config entries of the kinds peering and its traffic need (`mesh`, `proxy-defaults`,
 * `exported-services`, `service-intentions`, `service-resolver`, `sameness-group`), per partition,
 * with Consul's decoding (config-entry-decode.ts) and the messages of the structs' Normalize and
 * Validate methods (hashicorp/consul agent/structs/config_entry*.go).
 */
import { normaliseKeys } from './config-entry-decode.ts';
import { ConfigEntryError } from './config-entry-error.ts';
import type { ConsulStore } from './consul-store.ts';
import { normalizeIntentions } from './intentions-entry.ts';
import { normalizeResolver } from './resolver-entry.ts';
import { validateSamenessGroup } from './sameness-group-entry.ts';

/** A stored config entry as the HTTP API returns it (Go field names). */
export type ConfigEntry = Readonly<Record<string, unknown>> & {
  readonly Kind: string;
  readonly Name: string;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
};

export { ConfigEntryError };

/** The kinds this simulator stores. */
export const CONFIG_KINDS = [
  'mesh',
  'proxy-defaults',
  'exported-services',
  'service-intentions',
  'service-resolver',
  'sameness-group',
] as const;

function validateConsumers(entry: Record<string, unknown>, enterprise: boolean): void {
  const services = (entry.Services ?? []) as Array<Record<string, unknown>>;
  if (!Array.isArray(services)) throw new ConfigEntryError(500, 'Services must be a list');
  services.forEach((service, i) => {
    if (typeof service.Name !== 'string' || service.Name === '') {
      throw new ConfigEntryError(500, `Services[${i}]: service name cannot be empty`);
    }
    const consumers = (service.Consumers ?? []) as Array<Record<string, unknown>>;
    if (consumers.length === 0) {
      throw new ConfigEntryError(500, `Services[${i}]: must have at least one consumer`);
    }
    consumers.forEach((consumer, j) => {
      const set = ['Peer', 'Partition', 'SamenessGroup'].filter((k) => (consumer[k] ?? '') !== '');
      const where = `Services[${i}].Consumers[${j}]`;
      if (set.length !== 1) {
        throw new ConfigEntryError(
          500,
          `${where}: must define exactly one of Peer, Partition, or SamenessGroup`,
        );
      }
      if (consumer.Peer === '*') {
        throw new ConfigEntryError(500, `${where}: exporting to all peers (wildcard) is not supported`);
      }
      if (!enterprise && consumer.Partition !== undefined && consumer.Partition !== '') {
        throw new ConfigEntryError(500, `${where}: Partitions are a Consul Enterprise feature`);
      }
    });
  });
}

/** Validate of the peering kinds; the traffic kinds have files of their own. */
function validatePeeringKinds(entry: Record<string, unknown>, partition: string, enterprise: boolean): void {
  const kind = entry.Kind;
  if (kind === 'proxy-defaults' && entry.Name !== 'global') {
    throw new ConfigEntryError(
      500,
      `invalid name (${JSON.stringify(entry.Name)}), only "global" is supported`,
    );
  }
  if (kind === 'proxy-defaults') {
    const mode = (entry.MeshGateway as { Mode?: unknown } | undefined)?.Mode ?? '';
    if (!['', 'local', 'remote', 'none'].includes(String(mode))) {
      throw new ConfigEntryError(500, `Invalid Mesh Gateway mode ${JSON.stringify(mode)}`);
    }
  }
  if (kind === 'exported-services') {
    if (entry.Name !== partition) {
      throw new ConfigEntryError(
        500,
        enterprise
          ? `exported-services Name must be the name of the partition, and not ${JSON.stringify(entry.Name)}`
          : `exported-services Name must be "default"`,
      );
    }
    validateConsumers(entry, enterprise);
  }
}

/**
 * CE has no Namespace or Partition on a source intention (acl.EnterpriseMeta is empty there), so
 * Consul's decoder reports them as unused keys (agent/structs/config_entry.go validateUnusedKeys),
 * a 400 in multierror's format.
 */
function checkCeSourceKeys(entry: Record<string, unknown>): void {
  const sources = Array.isArray(entry.Sources) ? (entry.Sources as Array<Record<string, unknown>>) : [];
  const errors: string[] = [];
  sources.forEach((src, i) => {
    if (src?.Namespace !== undefined && src.Namespace !== '')
      errors.push(`invalid config key "Sources[${i}].Namespace", namespaces are a consul enterprise feature`);
    if (src?.Partition !== undefined && src.Partition !== '')
      errors.push(`invalid config key "Sources[${i}].Partition"`);
  });
  if (errors.length === 0) return;
  const list = errors.map((e) => `\t* ${e}`).join('\n');
  const count = errors.length === 1 ? '1 error occurred' : `${errors.length} errors occurred`;
  throw new ConfigEntryError(400, `Request decoding failed: ${count}:\n${list}\n\n`);
}

/** The namespace an entry lives in: its own on Enterprise for namespaced kinds, else `default`. */
function namespaceOf(entry: Record<string, unknown>, enterprise: boolean): string {
  const namespaced = entry.Kind === 'service-intentions' || entry.Kind === 'service-resolver';
  const ns = typeof entry.Namespace === 'string' ? entry.Namespace : '';
  return enterprise && namespaced && ns !== '' ? ns : 'default';
}

/** Config entries of all partitions. */
export class ConfigEntryStore {
  private readonly entries = new Map<string, ConfigEntry>();

  constructor(
    private readonly store: ConsulStore,
    private readonly enterprise: boolean,
  ) {}

  private static key(partition: string, kind: string, name: string, namespace = 'default'): string {
    return `${partition}\u0000${namespace}\u0000${kind}\u0000${name}`;
  }

  /** Normalize and Validate of one kind; returns the entry to store. */
  private check(entry: Record<string, unknown>, partition: string): Record<string, unknown> {
    switch (entry.Kind) {
      case 'service-intentions':
        if (!this.enterprise) checkCeSourceKeys(entry);
        return normalizeIntentions(entry, partition, this.enterprise);
      case 'service-resolver':
        return normalizeResolver(entry, partition, this.enterprise);
      case 'sameness-group':
        validateSamenessGroup(entry, partition, this.enterprise, this.list(partition, 'sameness-group'));
        return entry;
      default:
        validatePeeringKinds(entry, partition, this.enterprise);
        return entry;
    }
  }

  /** Decodes, normalizes, validates and stores an entry; returns it. */
  put(body: unknown, partition: string): ConfigEntry {
    const decoded = normaliseKeys(body) as Record<string, unknown>;
    const kind = String(decoded.Kind ?? '');
    if (!(CONFIG_KINDS as readonly string[]).includes(kind)) {
      throw new ConfigEntryError(400, `invalid config entry kind: ${kind}`);
    }
    // The mesh entry has a fixed name, whatever the body says.
    const name = kind === 'mesh' ? 'mesh' : String(decoded.Name ?? '');
    if (name === '') throw new ConfigEntryError(500, 'Name is required');
    const namespace = namespaceOf(decoded, this.enterprise);
    const raw: Record<string, unknown> = { ...decoded, Kind: kind, Name: name };
    for (const field of ['Partition', 'Namespace', 'CreateIndex', 'ModifyIndex', 'Hash']) delete raw[field];
    const entry = this.check(raw, partition);
    const key = ConfigEntryStore.key(partition, kind, name, namespace);
    let stored: ConfigEntry | undefined;
    this.store.touch('config', (index) => {
      stored = {
        ...entry,
        ...(this.enterprise ? { Partition: partition, Namespace: namespace } : {}),
        CreateIndex: this.entries.get(key)?.CreateIndex ?? index,
        ModifyIndex: index,
      } as ConfigEntry;
      this.entries.set(key, stored);
    });
    return stored as ConfigEntry;
  }

  /** One entry by kind and name (namespace `default` unless given). */
  get(partition: string, kind: string, name: string, namespace = 'default'): ConfigEntry | undefined {
    return this.entries.get(ConfigEntryStore.key(partition, kind, name, namespace));
  }

  /** The entries of a kind in a partition (one namespace when given, else all), by name. */
  list(partition: string, kind: string, namespace?: string): ConfigEntry[] {
    const prefix = `${partition}\u0000`;
    return [...this.entries.entries()]
      .filter(([key, e]) => key.startsWith(prefix) && e.Kind === kind)
      .filter(([, e]) => namespace === undefined || (e.Namespace ?? 'default') === namespace)
      .map(([, e]) => e)
      .sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** Removes an entry; absent entries are fine, as Consul's delete is idempotent. */
  delete(partition: string, kind: string, name: string, namespace = 'default'): void {
    const key = ConfigEntryStore.key(partition, kind, name, namespace);
    if (this.entries.has(key)) this.store.touch('config', () => this.entries.delete(key));
  }

  /** Whether the default partition's mesh entry sets Peering.PeerThroughMeshGateways. */
  peerThroughMeshGateways(): boolean {
    const mesh = this.get('default', 'mesh', 'mesh');
    return (
      (mesh?.Peering as { PeerThroughMeshGateways?: unknown } | undefined)?.PeerThroughMeshGateways === true
    );
  }

  /** The services a partition exports to a peer (`*` expanded by the caller). */
  exportedTo(partition: string, peer: string): string[] {
    const entry = this.get(partition, 'exported-services', partition);
    const services = (entry?.Services ?? []) as Array<{ Name: string; Consumers?: Array<{ Peer?: string }> }>;
    return services.filter((s) => (s.Consumers ?? []).some((c) => c.Peer === peer)).map((s) => s.Name);
  }
}
