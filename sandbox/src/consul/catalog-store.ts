/**
 * The local catalog: the services configured at start (a few instances each), services registered
 * through `PUT /v1/catalog/register`, the `consul` service of the server itself and, once a gateway
 * address is set, the `mesh-gateway` service. Instances are kept as CheckServiceNodes, the shape
 * peering replicates.
 */
import { CheckServiceNode } from '../../../src/peering/generated/private/pbservice/node.ts';
import type { ConsulStore } from './consul-store.ts';

/** A health check status as Consul's API spells it. */
export type HealthStatus = 'passing' | 'warning' | 'critical';

/** A catalog service configured at start. */
export interface CatalogServiceSpec {
  readonly name: string;
  readonly partition?: string | undefined;
  readonly namespace?: string | undefined;
  readonly instances?: number | undefined;
}

/** A registration through the catalog API (`structs.RegisterRequest`, the fields used here). */
export interface CatalogRegistration {
  readonly Node: string;
  readonly Address: string;
  readonly Service?: {
    readonly ID?: string;
    readonly Service: string;
    readonly Kind?: string;
    readonly Tags?: readonly string[];
    readonly Address?: string;
    readonly Port?: number;
    readonly Meta?: Readonly<Record<string, string>>;
  };
}

interface Instance {
  readonly partition: string;
  readonly namespace: string;
  readonly node: CheckServiceNode;
}

/** Builds one passing instance. */
export function makeInstance(options: {
  readonly datacenter: string;
  readonly node: string;
  readonly address: string;
  readonly service: string;
  readonly id: string;
  readonly port: number;
  readonly kind?: string;
  readonly tags?: readonly string[];
  readonly meta?: Readonly<Record<string, string>>;
  readonly taggedAddresses?: Readonly<Record<string, string>>;
}): CheckServiceNode {
  return CheckServiceNode.fromPartial({
    Node: {
      ID: `${options.node}-id`,
      Node: options.node,
      Address: options.address,
      Datacenter: options.datacenter,
      TaggedAddresses: { lan: options.address, ...options.taggedAddresses },
    },
    Service: {
      Kind: options.kind ?? '',
      ID: options.id,
      Service: options.service,
      Tags: [...(options.tags ?? [])],
      Address: options.address,
      Port: options.port,
      Meta: { ...options.meta },
      Weights: { Passing: 1, Warning: 1 },
    },
    Checks: [
      {
        Node: options.node,
        CheckID: `${options.id}:overall-check`,
        Name: `Service '${options.service}' check`,
        Status: 'passing',
        ServiceID: options.id,
        ServiceName: options.service,
      },
    ],
  });
}

/** Local services by partition. */
export class CatalogStore {
  private instances: Instance[] = [];
  /** Services seeded so far: later seeds get addresses of their own. */
  private seeded = 0;

  constructor(
    private readonly store: ConsulStore,
    private readonly datacenter: string,
  ) {}

  /** Adds the configured services: instance i of the s-th service seeded runs on `node-<i>` at 10.0.<s>.<i+1>. */
  seed(specs: readonly CatalogServiceSpec[]): void {
    const first = this.seeded;
    this.seeded += specs.length;
    specs.forEach((spec, index) => {
      const s = first + index;
      for (let i = 0; i < (spec.instances ?? 2); i += 1) {
        const id = `${spec.name}-${i}`;
        const node = makeInstance({
          datacenter: this.datacenter,
          node: `node-${i}`,
          address: `10.0.${s + 1}.${i + 1}`,
          service: spec.name,
          id,
          port: 8080,
        });
        this.add(spec.partition ?? 'default', spec.namespace ?? 'default', node);
      }
    });
    this.store.touch('catalog');
  }

  /** Registers (or replaces by ID) one service instance. */
  register(partition: string, registration: CatalogRegistration): void {
    const service = registration.Service;
    if (service === undefined) return;
    const id = service.ID ?? service.Service;
    this.remove(partition, id);
    const node = makeInstance({
      datacenter: this.datacenter,
      node: registration.Node,
      address: service.Address || registration.Address,
      service: service.Service,
      id,
      port: service.Port ?? 0,
      ...(service.Kind !== undefined && { kind: service.Kind }),
      ...(service.Tags !== undefined && { tags: service.Tags }),
      ...(service.Meta !== undefined && { meta: service.Meta }),
    });
    this.add(partition, 'default', node);
    this.store.touch('catalog');
  }

  /** Removes an instance by service ID. */
  deregister(partition: string, serviceID: string): void {
    if (this.remove(partition, serviceID)) this.store.touch('catalog');
  }

  /** Replaces every instance of a service (used for `consul` and `mesh-gateway`). */
  replaceService(partition: string, name: string, nodes: readonly CheckServiceNode[]): void {
    this.instances = this.instances.filter(
      (i) => !(i.partition === partition && i.node.Service?.Service === name),
    );
    for (const node of nodes) this.add(partition, 'default', node);
    this.store.touch('catalog');
  }

  /**
   * Sets the status of every check of a service's instances in a partition (of one instance when
   * `serviceID` is given), as a failing or recovering health check would; returns how many
   * instances changed. Peerings exporting the service replicate the new checks.
   */
  setHealth(partition: string, service: string, status: HealthStatus, serviceID?: string): number {
    let changed = 0;
    this.instances = this.instances.map((i) => {
      const s = i.node.Service;
      if (i.partition !== partition || s?.Service !== service) return i;
      if (serviceID !== undefined && s.ID !== serviceID) return i;
      if (i.node.Checks.every((c) => c.Status === status)) return i;
      changed += 1;
      const output = status === 'passing' ? '' : `service ${service} marked ${status} by the sandbox`;
      const checks = i.node.Checks.map((c) => ({ ...c, Status: status, Output: output }));
      return { ...i, node: CheckServiceNode.fromPartial({ ...i.node, Checks: checks }) };
    });
    if (changed > 0) this.store.touch('catalog');
    return changed;
  }

  /** Instances of a service in a partition. */
  service(partition: string, name: string): CheckServiceNode[] {
    return this.instances
      .filter((i) => i.partition === partition && i.node.Service?.Service === name)
      .map((i) => i.node);
  }

  /** Service names with their tags, as `/v1/catalog/services` lists them (of one namespace when given). */
  services(partition: string, namespace?: string): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const i of this.instances) {
      if (i.partition !== partition || i.node.Service === undefined) continue;
      if (namespace !== undefined && i.namespace !== namespace) continue;
      const tags = new Set([...(out.get(i.node.Service.Service) ?? []), ...i.node.Service.Tags]);
      out.set(i.node.Service.Service, [...tags].sort());
    }
    return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  private add(partition: string, namespace: string, node: CheckServiceNode): void {
    this.instances.push({ partition, namespace, node });
  }

  private remove(partition: string, serviceID: string): boolean {
    const before = this.instances.length;
    this.instances = this.instances.filter(
      (i) => !(i.partition === partition && i.node.Service?.ID === serviceID),
    );
    return this.instances.length !== before;
  }
}
