/** Why reading the desired state failed; the closed set of codes every source reports. */
export type SourceErrorCode =
  | 'auth_failed'
  | 'repo_not_found'
  | 'branch_not_found'
  | 'revision_not_found'
  | 'file_not_found'
  | 'timeout'
  | 'network'
  | 'server_error';

/** A source failure with a lowercase, sanitized message that never carries a token or credential URL. */
export class SourceError extends Error {
  readonly code: SourceErrorCode;

  // No `cause`: library errors can hold request objects, and this error is logged as is.
  constructor(code: SourceErrorCode, message: string) {
    super(message);
    this.name = 'SourceError';
    this.code = code;
  }
}

/** True when `err` is a SourceError, optionally with the given code. */
export function isSourceError(err: unknown, code?: SourceErrorCode): err is SourceError {
  return err instanceof SourceError && (code === undefined || err.code === code);
}
