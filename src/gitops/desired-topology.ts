/** The desired topology of a tracked repository at one commit, read through the Git cache. */
import { safeErrorMessage } from '../secrets/redact.ts';
import { formatDiagnostic, parseTopology, type Topology } from '../topology/index.ts';
import type { GitSources } from './git-source-loader.ts';
import type { TrackedRepo } from './tracked-repo.ts';

/** The topology, or one line saying why there is none (unreadable commit, invalid file). */
export async function desiredTopologyAt(
  sources: GitSources,
  repo: TrackedRepo,
  revision: string,
): Promise<{ readonly topology: Topology } | { readonly error: string; readonly invalid: boolean }> {
  let file: { content: string; fileName: string };
  try {
    file = await sources.load({
      kind: 'git',
      url: repo.url,
      branch: repo.branch,
      path: repo.path,
      sha: revision,
    });
  } catch (err) {
    return {
      error: `cannot read the desired state at ${revision.slice(0, 12)}: ${safeErrorMessage(err)}`,
      invalid: false,
    };
  }
  const parsed = parseTopology(file.content, file.fileName);
  if (!parsed.ok)
    return {
      error: `invalid desired state: ${parsed.diagnostics.map(formatDiagnostic).join('; ')}`,
      invalid: true,
    };
  return { topology: parsed.topology };
}
