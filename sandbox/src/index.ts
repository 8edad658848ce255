/**
 * The sandbox package's entry point: what `meshpeer sandbox` and `meshpeer demo` load, only when they
 * run. Tests and benchmarks import the modules they need directly.
 */

export { type LocalRedis, startLocalRedis } from './local-redis.ts';
export { kubeConfigForContext, RunbookClient } from './runbook-client.ts';
export { Sandbox, type SandboxOptions, type ServiceHealthStatus } from './sandbox.ts';
export {
  defaultSandboxConfig,
  type InstallOptions,
  loadSandboxConfig,
  type SandboxConfig,
  sandboxConfigFromTopology,
} from './sandbox-config.ts';
export type {
  ChainTarget,
  InstanceIdentity,
  SandboxTraffic,
  TrafficFailure,
  TrafficRequest,
  TrafficResult,
} from './traffic/sandbox-traffic.ts';
