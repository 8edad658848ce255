/**
 * Catalog and health JSON as Consul's HTTP API writes it (`structs.CheckServiceNode` for
 * `/v1/health/service`, `structs.ServiceNode` for `/v1/catalog/service`), from the replication
 * shape; imported instances carry PeerName.
 */
import type { CheckServiceNode } from '../peering/index.ts';

function scope(enterprise: boolean, partition: string): Record<string, string> {
  return enterprise ? { Partition: partition, Namespace: 'default' } : {};
}

/** One `/v1/health/service/:svc` entry. */
export function healthEntry(
  node: CheckServiceNode,
  enterprise: boolean,
  partition: string,
): Record<string, unknown> {
  const n = node.Node;
  const s = node.Service;
  const peer = s?.PeerName ?? '';
  return {
    Node: {
      ID: n?.ID ?? '',
      Node: n?.Node ?? '',
      Address: n?.Address ?? '',
      Datacenter: n?.Datacenter ?? '',
      TaggedAddresses: n?.TaggedAddresses ?? {},
      Meta: n?.Meta ?? {},
      ...(enterprise && { Partition: partition }),
      ...(peer !== '' && { PeerName: peer }),
      CreateIndex: 0,
      ModifyIndex: 0,
    },
    Service: {
      Kind: s?.Kind ?? '',
      ID: s?.ID ?? '',
      Service: s?.Service ?? '',
      Tags: s?.Tags ?? [],
      Address: s?.Address ?? '',
      Meta: s?.Meta ?? {},
      Port: s?.Port ?? 0,
      Weights: { Passing: s?.Weights?.Passing ?? 1, Warning: s?.Weights?.Warning ?? 1 },
      EnableTagOverride: s?.EnableTagOverride ?? false,
      ...(peer !== '' && { PeerName: peer }),
      ...scope(enterprise, partition),
      CreateIndex: 0,
      ModifyIndex: 0,
    },
    Checks: node.Checks.map((check) => ({
      Node: check.Node,
      CheckID: check.CheckID,
      Name: check.Name,
      Status: check.Status,
      Notes: check.Notes,
      Output: check.Output,
      ServiceID: check.ServiceID,
      ServiceName: check.ServiceName,
      ServiceTags: check.ServiceTags,
      Type: check.Type,
      ...(check.PeerName !== '' && { PeerName: check.PeerName }),
      ...scope(enterprise, partition),
      CreateIndex: 0,
      ModifyIndex: 0,
    })),
  };
}

/** One `/v1/catalog/service/:svc` entry. */
export function catalogEntry(
  node: CheckServiceNode,
  enterprise: boolean,
  partition: string,
): Record<string, unknown> {
  const n = node.Node;
  const s = node.Service;
  const peer = s?.PeerName ?? '';
  return {
    ID: n?.ID ?? '',
    Node: n?.Node ?? '',
    Address: n?.Address ?? '',
    Datacenter: n?.Datacenter ?? '',
    TaggedAddresses: n?.TaggedAddresses ?? {},
    NodeMeta: n?.Meta ?? {},
    ServiceKind: s?.Kind ?? '',
    ServiceID: s?.ID ?? '',
    ServiceName: s?.Service ?? '',
    ServiceTags: s?.Tags ?? [],
    ServiceAddress: s?.Address ?? '',
    ServiceWeights: { Passing: s?.Weights?.Passing ?? 1, Warning: s?.Weights?.Warning ?? 1 },
    ServiceMeta: s?.Meta ?? {},
    ServicePort: s?.Port ?? 0,
    ServiceEnableTagOverride: s?.EnableTagOverride ?? false,
    ...scope(enterprise, partition),
    ...(peer !== '' && { PeerName: peer }),
    CreateIndex: 0,
    ModifyIndex: 0,
  };
}

/** Whether every check of an instance passes (`?passing`). */
export function isPassing(node: CheckServiceNode): boolean {
  return node.Checks.every((check) => check.Status === 'passing');
}
