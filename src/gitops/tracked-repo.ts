/** A repository and branch meshpeer follows: where its desired state lives and how runs are grouped. */
import type { WebhookProvider } from './sync-event.ts';

/** One followed repository+branch; holds no credentials. */
export interface TrackedRepo {
  /** The run target name; runs for it are coalesced and recorded under this name. */
  readonly target: string;
  /** Clone URL over HTTP(S), without credentials. */
  readonly url: string;
  readonly branch: string;
  /** Path of peerings.yaml inside the repository. */
  readonly path: string;
  readonly provider: WebhookProvider;
  /** `owner/name` (GitHub full_name) or `group/project` (GitLab path_with_namespace). */
  readonly repo: string;
}

/** `owner/name` from a clone URL: the path without the leading slash and a trailing `.git`. */
export function repoNameFromUrl(url: string): string {
  const path = new URL(url).pathname.replace(/^\/+/, '').replace(/\/+$/, '');
  return path.replace(/\.git$/, '');
}

/** The run target name of a repository and branch, unless configured otherwise. */
export function defaultTargetName(repo: string, branch: string): string {
  return `${repo}@${branch}`;
}
