/** Builds the StepContext executors run with: cluster clients, Consul clients with meshpeer's token. */
import type { ConsulClient } from '../consul/consul-client.ts';
import type { ClusterClient } from '../kube/cluster-client.ts';
import { defaultConsulConnector, readSecretValue } from '../observe/index.ts';
import type { StepContext } from '../steps/step-context.ts';
import { type AclSpec, aclTokenRef, type ClusterSpec } from '../topology/index.ts';

/** A StepContext over the given clusters; Consul clients are created once per cluster. */
export function createStepContext(
  specs: readonly ClusterSpec[],
  acls: AclSpec,
  clients: (cluster: string) => ClusterClient,
): StepContext {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const consuls = new Map<string, Promise<ConsulClient>>();
  const spec = (name: string): ClusterSpec => {
    const found = byName.get(name);
    if (found === undefined) throw new TypeError(`cluster ${name} is not part of this run`);
    return found;
  };
  const connect = async (name: string): Promise<ConsulClient> => {
    const s = spec(name);
    const kube = clients(name);
    const ref = aclTokenRef(s);
    const token = acls.enabled && ref ? await readSecretValue(kube, ref) : undefined;
    return defaultConsulConnector(s, kube, token);
  };
  return {
    cluster: clients,
    spec,
    acls,
    now: () => Date.now(),
    consul(name) {
      let client = consuls.get(name);
      if (client === undefined) {
        client = connect(name);
        // A failed token read must not be cached forever: the next call tries again.
        client.catch(() => consuls.delete(name));
        consuls.set(name, client);
      }
      return client;
    },
  };
}
