/** Expands the `cluster` and `cluster/partition` shorthands of a peering endpoint. */
import { defaultPeerName } from './names.ts';
import type { Endpoint } from './topology.ts';

/** A peering endpoint as written in peerings.yaml. */
export type EndpointInput =
  | string
  | { cluster: string; partition?: string | undefined; peerName?: string | undefined };

/** Resolves an endpoint to cluster, partition, its install and the peer name the other side uses for it. */
export function resolveEndpoint(input: EndpointInput): Endpoint {
  if (typeof input === 'string') {
    const [cluster = '', partition = 'default'] = input.split('/', 2);
    return {
      cluster,
      partition,
      install: placeLabel(cluster, partition),
      peerName: defaultPeerName(cluster, partition),
    };
  }
  const partition = input.partition ?? 'default';
  return {
    cluster: input.cluster,
    partition,
    install: placeLabel(input.cluster, partition),
    peerName: input.peerName ?? defaultPeerName(input.cluster, partition),
  };
}

/**
 * How a place is shown to people, and the key of the install that serves it: the cluster, with
 * `/partition` unless it is the default one.
 */
export function placeLabel(cluster: string, partition: string): string {
  return partition === 'default' ? cluster : `${cluster}/${partition}`;
}

/** `cluster/partition`, the key meshpeer uses for a place that peers. */
export function placeKey(cluster: string, partition: string): string {
  return `${cluster}/${partition}`;
}

/** Where an install is declared in peerings.yaml, for fixes that name a field to change. */
export function installPath(install: { readonly cluster: string; readonly partition: string }): string {
  return install.partition === 'default'
    ? `clusters[${install.cluster}]`
    : `clusters[${install.cluster}].partitions[${install.partition}]`;
}

/** `2 clusters`, or `2 clusters, 5 installs` when partition installs are among the install keys. */
export function installCount(installs: readonly string[]): string {
  const clusters = new Set(installs.map((i) => i.split('/')[0])).size;
  return clusters === installs.length
    ? `${clusters} clusters`
    : `${clusters} clusters, ${installs.length} installs`;
}
