/**
 * How the Go values in consul-k8s webhook denials print: encoding/json of a struct with its
 * `omitempty` fields in declaration order (what `json.Marshal(in)` hands to field.Invalid as a
 * string), and fmt's `%#v` of a struct, which apimachinery's ErrorBody uses for any other value.
 */

/** One struct field: its JSON name and whether it is a list (printed as a nil slice when empty). */
export interface GoField {
  readonly json: string;
  readonly go: string;
  readonly kind: 'string' | 'bool' | 'list' | 'object';
  /** The Go type name `%#v` prints for an empty list or object field (e.g. `v1alpha1.IntentionPermissions`). */
  readonly goType?: string;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** json.Marshal of a struct with every field `omitempty`, in the given order. */
export function goJson(value: Record<string, unknown>, fields: readonly GoField[]): string {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (!isEmpty(value[field.json])) out[field.json] = value[field.json];
  return JSON.stringify(out);
}

/**
 * `%#v` of a struct value. Simplified: a non-empty pointer list prints one placeholder address
 * per element (Go prints the real heap addresses, which no caller can predict).
 */
export function goSyntax(
  typeName: string,
  value: Record<string, unknown>,
  fields: readonly GoField[],
): string {
  const parts = fields.map((field) => {
    const v = value[field.json];
    switch (field.kind) {
      case 'string':
        return `${field.go}:${JSON.stringify(typeof v === 'string' ? v : '')}`;
      case 'bool':
        return `${field.go}:${v === true}`;
      default: {
        const type = field.goType ?? 'interface {}';
        if (!Array.isArray(v) || v.length === 0) return `${field.go}:${type}(nil)`;
        const element = type.replace(/^v1alpha1\.(\w+?)s$/, '*v1alpha1.$1');
        return `${field.go}:${type}{${v.map(() => `(${element})(0xc000010000)`).join(', ')}}`;
      }
    }
  });
  return `${typeName}{${parts.join(', ')}}`;
}
