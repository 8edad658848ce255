/**
 * The desired-state model: peerings.yaml schema, loading with positioned errors, semantic rules
 * and the resolved Topology. Pure apart from reading the file; imports nothing that does I/O on
 * clusters, queues or the network.
 */
export { type Diagnostic, formatDiagnostic } from './diagnostic.ts';
export { installCount, installPath, placeKey, placeLabel } from './endpoint.ts';
export { explainTopology } from './explain.ts';
export { topologyJsonSchema } from './json-schema.ts';
export { type LoadResult, loadTopologyFile, parseTopology, TopologyReadError } from './load.ts';
export { API_VERSION, KIND, type TopologyFile } from './schema.ts';
export { aclTokenRef, meshGatewayTokenRef, type TokenRef } from './token-refs.ts';
export type {
  AclSpec,
  CaCertRef,
  ClusterSpec,
  Consumer,
  Endpoint,
  ExportSpec,
  FailoverSpec,
  IntentionSource,
  IntentionSpec,
  PeeringSpec,
  Place,
  SamenessGroupSpec,
  SamenessMember,
  Topology,
  VerifySpec,
} from './topology.ts';
