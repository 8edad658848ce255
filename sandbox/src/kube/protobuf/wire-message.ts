/**
 * A small protobuf wire-format reader driven by message descriptions written as data: enough to turn
 * the k8s.io generated messages kubectl sends into the JSON form the emulator stores, without a
 * codegen step. Decoding follows gogo-protobuf's generated Unmarshal (what the API server runs):
 * unknown fields are skipped, zero values of plain fields are left out like Go's `omitempty`, and
 * failures carry the same texts ("unexpected EOF", "proto: wrong wireType = 0 for field Name").
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/**
 * Scalar field types; `time` is metav1.Time, `intOrString` is intstr.IntOrString (a number or a
 * string in JSON) and `raw` keeps bytes as bytes (for envelopes).
 */
export type ScalarType = 'string' | 'bytes' | 'raw' | 'bool' | 'int64' | 'int32' | 'time' | 'intOrString';

/** One field of a message description. */
export interface FieldSpec {
  /** The JSON name the decoded value is stored under. */
  readonly json: string;
  readonly type: ScalarType | MessageSpec;
  readonly repeated?: boolean;
  /** `map<string, string>` or `map<string, bytes>`: the field holds map entries. */
  readonly map?: 'string' | 'bytes';
  /** Go pointer fields (`*bool`): a zero value that was sent is kept. */
  readonly presence?: boolean;
}

/** A message: its Go type name (for error texts) and its fields by number. */
export interface MessageSpec {
  readonly name: string;
  readonly fields: Readonly<Record<number, FieldSpec>>;
}

/** A decoded message: JSON values, or Uint8Array for `raw` fields. */
export type DecodedMessage = Record<string, unknown>;

/** A malformed message; the text is what gogo-protobuf's Unmarshal would say. */
export class ProtoDecodeError extends Error {
  override readonly name = 'ProtoDecodeError';
}

const unexpectedEof = (): ProtoDecodeError => new ProtoDecodeError('unexpected EOF');

function goFieldName(spec: FieldSpec): string {
  return `${spec.json.charAt(0).toUpperCase()}${spec.json.slice(1)}`;
}

function wireTypeOf(spec: FieldSpec): WireType {
  if (spec.map !== undefined || typeof spec.type !== 'string') return WireType.LengthDelimited;
  return ['bool', 'int64', 'int32'].includes(spec.type) ? WireType.Varint : WireType.LengthDelimited;
}

/** Runs one reader call; the reader's own range errors become Go's "unexpected EOF". */
function guarded<T>(reader: BinaryReader, read: () => T): T {
  let value: T;
  try {
    value = read();
  } catch (err) {
    if (err instanceof RangeError) throw unexpectedEof();
    throw new ProtoDecodeError(`proto: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (reader.pos > reader.len) throw unexpectedEof();
  return value;
}

function readTag(reader: BinaryReader, message: string): [number, number] {
  const tag = guarded(reader, () => reader.uint32());
  const fieldNo = tag >>> 3;
  const wireType = tag & 7;
  if (wireType === WireType.EndGroup)
    throw new ProtoDecodeError(`proto: ${message}: wiretype end group for non-group`);
  if (fieldNo <= 0)
    throw new ProtoDecodeError(`proto: ${message}: illegal tag ${fieldNo} (wire type ${wireType})`);
  if (wireType > WireType.Bit32) throw new ProtoDecodeError(`proto: illegal wireType ${wireType}`);
  return [fieldNo, wireType];
}

/** metav1.Time travels as {seconds=1, nanos=2}; the server keeps whole seconds, empty is the zero time. */
function timeValue(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  const stamp = decodeMessage(bytes, timestampSpec);
  const seconds = typeof stamp.seconds === 'number' ? stamp.seconds : 0;
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** intstr.IntOrString travels as {type=1 (0 int, 1 string), intVal=2, strVal=3}. */
function intOrStringValue(bytes: Uint8Array): number | string {
  const value = decodeMessage(bytes, intOrStringSpec);
  return value.type === 1 ? String(value.strVal ?? '') : Number(value.intVal ?? 0);
}

const intOrStringSpec: MessageSpec = {
  name: 'IntOrString',
  fields: {
    1: { json: 'type', type: 'int64' },
    2: { json: 'intVal', type: 'int32' },
    3: { json: 'strVal', type: 'string' },
  },
};

const timestampSpec: MessageSpec = {
  name: 'Timestamp',
  fields: { 1: { json: 'seconds', type: 'int64' }, 2: { json: 'nanos', type: 'int32' } },
};

function readScalar(reader: BinaryReader, type: ScalarType): unknown {
  switch (type) {
    case 'string':
      return guarded(reader, () => reader.string());
    case 'bytes':
      return Buffer.from(guarded(reader, () => reader.bytes())).toString('base64');
    case 'raw':
      return guarded(reader, () => reader.bytes());
    case 'bool':
      return guarded(reader, () => reader.bool());
    case 'int64':
      return Number(guarded(reader, () => reader.int64()));
    case 'int32':
      return guarded(reader, () => reader.int32());
    case 'time':
      return timeValue(guarded(reader, () => reader.bytes()));
    case 'intOrString':
      return intOrStringValue(guarded(reader, () => reader.bytes()));
  }
}

const mapEntrySpec = (value: 'string' | 'bytes'): MessageSpec => ({
  name: 'MapEntry',
  fields: { 1: { json: 'key', type: 'string' }, 2: { json: 'value', type: value } },
});

function isZero(value: unknown): boolean {
  return value === undefined || value === '' || value === false || value === 0;
}

function readField(reader: BinaryReader, spec: FieldSpec, into: DecodedMessage): void {
  if (spec.map !== undefined) {
    const entry = decodeMessage(
      guarded(reader, () => reader.bytes()),
      mapEntrySpec(spec.map),
    );
    const map = (into[spec.json] ?? {}) as Record<string, unknown>;
    map[String(entry.key ?? '')] = entry.value ?? '';
    into[spec.json] = map;
    return;
  }
  const value =
    typeof spec.type === 'string'
      ? readScalar(reader, spec.type)
      : decodeMessage(
          guarded(reader, () => reader.bytes()),
          spec.type,
        );
  if (spec.repeated === true) {
    into[spec.json] = [...((into[spec.json] as unknown[] | undefined) ?? []), value ?? ''];
  } else if (typeof spec.type !== 'string') {
    // A message field sent twice is merged, as proto decoding does.
    into[spec.json] = { ...((into[spec.json] as DecodedMessage | undefined) ?? {}), ...(value as object) };
  } else if (spec.presence === true || !isZero(value)) {
    into[spec.json] = value;
  } else {
    delete into[spec.json];
  }
}

/** Decodes one message; throws ProtoDecodeError on malformed input. */
export function decodeMessage(bytes: Uint8Array, spec: MessageSpec): DecodedMessage {
  const reader = new BinaryReader(bytes);
  const out: DecodedMessage = {};
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = readTag(reader, spec.name);
    const field = spec.fields[fieldNo];
    if (field === undefined) {
      guarded(reader, () => reader.skip(wireType, fieldNo));
      continue;
    }
    if (wireType !== wireTypeOf(field))
      throw new ProtoDecodeError(`proto: wrong wireType = ${wireType} for field ${goFieldName(field)}`);
    readField(reader, field, out);
  }
  return out;
}
