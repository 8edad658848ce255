import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentRevision, createFileSource } from '../../src/source/file-source.ts';

describe('file source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshpeer-file-'));
  const path = join(dir, 'peerings.yaml');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the sha256 of the content as the revision and reads at exactly that revision', async () => {
    writeFileSync(path, 'a: 1\n');
    const src = createFileSource(path);
    const first = await src.headRevision();
    expect(first).toBe(contentRevision('a: 1\n'));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(path, 'a: 2\n');
    // The snapshot taken by headRevision stays readable after the file changed.
    expect(await src.readDesired(first)).toEqual({ revision: first, path, content: 'a: 1\n' });
    const second = await src.headRevision();
    expect(second).not.toBe(first);
    expect(await src.readFile(second)).toBe('a: 2\n');
  });

  it('refuses a revision the file never had, and reports a missing file', async () => {
    writeFileSync(path, 'a: 3\n');
    const src = createFileSource(path);
    await expect(src.readFile('0'.repeat(64))).rejects.toMatchObject({ code: 'revision_not_found' });
    const missing = createFileSource(join(dir, 'nope.yaml'));
    await expect(missing.headRevision()).rejects.toMatchObject({
      code: 'file_not_found',
      message: `read: ${join(dir, 'nope.yaml')} does not exist`,
    });
  });
});
