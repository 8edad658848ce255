/**
 * The few pieces of Go's encoding/json behaviour the peering token depends on, so tokens made here
 * are byte-identical to the ones Consul's `json.Marshal` produces.
 */

/** Encodes a string the way Go's json.Marshal does, including its HTML-safe escapes. */
export function goJsonString(value: string): string {
  // JSON.stringify already matches Go for quotes, backslashes and control characters; Go also
  // escapes <, > and & (SetEscapeHTML defaults to true) and the JavaScript line separators.
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Encodes a string slice the way Go does: a nil or empty slice in Consul's token becomes null. */
export function goJsonStringList(values: readonly string[]): string {
  if (values.length === 0) return 'null';
  return `[${values.map(goJsonString).join(',')}]`;
}

/**
 * Finds a field the way Go's json.Unmarshal does: an exact key first, else the first key that is
 * equal ignoring case (Go uses Unicode simple folding; ASCII folding covers Consul's field names).
 */
export function goField(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}
