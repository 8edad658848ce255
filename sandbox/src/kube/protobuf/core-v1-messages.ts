/**
 * The protobuf messages kubectl sends for the built-in kinds the emulator decodes (Secret, ConfigMap,
 * Namespace, Service), with the field numbers of k8s.io/api core/v1/generated.proto and
 * k8s.io/apimachinery pkg/apis/meta/v1, pkg/util/intstr and pkg/runtime generated.proto.
 * ObjectMeta.managedFields (17) is left out: clients do not send it on create and the server
 * rewrites it anyway.
 */
import type { MessageSpec } from './wire-message.ts';

/** runtime.TypeMeta {apiVersion=1, kind=2}. */
const typeMeta: MessageSpec = {
  name: 'TypeMeta',
  fields: { 1: { json: 'apiVersion', type: 'string' }, 2: { json: 'kind', type: 'string' } },
};

/** runtime.Unknown, the envelope after the `k8s\0` magic. */
export const unknownEnvelope: MessageSpec = {
  name: 'Unknown',
  fields: {
    1: { json: 'typeMeta', type: typeMeta },
    2: { json: 'raw', type: 'raw' },
    3: { json: 'contentEncoding', type: 'string' },
    4: { json: 'contentType', type: 'string' },
  },
};

const ownerReference: MessageSpec = {
  name: 'OwnerReference',
  fields: {
    1: { json: 'kind', type: 'string' },
    3: { json: 'name', type: 'string' },
    4: { json: 'uid', type: 'string' },
    5: { json: 'apiVersion', type: 'string' },
    6: { json: 'controller', type: 'bool', presence: true },
    7: { json: 'blockOwnerDeletion', type: 'bool', presence: true },
  },
};

const objectMeta: MessageSpec = {
  name: 'ObjectMeta',
  fields: {
    1: { json: 'name', type: 'string' },
    2: { json: 'generateName', type: 'string' },
    3: { json: 'namespace', type: 'string' },
    4: { json: 'selfLink', type: 'string' },
    5: { json: 'uid', type: 'string' },
    6: { json: 'resourceVersion', type: 'string' },
    7: { json: 'generation', type: 'int64' },
    8: { json: 'creationTimestamp', type: 'time' },
    9: { json: 'deletionTimestamp', type: 'time' },
    10: { json: 'deletionGracePeriodSeconds', type: 'int64', presence: true },
    11: { json: 'labels', type: 'string', map: 'string' },
    12: { json: 'annotations', type: 'string', map: 'string' },
    13: { json: 'ownerReferences', type: ownerReference, repeated: true },
    14: { json: 'finalizers', type: 'string', repeated: true },
  },
};

const secret: MessageSpec = {
  name: 'Secret',
  fields: {
    1: { json: 'metadata', type: objectMeta },
    2: { json: 'data', type: 'bytes', map: 'bytes' },
    3: { json: 'type', type: 'string' },
    4: { json: 'stringData', type: 'string', map: 'string' },
    5: { json: 'immutable', type: 'bool', presence: true },
  },
};

const configMap: MessageSpec = {
  name: 'ConfigMap',
  fields: {
    1: { json: 'metadata', type: objectMeta },
    2: { json: 'data', type: 'string', map: 'string' },
    3: { json: 'binaryData', type: 'bytes', map: 'bytes' },
    4: { json: 'immutable', type: 'bool', presence: true },
  },
};

const namespaceCondition: MessageSpec = {
  name: 'NamespaceCondition',
  fields: {
    1: { json: 'type', type: 'string' },
    2: { json: 'status', type: 'string' },
    4: { json: 'lastTransitionTime', type: 'time' },
    5: { json: 'reason', type: 'string' },
    6: { json: 'message', type: 'string' },
  },
};

const namespace: MessageSpec = {
  name: 'Namespace',
  fields: {
    1: { json: 'metadata', type: objectMeta },
    2: {
      json: 'spec',
      type: { name: 'NamespaceSpec', fields: { 1: { json: 'finalizers', type: 'string', repeated: true } } },
    },
    3: {
      json: 'status',
      type: {
        name: 'NamespaceStatus',
        fields: {
          1: { json: 'phase', type: 'string' },
          2: { json: 'conditions', type: namespaceCondition, repeated: true },
        },
      },
    },
  },
};

const servicePort: MessageSpec = {
  name: 'ServicePort',
  fields: {
    1: { json: 'name', type: 'string' },
    2: { json: 'protocol', type: 'string' },
    3: { json: 'port', type: 'int32' },
    4: { json: 'targetPort', type: 'intOrString' },
    5: { json: 'nodePort', type: 'int32' },
    6: { json: 'appProtocol', type: 'string', presence: true },
  },
};

const sessionAffinityConfig: MessageSpec = {
  name: 'SessionAffinityConfig',
  fields: {
    1: {
      json: 'clientIP',
      type: {
        name: 'ClientIPConfig',
        fields: { 1: { json: 'timeoutSeconds', type: 'int32', presence: true } },
      },
    },
  },
};

// ServiceStatus (3) is left out: the server ignores the status of a created Service.
const serviceSpec: MessageSpec = {
  name: 'ServiceSpec',
  fields: {
    1: { json: 'ports', type: servicePort, repeated: true },
    2: { json: 'selector', type: 'string', map: 'string' },
    3: { json: 'clusterIP', type: 'string' },
    4: { json: 'type', type: 'string' },
    5: { json: 'externalIPs', type: 'string', repeated: true },
    7: { json: 'sessionAffinity', type: 'string' },
    8: { json: 'loadBalancerIP', type: 'string' },
    9: { json: 'loadBalancerSourceRanges', type: 'string', repeated: true },
    10: { json: 'externalName', type: 'string' },
    11: { json: 'externalTrafficPolicy', type: 'string' },
    12: { json: 'healthCheckNodePort', type: 'int32' },
    13: { json: 'publishNotReadyAddresses', type: 'bool' },
    14: { json: 'sessionAffinityConfig', type: sessionAffinityConfig },
    17: { json: 'ipFamilyPolicy', type: 'string', presence: true },
    18: { json: 'clusterIPs', type: 'string', repeated: true },
    19: { json: 'ipFamilies', type: 'string', repeated: true },
    20: { json: 'allocateLoadBalancerNodePorts', type: 'bool', presence: true },
    21: { json: 'loadBalancerClass', type: 'string', presence: true },
    22: { json: 'internalTrafficPolicy', type: 'string', presence: true },
    23: { json: 'trafficDistribution', type: 'string', presence: true },
  },
};

const service: MessageSpec = {
  name: 'Service',
  fields: { 1: { json: 'metadata', type: objectMeta }, 2: { json: 'spec', type: serviceSpec } },
};

/** The v1 kinds whose protobuf bodies the emulator decodes, by kind. */
export const coreV1Messages: Readonly<Record<string, MessageSpec>> = {
  Secret: secret,
  ConfigMap: configMap,
  Namespace: namespace,
  Service: service,
};
