/**
 * Finds a cluster's Consul install: the Helm release Secret when there is one, else the values
 * declared in peerings.yaml, else what the chart's objects show (installs made with
 * `helm template`, as Argo CD and Flux post-renderers do, have no release Secret).
 */

import type { InstallFacts } from '../resources/consul-chart.ts';
import type { ClusterSpec } from '../topology/index.ts';
import type { ClusterReader } from './cluster-client.ts';
import { installFromRelease, latestDeployed } from './helm-release.ts';
import { inferInstall, installFromDeclared } from './install-inference.ts';

/** The install of `spec`'s release, or undefined when nothing of it can be found. */
export async function readInstall(spec: ClusterSpec, kube: ClusterReader): Promise<InstallFacts | undefined> {
  const { namespace, release, fullname, helmValues } = spec.consul;
  const secrets = await kube.list('v1', 'Secret', namespace, `owner=helm,name=${release}`);
  const deployed = latestDeployed(secrets);
  if (deployed !== undefined) return installFromRelease(deployed, fullname);
  if (helmValues !== undefined) return installFromDeclared(release, helmValues, fullname);
  // The chart labels every object with `release: <release name>`.
  const [services, deployments] = await Promise.all([
    kube.list('v1', 'Service', namespace, `release=${release}`),
    kube.list('apps/v1', 'Deployment', namespace, `release=${release}`),
  ]);
  return inferInstall(release, { services, deployments }, fullname);
}
