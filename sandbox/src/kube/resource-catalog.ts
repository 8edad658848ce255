/** The set of kinds one emulator serves, indexed the ways requests look them up. */

import { apiVersionOf, type ResourceType } from './resource-type.ts';
import { horizontalPodAutoscalerType } from './resources/autoscaling-resources.ts';
import { consulTypes } from './resources/consul-resources.ts';
import { configMapType, eventType, namespaceType, secretType } from './resources/core-resources.ts';
import { clusterRoleBindingType, roleBindingType } from './resources/rbac-binding-resources.ts';
import { clusterRoleType, roleType } from './resources/rbac-resources.ts';
import { serviceAccountType } from './resources/service-account-resource.ts';
import { serviceType } from './resources/service-resource.ts';
import { statefulSetType } from './resources/stateful-set-resource.ts';
import { deploymentType } from './resources/workload-resources.ts';

/** Lookup tables over a fixed list of resource types. */
export class ResourceCatalog {
  private readonly byPlural = new Map<string, ResourceType>();
  private readonly byKindKey = new Map<string, ResourceType>();

  constructor(readonly types: readonly ResourceType[]) {
    for (const rt of types) {
      this.byPlural.set(`${apiVersionOf(rt)}/${rt.plural}`, rt);
      this.byKindKey.set(`${apiVersionOf(rt)}/${rt.kind}`, rt);
    }
  }

  /** The type served at /api(s)/GROUP/VERSION/PLURAL, if any. */
  byResource(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPlural.get(`${group === '' ? version : `${group}/${version}`}/${plural}`);
  }

  /** The type of an apiVersion + kind pair, if any. */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKindKey.get(`${apiVersion}/${kind}`);
  }

  /** Like byKind but throws a readable error, for in-process callers. */
  require(apiVersion: string, kind: string): ResourceType {
    const rt = this.byKind(apiVersion, kind);
    if (rt === undefined) throw new Error(`the sandbox does not serve ${kind} in ${apiVersion}`);
    return rt;
  }

  /** Distinct group/versions in serving order, core first. */
  groupVersions(): Array<{ group: string; version: string }> {
    const seen = new Map<string, { group: string; version: string }>();
    for (const rt of this.types) seen.set(apiVersionOf(rt), { group: rt.group, version: rt.version });
    return [...seen.values()];
  }

  /** The types of one group/version. */
  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.types.filter((rt) => rt.group === group && rt.version === version);
  }
}

/** The default catalog: core, apps, autoscaling, RBAC and consul-k8s kinds (what meshpeer's chart installs, too). */
export function defaultCatalog(): ResourceCatalog {
  return new ResourceCatalog([
    namespaceType,
    secretType,
    configMapType,
    serviceType,
    eventType,
    serviceAccountType,
    deploymentType,
    statefulSetType,
    horizontalPodAutoscalerType,
    roleType,
    clusterRoleType,
    roleBindingType,
    clusterRoleBindingType,
    ...consulTypes,
  ]);
}
