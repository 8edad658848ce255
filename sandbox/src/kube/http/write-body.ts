/**
 * The body of a create or update (POST/PUT), decoded by its Content-Type as the real server's input
 * negotiation does (apiserver pkg/endpoints/handlers/negotiation/negotiate.go
 * NegotiateInputSerializer): JSON by default, YAML, and protobuf for the built-in kinds that have a
 * decoder here; any other type is 415.
 */
import type { IncomingMessage } from 'node:http';
import { decodeProtobufBody, decodesProtobuf, protobufMediaType } from '../protobuf/protobuf-body.ts';
import type { ResourceType } from '../resource-type.ts';
import { unsupportedMediaType } from '../status-error.ts';
import { decode, readBody } from './http-io.ts';

/** The media types a create or update of this resource accepts, in the server's order. */
export function acceptedWriteTypes(rt: ResourceType): string[] {
  // Simplified: the real server takes protobuf for every built-in kind; the emulator decodes only
  // the core/v1 kinds kubectl's typed create commands send (Secret, ConfigMap, Namespace, Service),
  // so `kubectl create deployment` is refused with 415 here. Custom resources are JSON and YAML
  // only (apiextensions-apiserver pkg/apiserver/customresource_handler.go lists protobuf for
  // responses but cannot decode a custom resource from it).
  return decodesProtobuf(rt)
    ? ['application/json', 'application/yaml', protobufMediaType]
    : ['application/json', 'application/yaml'];
}

function mediaTypeOf(contentType: string | undefined): string {
  const bare = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return bare === '' ? 'application/json' : bare;
}

/** Reads and decodes a create/update body; 415 for a media type the resource does not take. */
export async function readWriteBody(req: IncomingMessage, rt: ResourceType): Promise<unknown> {
  const mediaType = mediaTypeOf(req.headers['content-type']);
  const accepted = acceptedWriteTypes(rt);
  if (!accepted.includes(mediaType)) throw unsupportedMediaType(accepted);
  const body = await readBody(req);
  if (mediaType === protobufMediaType) return decodeProtobufBody(rt, body);
  return decode(body, mediaType);
}
