/**
 * The plain-file source for local use and the demo: the revision is the sha256 of the content, so
 * the same "head, then read at exactly that revision" contract holds as for Git.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DesiredFile, DesiredStateSource } from './desired-state-source.ts';
import { SourceError } from './source-error.ts';

/** A file-backed desired-state source. */
export interface FileSource extends DesiredStateSource {
  readonly kind: 'file';
  readonly path: string;
  /** Reads the file at `revision`; the file must still have that content or have been read at it. */
  readFile(revision: string): Promise<string>;
}

/** The revision of a content: hex sha256, the same width family as a Git sha so logs look alike. */
export function contentRevision(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

// Keeps the last few snapshots so a revision read by headRevision stays readable after an edit.
const SNAPSHOTS_KEPT = 4;

/** Creates a source over one local file. */
export function createFileSource(path: string): FileSource {
  const snapshots = new Map<string, string>();

  const load = async (): Promise<{ revision: string; content: string }> => {
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ENOENT') throw new SourceError('file_not_found', `read: ${path} does not exist`);
      throw new SourceError(
        'server_error',
        `read: cannot read ${path} (${String(code ?? 'error').toLowerCase()})`,
      );
    }
    const revision = contentRevision(content);
    snapshots.delete(revision);
    snapshots.set(revision, content);
    while (snapshots.size > SNAPSHOTS_KEPT) {
      const oldest = snapshots.keys().next().value;
      if (oldest === undefined) break;
      snapshots.delete(oldest);
    }
    return { revision, content };
  };

  const readAt = async (revision: string): Promise<string> => {
    const known = snapshots.get(revision);
    if (known !== undefined) return known;
    const current = await load();
    if (current.revision !== revision) {
      throw new SourceError(
        'revision_not_found',
        `read: ${path} no longer has revision ${revision.slice(0, 12)} (now ${current.revision.slice(0, 12)})`,
      );
    }
    return current.content;
  };

  return {
    kind: 'file',
    description: `file ${path}`,
    path,
    headRevision: async () => (await load()).revision,
    readFile: readAt,
    readDesired: async (revision): Promise<DesiredFile> => ({
      revision,
      path,
      content: await readAt(revision),
    }),
  };
}
