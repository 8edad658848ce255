/**
 * Optional persistence of one emulator's objects to a state directory, so a restarted sandbox keeps
 * them. Writes are debounced and atomic (temp file + rename); the file is private (0600) because it
 * holds Secret data.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore, StoreSnapshot } from './object-store.ts';
import type { ResourceCatalog } from './resource-catalog.ts';

const fileName = 'objects.json';

/** Keeps a state directory in sync with a store. */
export class StorePersistence {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly store: ObjectStore,
    private readonly debounceMs = 50,
  ) {}

  /** Loads the saved objects into the store (if any) and starts saving changes. */
  async start(catalog: ResourceCatalog): Promise<boolean> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, fileName);
    let loaded = false;
    if (existsSync(path)) {
      let snapshot: StoreSnapshot;
      try {
        snapshot = JSON.parse(await readFile(path, 'utf8')) as StoreSnapshot;
      } catch {
        throw new Error(
          `sandbox state file ${path} is not valid JSON: delete it to start from an empty cluster`,
        );
      }
      this.store.restore(snapshot, (o) => catalog.byKind(String(o.apiVersion), String(o.kind)));
      loaded = true;
    }
    this.unsubscribe = this.store.subscribe(() => this.schedule());
    return loaded;
  }

  /** Writes pending changes now and stops watching the store. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.writing;
    await this.save();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.save()).catch(() => {});
    }, this.debounceMs);
  }

  private async save(): Promise<void> {
    const path = join(this.dir, fileName);
    const tmp = `${path}.tmp`;
    await writeFile(tmp, JSON.stringify(this.store.snapshot()), { mode: 0o600 });
    await rename(tmp, path);
  }
}
