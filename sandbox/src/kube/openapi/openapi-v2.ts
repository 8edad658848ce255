/**
 * GET /openapi/v2. kubectl before 1.23 reads it (as the gnostic OpenAPIv2 protobuf Document,
 * google/gnostic openapiv2/OpenAPIv2.proto) to validate objects on the client. Simplified: the
 * emulator publishes its schemas through /openapi/v3 only, so this document has no definitions and
 * such a kubectl skips client-side validation (kubectl skips kinds it finds no schema for); the
 * server's own field validation still applies.
 */
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { emulatedVersion } from './discovery-documents.ts';

/**
 * The media type kube-openapi answers with: kubectl asks for `...spec.v2@v1.0+protobuf`, whose `@`
 * Go's mime parser refuses in a Content-Type, so the handler replies with `.v1.0`.
 */
export const openApiV2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const title = 'Kubernetes';

/** The document as JSON. */
export function openApiV2Json(): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title, version: emulatedVersion.gitVersion },
    paths: {},
    definitions: {},
  };
}

/** The document as gnostic protobuf: Document{swagger=1, info=2{title=1, version=2}}. */
export function openApiV2Protobuf(): Uint8Array {
  const writer = new BinaryWriter();
  writer.uint32((1 << 3) | 2).string('2.0');
  const info = new BinaryWriter();
  info.uint32((1 << 3) | 2).string(title);
  info.uint32((2 << 3) | 2).string(emulatedVersion.gitVersion);
  writer.uint32((2 << 3) | 2).bytes(info.finish());
  return writer.finish();
}
