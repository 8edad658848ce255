/** Positioned problems in peerings.yaml, reported as `file:line:col: message`. */

/** One problem found in a peerings.yaml file; line and col are 1-based. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Where in the document, as `peerings[1].dialer`. */
  readonly path: string;
  /** A stable machine-readable code (yaml_syntax, unknown_field, unknown_cluster, ...). */
  readonly code: string;
  readonly message: string;
}

/** A problem located by document path, before positions are resolved. */
export interface PathIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly code: string;
  readonly message: string;
  /** Point at the key of the last path element instead of its value (unknown keys). */
  readonly atKey?: boolean;
}

/** `peerings[1].dialer` from `['peerings', 1, 'dialer']`. */
export function formatPath(path: ReadonlyArray<string | number | symbol>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** The one-line form people and editors read. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}

/** Sorts by position, then message, so output is stable and reads top to bottom. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.line - b.line || a.col - b.col || a.message.localeCompare(b.message));
}
