/** The desired-state file as read at one exact revision. */
export interface DesiredFile {
  /** A Git commit sha, or the sha256 of the content for a plain file. */
  readonly revision: string;
  readonly path: string;
  readonly content: string;
}

/**
 * The narrow port the planner and run engine read through: "what is the newest revision?" and
 * "give me the file at exactly this revision". The Git source implements it.
 */
export interface DesiredStateSource {
  readonly kind: 'git';
  /** A human description for logs and status pages; never carries credentials. */
  readonly description: string;
  headRevision(): Promise<string>;
  readDesired(revision: string): Promise<DesiredFile>;
}
