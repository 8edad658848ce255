/**
 * Request bodies in `application/vnd.kubernetes.protobuf`, as kubectl's typed clients send built-in
 * kinds: the magic `k8s\0`, then a runtime.Unknown envelope whose `raw` is the object's message.
 * Decoding and its error texts follow apimachinery pkg/runtime/serializer/protobuf/protobuf.go
 * (Serializer.Decode) and apiserver pkg/endpoints/handlers/rest.go (transformDecodeError).
 */
import type { ResourceType } from '../resource-type.ts';
import { badRequest, type KubeApiError } from '../status-error.ts';
import { coreV1Messages, unknownEnvelope } from './core-v1-messages.ts';
import { decodeMessage, ProtoDecodeError } from './wire-message.ts';

/** The protobuf media type of the Kubernetes API. */
export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Whether the emulator can decode a protobuf body for this resource (core/v1 Secret, ConfigMap, Namespace, Service). */
export function decodesProtobuf(rt: ResourceType): boolean {
  return rt.builtIn && rt.group === '' && rt.version === 'v1' && coreV1Messages[rt.kind] !== undefined;
}

// The real server appends a summary of the first bytes of the body; it is left out because the
// body may be Secret data.
function unrecognized(rt: ResourceType, reason: string): KubeApiError {
  return badRequest(`the object provided is unrecognized (must be of type ${rt.kind}): ${reason}`);
}

function cannotHandle(kind: string, version: string, rt: ResourceType, reason: string): KubeApiError {
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${rt.kind}: ${reason}`);
}

function envelope(rt: ResourceType, body: Buffer): { apiVersion: string; kind: string; raw: Uint8Array } {
  if (body.length === 0) throw unrecognized(rt, 'empty data');
  if (body.length < magic.length || !body.subarray(0, magic.length).equals(magic)) {
    throw unrecognized(
      rt,
      `provided data does not appear to be a protobuf message, expected prefix [${[...magic].join(' ')}]`,
    );
  }
  if (body.length === magic.length) throw unrecognized(rt, 'empty body');
  try {
    const unknown = decodeMessage(body.subarray(magic.length), unknownEnvelope);
    const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
    const raw = unknown.raw instanceof Uint8Array ? unknown.raw : new Uint8Array();
    // Missing type information defaults to the resource of the URL (copyKindDefaults).
    return { apiVersion: typeMeta.apiVersion ?? rt.version, kind: typeMeta.kind ?? rt.kind, raw };
  } catch (err) {
    if (err instanceof ProtoDecodeError) throw unrecognized(rt, err.message);
    throw err;
  }
}

/** Decodes a protobuf request body into the JSON form of the object; 400 with the reason when malformed. */
export function decodeProtobufBody(rt: ResourceType, body: Buffer): Record<string, unknown> {
  const { apiVersion, kind, raw } = envelope(rt, body);
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  const spec = apiVersion === 'v1' ? coreV1Messages[kind] : undefined;
  if (spec === undefined) {
    throw cannotHandle(kind, version, rt, `no kind "${kind}" is registered for version "${apiVersion}"`);
  }
  try {
    return { apiVersion, kind, ...decodeMessage(raw, spec) };
  } catch (err) {
    if (err instanceof ProtoDecodeError) throw cannotHandle(kind, version, rt, err.message);
    throw err;
  }
}
