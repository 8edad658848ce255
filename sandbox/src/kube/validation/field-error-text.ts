/**
 * Field errors worded as k8s.io/apimachinery pkg/util/validation/field (errors.go ErrorBody, v0.35 as
 * consul-k8s uses it) and aggregated as apierrors.NewInvalid does, for webhook denial texts.
 */

/** One field error: the path and its body ("Invalid value: ...: detail"). */
export interface FieldErrorText {
  readonly field: string;
  readonly body: string;
}

/** How ErrorBody prints a bad value: %q for strings, %v for numbers and bools, JSON otherwise. */
function badValue(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return JSON.stringify(value);
  return JSON.stringify(value ?? null);
}

/** field.Invalid(path, value, detail). */
export function invalidField(field: string, value: unknown, detail: string): FieldErrorText {
  return { field, body: `Invalid value: ${badValue(value)}: ${detail}` };
}

/** field.Forbidden(path, detail). */
export function forbiddenField(field: string, detail: string): FieldErrorText {
  return { field, body: `Forbidden: ${detail}` };
}

/** apierrors.NewInvalid(GroupKind{group, kind}, name, errs).Error(). */
export function invalidText(
  kubeKind: string,
  group: string,
  name: string,
  errors: readonly FieldErrorText[],
): string {
  const text = errors.map((e) => `${e.field}: ${e.body}`);
  return `${kubeKind}.${group} "${name}" is invalid: ${text.length === 1 ? text[0] : `[${text.join(', ')}]`}`;
}
