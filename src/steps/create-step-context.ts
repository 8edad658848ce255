/** Builds the StepContext executors run with: cluster clients, installs, Consul clients with meshpeer's token. */

import { defaultConsulConnector, readSecretValue } from '../consul/consul-access.ts';
import type { ConsulClient } from '../consul/consul-client.ts';
import { installDirectory } from '../consul/install-directory.ts';
import type { ClusterClient } from '../kube/cluster-client.ts';
import { type AclSpec, aclTokenRef, type ClusterSpec } from '../topology/index.ts';
import type { StepContext } from './step-context.ts';

/** Caches one promise per cluster; a failed one is forgotten so the next call tries again. */
function perCluster<T>(make: (name: string) => Promise<T>): (name: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (name) => {
    let value = cache.get(name);
    if (value === undefined) {
      value = make(name);
      value.catch(() => cache.delete(name));
      cache.set(name, value);
    }
    return value;
  };
}

/** A StepContext over the given installs; installs and Consul clients are resolved once per install. */
export function createStepContext(
  specs: readonly ClusterSpec[],
  acls: AclSpec,
  clients: (cluster: string) => ClusterClient,
): StepContext {
  const installs = installDirectory(specs, clients);
  const consul = perCluster<ConsulClient>(async (name) => {
    const target = await installs.consulTarget(name);
    const ref = aclTokenRef(target.spec);
    const token = acls.enabled && ref ? await readSecretValue(target.kube, ref) : undefined;
    return defaultConsulConnector(target, token);
  });
  return {
    cluster: clients,
    spec: installs.spec,
    install: installs.install,
    consul,
    acls,
    now: () => Date.now(),
  };
}
