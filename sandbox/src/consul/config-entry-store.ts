/**
 * Config entries of the kinds peering needs (`mesh`, `proxy-defaults`, `exported-services`), per
 * partition, with Consul's decoding (keys matched case-insensitively, snake_case accepted) and the
 * validation messages of the structs' `Validate` methods.
 */
import type { ConsulStore } from './consul-store.ts';

/** A stored config entry as the HTTP API returns it (Go field names). */
export type ConfigEntry = Readonly<Record<string, unknown>> & {
  readonly Kind: string;
  readonly Name: string;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
};

/** A refused config entry write or read, with the HTTP status Consul answers. */
export class ConfigEntryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The kinds this simulator stores. */
export const CONFIG_KINDS = ['mesh', 'proxy-defaults', 'exported-services'] as const;

const FIELDS = [
  'Kind',
  'Name',
  'Partition',
  'Namespace',
  'Meta',
  'Peering',
  'PeerThroughMeshGateways',
  'MeshGateway',
  'Mode',
  'Services',
  'Consumers',
  'Peer',
  'SamenessGroup',
  'Config',
  'TransparentProxy',
  'TLS',
  'HTTP',
  'AllowEnablingPermissiveMutualTLS',
  'MutualTLSMode',
  'Protocol',
  'Expose',
  'AccessLogs',
];

const canonical = new Map(FIELDS.map((f) => [f.toLowerCase(), f]));

/** Renames keys to Go field names, leaving Meta and Config maps alone. */
function normaliseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const name = canonical.get(key.replace(/_/g, '').toLowerCase()) ?? key;
    out[name] = name === 'Meta' || name === 'Config' ? inner : normaliseKeys(inner);
  }
  return out;
}

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

function validate(entry: Record<string, unknown>, partition: string, enterprise: boolean): void {
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

/** Config entries of all partitions. */
export class ConfigEntryStore {
  private readonly entries = new Map<string, ConfigEntry>();

  constructor(
    private readonly store: ConsulStore,
    private readonly enterprise: boolean,
  ) {}

  private static key(partition: string, kind: string, name: string): string {
    return `${partition}\u0000${kind}\u0000${name}`;
  }

  /** Decodes, validates and stores an entry; returns it. */
  put(body: unknown, partition: string): ConfigEntry {
    const decoded = normaliseKeys(body) as Record<string, unknown>;
    const kind = String(decoded.Kind ?? '');
    if (!(CONFIG_KINDS as readonly string[]).includes(kind)) {
      throw new ConfigEntryError(400, `invalid config entry kind: ${kind}`);
    }
    // The mesh entry has a fixed name, whatever the body says.
    const name = kind === 'mesh' ? 'mesh' : String(decoded.Name ?? '');
    if (name === '') throw new ConfigEntryError(500, 'Name is required');
    const entry: Record<string, unknown> = { ...decoded, Kind: kind, Name: name };
    delete entry.Partition;
    delete entry.CreateIndex;
    delete entry.ModifyIndex;
    validate(entry, partition, this.enterprise);
    const key = ConfigEntryStore.key(partition, kind, name);
    let stored: ConfigEntry | undefined;
    this.store.touch('config', (index) => {
      stored = {
        ...entry,
        ...(this.enterprise ? { Partition: partition, Namespace: 'default' } : {}),
        CreateIndex: this.entries.get(key)?.CreateIndex ?? index,
        ModifyIndex: index,
      } as ConfigEntry;
      this.entries.set(key, stored);
    });
    return stored as ConfigEntry;
  }

  get(partition: string, kind: string, name: string): ConfigEntry | undefined {
    return this.entries.get(ConfigEntryStore.key(partition, kind, name));
  }

  list(partition: string, kind: string): ConfigEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.Kind === kind && this.get(partition, kind, e.Name) === e)
      .sort((a, b) => a.Name.localeCompare(b.Name));
  }

  delete(partition: string, kind: string, name: string): void {
    const key = ConfigEntryStore.key(partition, kind, name);
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
