/** Finds the helm the chart's tests run: $MESHPEER_HELM, then helm on PATH, then .cache/tools/helm. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The helm binary; throws (never skips) with the way to get one when there is none. */
export function findHelm(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.MESHPEER_HELM;
  if (configured !== undefined && configured !== '') {
    if (executable(configured)) return configured;
    throw new Error(
      `MESHPEER_HELM=${configured} is not an executable: point it at a helm binary or unset it`,
    );
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && executable(join(dir, 'helm'))) return join(dir, 'helm');
  }
  // scripts/setup.sh installs it here (from an npm package) when there is no helm on PATH.
  const cached = resolve('.cache/tools/helm');
  if (executable(cached)) return cached;
  throw new Error('helm is not on PATH nor in .cache/tools: run scripts/setup.sh (it installs one there)');
}
