/**
 * GET /openapi/v2. kubectl before 1.23 reads it (as the gnostic OpenAPIv2 protobuf Document,
 * google/gnostic openapiv2/OpenAPIv2.proto) to validate objects on the client and, for
 * `apply --dry-run=server`, to find each kind's PATCH operation and its `dryRun` parameter
 * (kubectl pkg/util/openapi/dryrun.go SupportsDryRun: "<gvk> doesn't support dry-run" otherwise).
 * Simplified: the document carries, per served kind, only that PATCH operation (its
 * x-kubernetes-group-version-kind and its dryRun query parameter); schemas are published through
 * /openapi/v3 only, so such a kubectl skips client-side validation (it skips kinds it finds no
 * schema for); the server's own field validation still applies.
 */
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { ResourceCatalog } from '../resource-catalog.ts';
import type { ResourceType } from '../resource-type.ts';
import { emulatedVersion } from './discovery-documents.ts';

/**
 * The media type kube-openapi answers with: kubectl asks for `...spec.v2@v1.0+protobuf`, whose `@`
 * Go's mime parser refuses in a Content-Type, so the handler replies with `.v1.0`.
 */
export const openApiV2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const title = 'Kubernetes';
const gvkExtension = 'x-kubernetes-group-version-kind';

/** The path of one named object of a kind, as the real document spells it. */
function objectPath(rt: ResourceType): string {
  const base = rt.group === '' ? `/api/${rt.version}` : `/apis/${rt.group}/${rt.version}`;
  return `${base}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}/{name}`;
}

function patchOperation(rt: ResourceType): Record<string, unknown> {
  const id = `patch${rt.namespaced ? 'Namespaced' : ''}${rt.kind}`;
  return {
    operationId: id,
    parameters: [{ name: 'dryRun', in: 'query', type: 'string', uniqueItems: true }],
    [gvkExtension]: { group: rt.group, kind: rt.kind, version: rt.version },
  };
}

/** The document as JSON. */
export function openApiV2Json(catalog: ResourceCatalog): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title, version: emulatedVersion.gitVersion },
    paths: Object.fromEntries(catalog.types.map((rt) => [objectPath(rt), { patch: patchOperation(rt) }])),
    definitions: {},
  };
}

/** A length-delimited field holding a nested message. */
function message(writer: BinaryWriter, field: number, build: (w: BinaryWriter) => void): void {
  const nested = new BinaryWriter();
  build(nested);
  writer.uint32((field << 3) | 2).bytes(nested.finish());
}

const text = (writer: BinaryWriter, field: number, value: string) =>
  writer.uint32((field << 3) | 2).string(value);

/** Operation{operation_id=5, parameters=8, vendor_extension=13} of a kind's PATCH. */
function writePatch(op: BinaryWriter, rt: ResourceType): void {
  text(op, 5, String(patchOperation(rt).operationId));
  // ParametersItem{parameter=1: Parameter{non_body_parameter=2: NonBodyParameter{query_parameter_sub_schema=3}}}
  message(op, 8, (item) =>
    message(item, 1, (param) =>
      message(param, 2, (nonBody) =>
        message(nonBody, 3, (query) => {
          text(query, 2, 'query');
          text(query, 4, 'dryRun');
          text(query, 6, 'string');
          query.uint32((20 << 3) | 0).bool(true);
        }),
      ),
    ),
  );
  // NamedAny{name=1, value=2: Any{yaml=2}}: kubectl reads the GVK from this YAML.
  message(op, 13, (named) => {
    text(named, 1, gvkExtension);
    message(named, 2, (any) =>
      text(any, 2, `group: "${rt.group}"\nkind: ${rt.kind}\nversion: ${rt.version}\n`),
    );
  });
}

/** The document as gnostic protobuf: Document{swagger=1, info=2{title=1, version=2}, paths=8}. */
export function openApiV2Protobuf(catalog: ResourceCatalog): Uint8Array {
  const writer = new BinaryWriter();
  text(writer, 1, '2.0');
  message(writer, 2, (info) => {
    text(info, 1, title);
    text(info, 2, emulatedVersion.gitVersion);
  });
  // Paths{path=2: NamedPathItem{name=1, value=2: PathItem{patch=8}}}
  message(writer, 8, (paths) => {
    for (const rt of catalog.types) {
      message(paths, 2, (named) => {
        text(named, 1, objectPath(rt));
        message(named, 2, (item) => message(item, 8, (op) => writePatch(op, rt)));
      });
    }
  });
  return writer.finish();
}
