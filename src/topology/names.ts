/**
 * Name rules peerings.yaml has to obey: Consul peer names and Kubernetes object names. Each check
 * returns a sentence that says what is wrong and how to fix it, or undefined when the name is fine.
 */

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Consul peer names (and so cluster names) are lowercase DNS labels of at most 63 characters. */
export function peerNameProblem(name: string): string | undefined {
  if (dnsLabel.test(name)) return undefined;
  if (name.length > 63)
    return `"${name}" is ${name.length} characters long; Consul peer names allow at most 63`;
  if (name.includes('.'))
    return `"${name}" contains a dot; Consul peer names are DNS labels (a-z, 0-9 and -)`;
  return `"${name}" is not a valid Consul peer name: use lowercase letters, digits and -, starting and ending with a letter or digit`;
}

/** Kubernetes namespaces are RFC 1123 DNS labels. */
export function namespaceProblem(name: string): string | undefined {
  if (dnsLabel.test(name)) return undefined;
  return `"${name}" is not a valid Kubernetes namespace: use at most 63 lowercase letters, digits and -, starting and ending with a letter or digit`;
}

/** Kubernetes Secret names are RFC 1123 DNS subdomains of at most 253 characters. */
export function secretNameProblem(name: string): string | undefined {
  if (name.length <= 253 && dnsSubdomain.test(name)) return undefined;
  return `"${name}" is not a valid Kubernetes Secret name: use at most 253 lowercase letters, digits, - and ., starting and ending with a letter or digit`;
}

/** Secret data keys allow letters, digits, -, _ and . (Kubernetes' ConfigMap/Secret key rule). */
export function secretKeyProblem(key: string): string | undefined {
  if (/^[-._a-zA-Z0-9]+$/.test(key) && key.length <= 253) return undefined;
  return `"${key}" is not a valid Secret key: use letters, digits, -, _ and .`;
}

/** Joins a cluster name and a non-default partition into a default peer name (`cluster-02-ap1`). */
export function defaultPeerName(cluster: string, partition: string): string {
  return partition === 'default' ? cluster : `${cluster}-${partition}`;
}

/** A sameness group names a SamenessGroup resource, so it follows the same DNS label rule. */
export function samenessGroupNameProblem(name: string): string | undefined {
  if (dnsLabel.test(name)) return undefined;
  return `"${name}" is not a valid sameness group name: it names a SamenessGroup resource, so use at most 63 lowercase letters, digits and -, starting and ending with a letter or digit`;
}
