/**
 * consul-k8s's controllers of one install, started when the chart runs the connect-injector
 * (`connectInject.enabled`): they act in the install's one partition, against its datacenter's
 * servers, with the injector's ACL token when ACLs are managed.
 */
import type { SimulatedConsul } from './consul/consul-server.ts';
import { ConsulK8sControllers } from './controllers/consul-k8s-controllers.ts';
import type { SandboxCluster } from './sandbox-cluster.ts';
import type { ClusterInstall, SandboxClusterConfig } from './sandbox-cluster-config.ts';

/** Starts and attaches the controllers, or returns undefined when the install runs none. */
export function startInstallControllers(
  cluster: SandboxCluster,
  config: SandboxClusterConfig,
  install: ClusterInstall,
  consul: SimulatedConsul,
  settings: { readonly controllers: { readonly resyncMs: number }; readonly log?: (line: string) => void },
  token?: string,
): ConsulK8sControllers | undefined {
  if (!install.switches.connectInjectEnabled) return undefined;
  const controllers = ConsulK8sControllers.start({
    objects: cluster.objects,
    consulUrl: () => consul.apiUrl,
    ...(consul.apiCaPem !== undefined && { consulCa: consul.apiCaPem }),
    ...(token !== undefined && { token }),
    datacenter: config.datacenter,
    enterprise: config.enterprise,
    partition: config.partition,
    peering: install.switches.peeringEnabled,
    resyncMs: settings.controllers.resyncMs,
    ...(settings.log !== undefined && { log: settings.log }),
  });
  cluster.attach(controllers);
  return controllers;
}
