/**
 * The consul-k8s CRDs for traffic between peers, with the schemas of the chart's
 * charts/consul/templates/crd-serviceintentions.yaml, crd-serviceresolvers.yaml and
 * crd-samenessgroups.yaml (field names and types; descriptions shortened), so server-side apply
 * with the real field names works and unknown fields are pruned as the API server prunes them.
 */
import type { ResourceType, Schema } from '../resource-type.ts';
import { consulCrd, syncStatus } from './consul-crd-base.ts';
import { bool, int, list, obj, str, topLevel } from './schema-helpers.ts';

const jwtRequirement: Schema = obj({
  providers: list(
    obj({
      name: str('Name is the name of the JWT provider.'),
      verifyClaims: list(obj({ path: list(str()), value: str() })),
    }),
  ),
});

const headerPermission: Schema = obj({
  contains: str(),
  exact: str(),
  ignoreCase: bool(),
  invert: bool(),
  name: str(),
  prefix: str(),
  present: bool(),
  regex: str(),
  suffix: str(),
});

const permission: Schema = obj({
  action: str('Action is one of "allow" or "deny".'),
  http: obj({
    header: list(headerPermission),
    methods: list(str()),
    pathExact: str(),
    pathPrefix: str(),
    pathRegex: str(),
  }),
  jwt: jwtRequirement,
});

const sourceIntention: Schema = obj({
  action: str('Action is required for an L4 intention, and should be set to one of "allow" or "deny".'),
  description: str('Description for the intention. This is not used by Consul.'),
  name: str('Name is the source of the intention. This is the name of a Consul service.'),
  namespace: str('The namespace for the Name parameter.'),
  partition: str('The Admin Partition for the Name parameter.'),
  peer: str('Peer is the name of the peer for the Name parameter.'),
  permissions: list(permission),
  samenessGroup: str('SamenessGroup is the name of the sameness group, if applicable.'),
});

/** ServiceIntentions: the `service-intentions` entry of `spec.destination.name`. */
export const serviceIntentionsType: ResourceType = {
  ...consulCrd,
  kind: 'ServiceIntentions',
  plural: 'serviceintentions',
  singular: 'serviceintentions',
  shortNames: ['service-intentions'],
  schemaName: 'com.hashicorp.consul.v1alpha1.ServiceIntentions',
  schema: topLevel('ServiceIntentions is the Schema for the serviceintentions API.', {
    spec: obj({
      destination: obj({ name: str(), namespace: str() }),
      jwt: jwtRequirement,
      sources: list(sourceIntention),
    }),
    status: obj(syncStatus),
  }),
};

const failoverTarget: Schema = obj({
  datacenter: str(),
  namespace: str(),
  partition: str(),
  peer: str('Peer is the name of the cluster peer to try during failover.'),
  service: str(),
  serviceSubset: str(),
});

const failover: Schema = obj({
  datacenters: list(str()),
  namespace: str(),
  policy: obj({ mode: str(), regions: list(str()) }),
  samenessGroup: str('SamenessGroup is the name of the sameness group to try during failover.'),
  service: str(),
  serviceSubset: str(),
  targets: list(failoverTarget, 'Targets specifies a fixed list of failover targets to try.'),
});

const loadBalancer: Schema = obj({
  hashPolicies: list(
    obj({
      cookieConfig: obj({ path: str(), session: bool(), ttl: str() }),
      field: str(),
      fieldValue: str(),
      sourceIP: bool(),
      terminal: bool(),
    }),
  ),
  leastRequestConfig: obj({ choiceCount: int() }),
  policy: str(),
  ringHashConfig: obj({ maximumRingSize: int('', 'int64'), minimumRingSize: int('', 'int64') }),
});

/** ServiceResolver: the `service-resolver` entry named after the resource. */
export const serviceResolverType: ResourceType = {
  ...consulCrd,
  kind: 'ServiceResolver',
  plural: 'serviceresolvers',
  singular: 'serviceresolver',
  shortNames: ['service-resolver'],
  schemaName: 'com.hashicorp.consul.v1alpha1.ServiceResolver',
  schema: topLevel('ServiceResolver is the Schema for the serviceresolvers API.', {
    spec: obj({
      connectTimeout: str('ConnectTimeout is the timeout for establishing new network connections.'),
      defaultSubset: str(),
      failover: {
        type: 'object',
        additionalProperties: failover,
        description: 'Failover by subset; * for any.',
      },
      loadBalancer,
      prioritizeByLocality: obj({ mode: str() }),
      redirect: obj({
        datacenter: str(),
        namespace: str(),
        partition: str(),
        peer: str(),
        samenessGroup: str(),
        service: str(),
        serviceSubset: str(),
      }),
      requestTimeout: str(),
      subsets: {
        type: 'object',
        additionalProperties: obj({ filter: str(), onlyPassing: bool() }),
        description: 'Subsets is map of subset name to subset definition.',
      },
    }),
    status: obj(syncStatus),
  }),
};

/** SamenessGroup: the `sameness-group` entry named after the resource (Enterprise). */
export const samenessGroupType: ResourceType = {
  ...consulCrd,
  kind: 'SamenessGroup',
  plural: 'samenessgroups',
  singular: 'samenessgroup',
  shortNames: ['sameness-group'],
  schemaName: 'com.hashicorp.consul.v1alpha1.SamenessGroup',
  schema: topLevel('SamenessGroup is the Schema for the samenessgroups API.', {
    spec: obj({
      defaultForFailover: bool(
        'DefaultForFailover indicates that upstream requests to members of the given sameness group will implicitly failover between members of this sameness group.',
      ),
      includeLocal: bool(
        'IncludeLocal is used to include the local partition as the first member of the sameness group.',
      ),
      members: list(obj({ partition: str(), peer: str() })),
    }),
    status: obj(syncStatus),
  }),
};

/** The traffic kinds the emulator serves. */
export const trafficTypes: readonly ResourceType[] = [
  serviceIntentionsType,
  serviceResolverType,
  samenessGroupType,
];
