/** Reads the standard query parameters of write requests (dryRun, fieldManager, fieldValidation, force). */
import type { WriteOptions } from '../object-service.ts';
import { badRequest } from '../status-error.ts';
import type { FieldValidation } from '../write-admission.ts';

const validations: readonly string[] = ['Strict', 'Warn', 'Ignore'];

/** The WriteOptions of a request; unknown values are 400s as on the real server. */
export function writeOptions(
  query: URLSearchParams,
  userAgent: string | undefined,
  subresource?: string,
): WriteOptions {
  const options: WriteOptions = {};
  const dryRun = query.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    throw badRequest(`Invalid dry run: ${dryRun.join(',')}: supported values: "All"`);
  if (dryRun.length > 0) options.dryRun = true;
  const validation = query.get('fieldValidation') ?? 'Warn';
  if (!validations.includes(validation))
    throw badRequest(`fieldValidation must be one of "Ignore", "Strict", "Warn": got "${validation}"`);
  options.fieldValidation = validation as FieldValidation;
  const manager = query.get('fieldManager');
  if (manager !== null && manager !== '') {
    if (manager.length > 128) throw badRequest('fieldManager must not be longer than 128 characters');
    options.fieldManager = manager;
  }
  const agent = userAgent?.split('/')[0];
  if (agent !== undefined && agent !== '') options.userAgentManager = agent;
  const force = query.get('force');
  if (force !== null) options.force = force === 'true';
  if (subresource === 'status') options.subresource = 'status';
  return options;
}
