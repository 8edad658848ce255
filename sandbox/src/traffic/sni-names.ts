/**
 * The TLS server names Consul's data plane routes by (hashicorp/consul agent/connect/sni.go):
 * ServiceSNI `<service>.<namespace>[.<partition>].<datacenter>.internal[-v1].<trust-domain>` for a
 * service of the local cluster, and PeeredServiceSNI
 * `<service>.<namespace>.<partition>.<peer>.external.<trust-domain>` for a service exported to a
 * peer, where `peer` is the name the EXPORTING cluster knows the importer by and the trust domain
 * and partition are the exporter's.
 */

/** `ServiceSNI` without a subset. */
export function serviceSni(
  service: string,
  namespace: string,
  partition: string,
  datacenter: string,
  trustDomain: string,
): string {
  const ns = namespace || 'default';
  const ap = partition || 'default';
  return ap === 'default'
    ? [service, ns, datacenter, 'internal', trustDomain].join('.')
    : [service, ns, ap, datacenter, 'internal-v1', trustDomain].join('.');
}

/** The parts of a peered service's server name. */
export interface PeeredSni {
  readonly service: string;
  readonly namespace: string;
  readonly partition: string;
  readonly peer: string;
  readonly trustDomain: string;
}

/** `PeeredServiceSNI`. */
export function peeredServiceSni(sni: PeeredSni): string {
  const ns = sni.namespace || 'default';
  const ap = sni.partition || 'default';
  return [sni.service, ns, ap, sni.peer, 'external', sni.trustDomain].join('.');
}

/** Splits a peered service's server name into its parts; undefined for any other name. */
export function parsePeeredSni(serverName: string): PeeredSni | undefined {
  const at = serverName.indexOf('.external.');
  if (at < 0) return undefined;
  const head = serverName.slice(0, at).split('.');
  const trustDomain = serverName.slice(at + '.external.'.length);
  if (head.length !== 4 || head.some((part) => part === '') || trustDomain === '') return undefined;
  const [service = '', namespace = '', partition = '', peer = ''] = head;
  return { service, namespace, partition, peer, trustDomain };
}
