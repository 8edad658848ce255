/**
 * Label and field selectors in the syntax the API server accepts: `a=b,c!=d,e in (x,y),f notin (z),g,!h`
 * for labels; `metadata.name=x,metadata.namespace!=y` (plus a few per-kind fields) for fields.
 */

import type { ResourceType } from './resource-type.ts';
import { badRequest } from './status-error.ts';
import { getPath, type StoredObject } from './stored-object.ts';

/** A compiled selector: true when an object matches. */
export type Matcher = (obj: StoredObject) => boolean;

type Requirement = (labels: Record<string, string>) => boolean;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

function parseRequirement(part: string): Requirement {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
  if (set !== null) {
    const [, key = '', op, values = ''] = set;
    const allowed = values.split(',').map((v) => v.trim());
    return op === 'in'
      ? (l) => l[key] !== undefined && allowed.includes(l[key])
      : (l) => l[key] === undefined || !allowed.includes(l[key]);
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(part);
  if (cmp !== null) {
    const [, key = '', op, value = ''] = cmp;
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if (/^![^\s!=(),]+$/.test(part)) return (l) => l[part.slice(1)] === undefined;
  if (/^[^\s!=(),]+$/.test(part)) return (l) => l[part] !== undefined;
  throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
}

/** Compiles a label selector; an empty selector matches everything. */
export function parseLabelSelector(text: string | undefined): Matcher {
  if (text === undefined || text.trim() === '') return () => true;
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return requirements.every((r) => r(labels));
  };
}

const extraFields: Record<string, readonly string[]> = {
  Secret: ['type'],
  Namespace: ['status.phase'],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'source',
    'type',
  ],
};

/** Compiles a field selector for one kind; unsupported fields are a 400 as on the real server. */
export function parseFieldSelector(text: string | undefined, rt: ResourceType): Matcher {
  if (text === undefined || text.trim() === '') return () => true;
  const allowed = ['metadata.name', 'metadata.namespace', ...(extraFields[rt.kind] ?? [])];
  const tests = text.split(',').map((part): Matcher => {
    const m = /^([^!=]+)(==|=|!=)(.*)$/.exec(part.trim());
    if (m === null) throw badRequest(`invalid selector: '${part}'; can't understand '${part}'`);
    const [, field = '', op, value = ''] = m;
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    const path = field.split('.');
    return (obj) => {
      const actual = getPath(obj, path);
      const text = actual === undefined || actual === null ? '' : String(actual);
      return op === '!=' ? text !== value : text === value;
    };
  });
  return (obj) => tests.every((t) => t(obj));
}
