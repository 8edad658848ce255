/**
 * The SPIFFE ID of a service, as Consul's CA writes it into a leaf certificate's URI SAN
 * (hashicorp/consul agent/connect/uri_service.go SpiffeIDService.URI):
 * `spiffe://<trust-domain>[/ap/<partition>]/ns/<namespace>/dc/<datacenter>/svc/<service>`, the
 * partition segment only outside `default`.
 */

/** Who a service is, as its certificate says. */
export interface ServiceIdentity {
  readonly trustDomain: string;
  readonly partition: string;
  readonly namespace: string;
  readonly datacenter: string;
  readonly service: string;
}

/** The URI of a service identity. */
export function spiffeIdOf(id: ServiceIdentity): string {
  const ap = id.partition !== '' && id.partition !== 'default' ? `/ap/${id.partition}` : '';
  const ns = id.namespace === '' ? 'default' : id.namespace;
  return `spiffe://${id.trustDomain}${ap}/ns/${ns}/dc/${id.datacenter}/svc/${id.service}`;
}

const SERVICE_ID = /^spiffe:\/\/([^/]+)(?:\/ap\/([^/]+))?\/ns\/([^/]+)\/dc\/([^/]+)\/svc\/([^/]+)$/;

/** Parses a service SPIFFE ID; undefined for anything else (a gateway's or agent's ID, garbage). */
export function parseSpiffeId(uri: string): ServiceIdentity | undefined {
  const m = SERVICE_ID.exec(uri);
  if (m === null) return undefined;
  const [, trustDomain = '', partition = 'default', namespace = '', datacenter = '', service = ''] = m;
  return { trustDomain: trustDomain.toLowerCase(), partition, namespace, datacenter, service };
}

/** The URI SANs of a certificate's `subjectaltname` string (`URI:spiffe://..., DNS:...`). */
export function uriSans(subjectAltName: string | undefined): string[] {
  return (subjectAltName ?? '')
    .split(/,\s*/)
    .filter((san) => san.startsWith('URI:'))
    .map((san) => san.slice(4));
}
