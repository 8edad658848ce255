/**
 * The Validate methods of consul-k8s's Mesh and ProxyDefaults (control-plane/api/v1alpha1
 * mesh_types.go, proxydefaults_types.go, shared_types.go). Simplified: the checks on fields meshpeer
 * and the runbook never set (Mesh http.incoming.requestNormalization; ProxyDefaults accessLogs,
 * expose, envoyExtensions, failoverPolicy, prioritizeByLocality) are left out.
 */
import { getPath, isRecord, type StoredObject } from '../stored-object.ts';
import type { ConsulInstall } from './consul-install.ts';
import { type FieldErrorText, forbiddenField, invalidField, invalidText } from './field-error-text.ts';

const group = 'consul.hashicorp.com';

function notInSlice(values: readonly string[]): string {
  return `must be one of "${values.join('", "')}"`;
}

const tlsVersions = ['TLS_AUTO', 'TLSv1_0', 'TLSv1_1', 'TLSv1_2', 'TLSv1_3', ''];

function tlsErrors(obj: StoredObject): FieldErrorText[] {
  const errors: FieldErrorText[] = [];
  for (const direction of ['incoming', 'outgoing']) {
    for (const key of ['tlsMaxVersion', 'tlsMinVersion']) {
      const value = getPath(obj, ['spec', 'tls', direction, key]);
      if (value !== undefined && !tlsVersions.includes(String(value)))
        errors.push(invalidField(`spec.tls.${direction}.${key}`, value, notInSlice(tlsVersions)));
    }
  }
  return errors;
}

/** Mesh.Validate's denial text, or undefined. */
export function meshDenial(obj: StoredObject, install: ConsulInstall): string | undefined {
  const errors = tlsErrors(obj);
  const through = getPath(obj, ['spec', 'peering', 'peerThroughMeshGateways']) === true;
  if (install.partitionsEnabled && through && install.partition !== 'default') {
    errors.push(
      forbiddenField(
        'spec.peering.peerThroughMeshGateways',
        '"peerThroughMeshGateways" is only valid in the "default" partition',
      ),
    );
  }
  return errors.length > 0 ? invalidText('mesh', group, obj.metadata.name ?? '', errors) : undefined;
}

const meshGatewayModes = ['remote', 'local', 'none', ''];
const mutualTlsModes = ['', 'strict', 'permissive'];

function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function proxyDefaultsErrors(obj: StoredObject): FieldErrorText[] {
  const errors: FieldErrorText[] = [];
  const gatewayMode = getPath(obj, ['spec', 'meshGateway', 'mode']);
  if (gatewayMode !== undefined && !meshGatewayModes.includes(String(gatewayMode)))
    errors.push(invalidField('spec.meshGateway.mode', gatewayMode, notInSlice(meshGatewayModes)));
  const outbound = getPath(obj, ['spec', 'transparentProxy', 'outboundListenerPort']);
  if (typeof outbound === 'number' && outbound !== 0) {
    errors.push(
      invalidField(
        'spec.transparentProxy.outboundListenerPort',
        outbound,
        'use the annotation `consul.hashicorp.com/transparent-proxy-outbound-listener-port` to configure the Outbound Listener Port',
      ),
    );
  }
  const mtls = getPath(obj, ['spec', 'mutualTLSMode']);
  if (mtls !== undefined && !mutualTlsModes.includes(String(mtls)))
    errors.push(invalidField('spec.mutualTLSMode', mtls, 'Must be one of "", "strict", or "permissive".'));
  const mode = getPath(obj, ['spec', 'mode']);
  if (mode !== undefined && mode !== null) {
    errors.push(
      invalidField(
        'spec.mode',
        mode,
        'use the annotation `consul.hashicorp.com/transparent-proxy` to configure the Transparent Proxy Mode',
      ),
    );
  }
  const config = getPath(obj, ['spec', 'config']);
  if (config !== undefined && config !== null && !isRecord(config)) {
    errors.push(
      invalidField(
        'spec.config',
        JSON.stringify(config),
        `must be valid map value: json: cannot unmarshal ${goJsonType(config)} into Go value of type map[string]interface {}`,
      ),
    );
  }
  return errors;
}

/** ProxyDefaults.Validate's denial text, or undefined. */
export function proxyDefaultsDenial(obj: StoredObject): string | undefined {
  const errors = proxyDefaultsErrors(obj);
  return errors.length > 0 ? invalidText('proxydefaults', group, obj.metadata.name ?? '', errors) : undefined;
}
