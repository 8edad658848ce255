/** The hidden marker that identifies meshpeer's one plan comment on a pull request. */
export const PLAN_MARKER = '<!-- meshpeer:plan -->';

/** Commit status contexts meshpeer owns. */
export type StatusContext = 'meshpeer/plan' | 'meshpeer/apply';

/** Commit status states in GitHub's vocabulary; GitLab adapters translate them. */
export type StatusState = 'pending' | 'success' | 'failure' | 'error';

/** One commit status to publish; the description is redacted and cut to 140 characters. */
export interface CommitStatus {
  readonly context: StatusContext;
  readonly state: StatusState;
  readonly description: string;
  readonly targetUrl?: string;
}

/** What `upsertPlanComment` did; `unchanged` means no API write happened. */
export type CommentResult = 'created' | 'updated' | 'unchanged';

/** The port the planner and run engine publish through, one instance per repository. */
export interface ScmPublisher {
  /** Creates or edits in place the single plan comment on pull/merge request `pr`. */
  upsertPlanComment(pr: number, markdownBody: string): Promise<CommentResult>;
  setStatus(sha: string, status: CommitStatus): Promise<void>;
}

/** GitHub counts up to 65,536 characters; stay clearly below so counting differences never matter. */
export const GITHUB_COMMENT_LIMIT = 65_000;

/** GitLab notes allow 1,000,000 characters. */
export const GITLAB_NOTE_LIMIT = 999_000;

/** GitHub caps status descriptions at 140 characters. */
export const STATUS_DESCRIPTION_LIMIT = 140;
