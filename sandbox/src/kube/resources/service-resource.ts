/** core/v1 Service as the emulator serves it: defaulting, validation and printer columns. */
import { createHash } from 'node:crypto';
import type { FieldError, ResourceType, Schema } from '../resource-type.ts';
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import {
  ageColumn,
  bool,
  int,
  list,
  nameColumn,
  obj,
  opaque,
  str,
  stringMap,
  topLevel,
} from './schema-helpers.ts';

const servicePort: Schema = obj(
  {
    name: str(),
    protocol: str(),
    appProtocol: str(),
    port: int('The port that will be exposed by this service.'),
    targetPort: { 'x-kubernetes-int-or-string': true, description: 'Port on the pods.' },
    nodePort: int(),
  },
  ['port'],
);

const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

/** A stable fake cluster IP in 10.96.0.0/16 derived from namespace/name. */
function clusterIpFor(o: StoredObject): string {
  const digest = createHash('sha256').update(`${o.metadata.namespace}/${o.metadata.name}`).digest();
  return `10.96.${digest[0] ?? 0}.${((digest[1] ?? 0) % 253) + 1}`;
}

function defaultService(o: StoredObject): void {
  const spec = isRecord(o.spec) ? o.spec : {};
  o.spec = spec;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    spec.clusterIP ??= clusterIpFor(o);
    spec.clusterIPs ??= [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports) {
      if (!isRecord(port)) continue;
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
    }
  }
  o.status ??= { loadBalancer: {} };
}

/** Port names, as kubernetes pkg/apis/core/validation validateServicePort checks them: required with several ports, unique. */
function portNameErrors(ports: unknown[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, port] of ports.entries()) {
    const name = isRecord(port) && typeof port.name === 'string' ? port.name : '';
    const field = `spec.ports[${i}].name`;
    if (name === '') {
      if (ports.length > 1) errors.push({ type: 'FieldValueRequired', field, message: 'Required value' });
    } else if (seen.has(name)) {
      errors.push({ type: 'FieldValueDuplicate', field, message: `Duplicate value: "${name}"` });
    } else seen.add(name);
  }
  return errors;
}

function validateService(o: StoredObject): FieldError[] {
  const errors: FieldError[] = [];
  const type = getPath(o, ['spec', 'type']);
  if (!serviceTypes.includes(String(type))) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.type',
      message: `Unsupported value: "${String(type)}": supported values: "${serviceTypes.join('", "')}"`,
    });
  }
  const ports = getPath(o, ['spec', 'ports']);
  if (type !== 'ExternalName' && (!Array.isArray(ports) || ports.length === 0)) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.ports', message: 'Required value' });
  }
  errors.push(...portNameErrors(Array.isArray(ports) ? ports : []));
  for (const [i, port] of (Array.isArray(ports) ? ports : []).entries()) {
    const n = isRecord(port) ? port.port : undefined;
    if (typeof n !== 'number' || n < 1 || n > 65535) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `spec.ports[${i}].port`,
        message: `Invalid value: ${String(n)}: must be between 1 and 65535, inclusive`,
      });
    }
  }
  return errors;
}

/** core/v1 Service: the sandbox proxies to endpoints registered for it. */
export const serviceType: ResourceType = {
  group: '',
  version: 'v1',
  builtIn: true,
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  hasStatus: true,
  tracksGeneration: false,
  nameRule: 'dns1035',
  schemaName: 'io.k8s.api.core.v1.Service',
  schema: topLevel('Service is a named abstraction of software service.', {
    spec: obj({
      type: str('ClusterIP, NodePort, LoadBalancer or ExternalName.'),
      ports: list(servicePort),
      selector: stringMap(),
      clusterIP: str(),
      clusterIPs: list(str()),
      externalName: str(),
      externalIPs: list(str()),
      sessionAffinity: str(),
      ipFamilies: list(str()),
      ipFamilyPolicy: str(),
      internalTrafficPolicy: str(),
      externalTrafficPolicy: str(),
      loadBalancerIP: str(),
      publishNotReadyAddresses: bool(),
    }),
    status: opaque(),
  }),
  columns: [
    nameColumn,
    {
      name: 'Type',
      type: 'string',
      description: 'Service type.',
      cell: (o) => String(getPath(o, ['spec', 'type']) ?? ''),
    },
    {
      name: 'Cluster-IP',
      type: 'string',
      description: 'Cluster IP.',
      cell: (o) => String(getPath(o, ['spec', 'clusterIP']) ?? '<none>'),
    },
    { name: 'External-IP', type: 'string', description: 'External IPs.', cell: () => '<none>' },
    { name: 'Port(s)', type: 'string', description: 'Ports.', cell: (o) => portsCell(o) },
    ageColumn,
  ],
  defaults: defaultService,
  validate: validateService,
};

function portsCell(o: StoredObject): string {
  const ports = getPath(o, ['spec', 'ports']);
  if (!Array.isArray(ports) || ports.length === 0) return '<none>';
  // As kubernetes pkg/printers/internalversion makePortString: PORT[:NODEPORT]/PROTOCOL.
  return ports
    .filter(isRecord)
    .map((p) => {
      const node = typeof p.nodePort === 'number' && p.nodePort > 0 ? `:${p.nodePort}` : '';
      return `${String(p.port)}${node}/${String(p.protocol ?? 'TCP')}`;
    })
    .join(',');
}
