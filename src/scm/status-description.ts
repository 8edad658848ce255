import { redact } from '../secrets/redact.ts';
import { STATUS_DESCRIPTION_LIMIT } from './scm-publisher.ts';

/** Redacts a status description, folds whitespace, and cuts it to 140 characters with an ellipsis. */
export function statusDescription(text: string): string {
  const clean = redact(text).replace(/\s+/g, ' ').trim();
  if (clean.length <= STATUS_DESCRIPTION_LIMIT) return clean;
  return `${clean.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`;
}
