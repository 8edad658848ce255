/** The real server's ObjectMeta validation: names, labels, annotations, finalizers. */

import type { FieldError, ResourceType } from '../resource-type.ts';
import type { StoredObject } from '../stored-object.ts';

const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123Label = new RegExp(`^${label}$`);
const dns1123Subdomain = new RegExp(`^${label}(\\.${label})*$`);
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

const nameMessages = {
  subdomain: [
    dns1123Subdomain,
    253,
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ],
  label: [
    dns1123Label,
    63,
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ],
  dns1035: [
    dns1035Label,
    63,
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ],
} as const;

/**
 * What apimachinery's path.IsValidPathSegmentName refuses (pkg/api/validation/path/name.go): RBAC
 * names (pkg/apis/rbac/validation minimalNameRequirements) may hold anything else, colons included.
 */
function pathSegmentProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

function checkName(name: string | undefined, rt: ResourceType): FieldError[] {
  if (name === undefined || name === '') {
    return [
      {
        type: 'FieldValueRequired',
        field: 'metadata.name',
        message: 'Required value: name or generateName is required',
      },
    ];
  }
  if (rt.nameRule === 'path-segment') {
    return pathSegmentProblems(name).map((problem) => ({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: "${name}": ${problem}`,
    }));
  }
  const [pattern, max, message] = nameMessages[rt.nameRule ?? 'subdomain'];
  if (name.length > max) {
    return [
      {
        type: 'FieldValueInvalid',
        field: 'metadata.name',
        message: `Invalid value: "${name}": must be no more than ${max} characters`,
      },
    ];
  }
  return pattern.test(name)
    ? []
    : [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: "${name}": ${message}`,
        },
      ];
}

function checkKey(key: string, field: string): FieldError[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? '' : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  const ok =
    qualifiedName.test(name) && name.length <= 63 && (prefix === '' || dns1123Subdomain.test(prefix));
  if (ok) return [];
  return [
    {
      type: 'FieldValueInvalid',
      field,
      message: `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    },
  ];
}

/** Validation errors of an object's metadata. */
export function checkObjectMeta(obj: StoredObject, rt: ResourceType): FieldError[] {
  const meta = obj.metadata;
  const errors = checkName(meta.name, rt);
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    errors.push(...checkKey(key, 'metadata.labels'));
    if (typeof value !== 'string' || value.length > 63 || !labelValue.test(value)) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: "${String(value)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
  }
  for (const key of Object.keys(meta.annotations ?? {}))
    errors.push(...checkKey(key.toLowerCase(), 'metadata.annotations'));
  return errors;
}
