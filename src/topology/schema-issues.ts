/**
 * Turns zod issues into PathIssues with messages written for people editing peerings.yaml:
 * lowercase, naming the field, and pointing unknown keys at the key itself.
 */
import type { z } from 'zod';
import type { PathIssue } from './diagnostic.ts';
import { suggestField } from './field-names.ts';

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<string | number>;

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function fieldName(path: Path): string {
  const last = path[path.length - 1];
  return typeof last === 'number' ? `item ${last}` : `"${String(last ?? 'document')}"`;
}

function typeMessage(issue: Extract<Issue, { code: 'invalid_type' }>, path: Path, root: unknown): string {
  const value = valueAt(root, path);
  if (value === undefined) return `${fieldName(path)} is required`;
  const expected =
    issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`;
  return `${fieldName(path)} must be ${expected}, not ${kindOf(value)}`;
}

function lower(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Picks the union branch that matches the shape of the input, so errors stay specific. */
function unionIssues(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: Path,
  root: unknown,
): PathIssue[] {
  const value = valueAt(root, path);
  const wantsObject = value !== null && typeof value === 'object';
  const branch = issue.errors.find(
    (errs) =>
      !errs.some(
        (e) => e.code === 'invalid_type' && e.path.length === 0 && (e.expected === 'object') === wantsObject,
      ),
  );
  if (branch === undefined || branch.length === 0) {
    return [
      { path, code: 'invalid_type', message: `${fieldName(path)} has the wrong shape, not ${kindOf(value)}` },
    ];
  }
  return branch.flatMap((inner) => toPathIssues({ ...inner, path: [...path, ...inner.path] } as Issue, root));
}

/** Converts one zod issue (with its full path) to path issues against the raw document. */
export function toPathIssues(issue: Issue, root: unknown): PathIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const hint = suggestField(key);
        return {
          path: [...path, key],
          code: 'unknown_field',
          message: `unknown field "${key}"${hint === undefined ? '' : `: did you mean "${hint}"?`}`,
          atKey: true,
        };
      });
    case 'invalid_union':
      return unionIssues(issue, path, root);
    case 'invalid_type':
      return [
        {
          path,
          code: valueAt(root, path) === undefined ? 'missing_field' : 'invalid_type',
          message: typeMessage(issue, path, root),
        },
      ];
    case 'invalid_value': {
      if (!issue.message.startsWith('Invalid'))
        return [{ path, code: 'invalid_value', message: lower(issue.message) }];
      const value = valueAt(root, path);
      const what = typeof value === 'string' ? `"${value}"` : fieldName(path);
      return [
        {
          path,
          code: 'invalid_value',
          message: `${what} is not allowed here: use one of ${issue.values.map(String).join(', ')}`,
        },
      ];
    }
    case 'custom':
      // Our own refinements already name the value and the fix.
      return [{ path, code: 'invalid_value', message: lower(issue.message) }];
    default:
      return [{ path, code: issue.code, message: `${fieldName(path)}: ${lower(issue.message)}` }];
  }
}
