/**
 * The consul-k8s custom resources (consul.hashicorp.com/v1alpha1) peering needs, with the schemas of
 * their CRDs: PeeringAcceptor, PeeringDialer, Mesh, ProxyDefaults, ExportedServices; the traffic
 * kinds (ServiceIntentions, ServiceResolver, SamenessGroup) are in traffic-resources.ts.
 */

import type { ResourceType, Schema } from '../resource-type.ts';
import { consulCrd as consul, syncStatus } from './consul-crd-base.ts';
import { bool, int, list, obj, opaque, str, topLevel } from './schema-helpers.ts';
import { trafficTypes } from './traffic-resources.ts';

const secretRef: Schema = obj({
  name: str('Name is the name of the secret generated.'),
  key: str('Key is the key of the secret generated.'),
  backend: str(
    'Backend is where the generated secret is stored. Currently supports the value: "kubernetes".',
  ),
});

const peeringSpec: Schema = obj(
  {
    peer: obj({ secret: secretRef }, undefined, 'Peer describes the information needed to create a peering.'),
  },
  ['peer'],
);

const peeringStatus: Schema = obj({
  ...syncStatus,
  latestPeeringVersion: int(
    'LatestPeeringVersion is the latest version of the resource that was reconciled.',
    'int64',
  ),
  secret: obj({
    ...secretRef.properties,
    resourceVersion: str('ResourceVersion is the resource version for the secret.'),
  }),
});

/** PeeringAcceptor: generates a peering token into a Secret. */
export const peeringAcceptorType: ResourceType = {
  ...consul,
  kind: 'PeeringAcceptor',
  plural: 'peeringacceptors',
  singular: 'peeringacceptor',
  shortNames: ['peering-acceptor'],
  schemaName: 'com.hashicorp.consul.v1alpha1.PeeringAcceptor',
  schema: topLevel('PeeringAcceptor is the Schema for the peeringacceptors API.', {
    spec: peeringSpec,
    status: peeringStatus,
  }),
};

/** PeeringDialer: establishes a peering from a token Secret. */
export const peeringDialerType: ResourceType = {
  ...consul,
  kind: 'PeeringDialer',
  plural: 'peeringdialers',
  singular: 'peeringdialer',
  shortNames: ['peering-dialer'],
  schemaName: 'com.hashicorp.consul.v1alpha1.PeeringDialer',
  schema: topLevel('PeeringDialer is the Schema for the peeringdialers API.', {
    spec: peeringSpec,
    status: peeringStatus,
  }),
};

const tlsDirection: Schema = obj({ tlsMinVersion: str(), tlsMaxVersion: str(), cipherSuites: list(str()) });

/** Mesh: the singleton `mesh` config entry. */
export const meshType: ResourceType = {
  ...consul,
  kind: 'Mesh',
  plural: 'meshes',
  singular: 'mesh',
  shortNames: [],
  schemaName: 'com.hashicorp.consul.v1alpha1.Mesh',
  schema: topLevel('Mesh is the Schema for the mesh API.', {
    spec: obj({
      transparentProxy: obj({ meshDestinationsOnly: bool() }),
      allowEnablingPermissiveMutualTLS: bool(),
      tls: obj({ incoming: tlsDirection, outgoing: tlsDirection }),
      http: obj({ sanitizeXForwardedClientCert: bool() }),
      peering: obj({
        peerThroughMeshGateways: bool(
          'PeerThroughMeshGateways determines whether peering traffic between control planes should flow through mesh gateways.',
        ),
      }),
    }),
    status: obj(syncStatus),
  }),
};

/** ProxyDefaults: the `global` proxy-defaults config entry. */
export const proxyDefaultsType: ResourceType = {
  ...consul,
  kind: 'ProxyDefaults',
  plural: 'proxydefaults',
  singular: 'proxydefaults',
  shortNames: ['proxy-defaults'],
  schemaName: 'com.hashicorp.consul.v1alpha1.ProxyDefaults',
  schema: topLevel('ProxyDefaults is the Schema for the proxydefaults API.', {
    spec: obj({
      mode: str('Mode can be one of "direct" or "transparent".'),
      transparentProxy: obj({ outboundListenerPort: int(), dialedDirectly: bool() }),
      mutualTLSMode: str(),
      config: opaque('Config is an arbitrary map of configuration values used by Connect proxies.'),
      meshGateway: obj({
        mode: str(
          'Mode is the mode that should be used for the upstream connection. One of remote, local, or none.',
        ),
      }),
      expose: obj({ checks: bool(), paths: list(opaque()) }),
      accessLogs: opaque(),
      envoyExtensions: list(opaque()),
      failoverPolicy: opaque(),
      prioritizeByLocality: opaque(),
    }),
    status: obj(syncStatus),
  }),
};

const consumer: Schema = obj({ peer: str(), partition: str(), samenessGroup: str() });

/** ExportedServices: which services are exported to which peers. */
export const exportedServicesType: ResourceType = {
  ...consul,
  kind: 'ExportedServices',
  plural: 'exportedservices',
  singular: 'exportedservices',
  shortNames: ['exported-services'],
  schemaName: 'com.hashicorp.consul.v1alpha1.ExportedServices',
  schema: topLevel('ExportedServices is the Schema for the exportedservices API.', {
    spec: obj({
      services: list(obj({ name: str(), namespace: str(), consumers: list(consumer) })),
    }),
    status: obj(syncStatus),
  }),
};

/** Every consul-k8s kind the emulator serves. */
export const consulTypes: readonly ResourceType[] = [
  peeringAcceptorType,
  peeringDialerType,
  meshType,
  proxyDefaultsType,
  exportedServicesType,
  ...trafficTypes,
];
