/** Finds the kubectl the kubectl tests run: the first on PATH (scripts/setup.sh installs one). */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The kubectl on PATH; throws (never skips) with the way to install it when there is none. */
export function findKubectl(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error('kubectl is not on PATH: run scripts/setup.sh (it installs Debian kubernetes-client)');
}
