/** The hidden marker that identifies meshpeer's one plan comment on a pull request. */
export const PLAN_MARKER = '<!-- meshpeer:plan -->';

/** Commit status contexts meshpeer owns. */
export type StatusContext = 'meshpeer/plan' | 'meshpeer/apply';

/**
 * The plan comment marker of a scope: a repository with several targets gets one comment per
 * target. `<!-- meshpeer:plan:x -->` never starts with the unscoped marker, so they never mix.
 */
export function planMarker(scope?: string): string {
  return scope === undefined ? PLAN_MARKER : `<!-- meshpeer:plan:${scope.replace(/-->/g, '')} -->`;
}

/** A status or check run name in a scope, the way Atlantis names its per-project statuses (`atlantis/plan: dir`). */
export function scopedName(name: string, scope?: string): string {
  return scope === undefined ? name : `${name}: ${scope}`;
}

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
  /** Set only where check runs are possible: GitHub authenticated as an App (a token cannot create them). */
  publishCheckRun?(sha: string, check: CheckRun): Promise<void>;
}

/** GitHub counts up to 65,536 characters; stay clearly below so counting differences never matter. */
export const GITHUB_COMMENT_LIMIT = 65_000;

/** GitLab notes allow 1,000,000 characters. */
export const GITLAB_NOTE_LIMIT = 999_000;

/** GitHub caps status descriptions at 140 characters. */
export const STATUS_DESCRIPTION_LIMIT = 140;

/** One annotation of a check run, on lines of the topology file. */
export interface CheckAnnotation {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly message: string;
  readonly title?: string;
}

/** A completed check run (GitHub only); its annotations are sent in batches of 50. */
export interface CheckRun {
  /** `meshpeer/plan`, or `meshpeer/plan: TARGET` in a scoped publisher. */
  readonly name: string;
  readonly conclusion: 'success' | 'failure' | 'neutral';
  readonly title: string;
  readonly summary: string;
  readonly annotations: readonly CheckAnnotation[];
  readonly detailsUrl?: string;
}

/** A publisher that can also publish check runs (GitHub authenticated as an App). */
export interface CheckRunPublisher {
  /** Creates the check run on `sha`, or updates the one this publisher created there before. */
  publishCheckRun(sha: string, check: CheckRun): Promise<void>;
}

/** GitHub accepts at most 50 annotations per create or update request. */
export const CHECK_ANNOTATIONS_PER_REQUEST = 50;
