/** Builds the StepContext executors run with: cluster clients, installs, Consul clients with meshpeer's token. */
import type { ConsulClient } from '../consul/consul-client.ts';
import type { ClusterClient } from '../kube/cluster-client.ts';
import type { InstallFacts } from '../kube/consul-chart.ts';
import { defaultConsulConnector, readInstall, readSecretValue } from '../observe/index.ts';
import type { StepContext } from '../steps/step-context.ts';
import { type AclSpec, aclTokenRef, type ClusterSpec } from '../topology/index.ts';

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

/** A StepContext over the given clusters; installs and Consul clients are resolved once per cluster. */
export function createStepContext(
  specs: readonly ClusterSpec[],
  acls: AclSpec,
  clients: (cluster: string) => ClusterClient,
): StepContext {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const spec = (name: string): ClusterSpec => {
    const found = byName.get(name);
    if (found === undefined) throw new TypeError(`cluster ${name} is not part of this run`);
    return found;
  };
  const install = perCluster<InstallFacts | undefined>((name) => readInstall(spec(name), clients(name)));
  const consul = perCluster<ConsulClient>(async (name) => {
    const s = spec(name);
    const kube = clients(name);
    const ref = aclTokenRef(s);
    const token = acls.enabled && ref ? await readSecretValue(kube, ref) : undefined;
    return defaultConsulConnector(s, await install(name), kube, token);
  });
  return { cluster: clients, spec, install, consul, acls, now: () => Date.now() };
}
