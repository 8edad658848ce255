#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by `npm ci` through `prepare`, or `npm run build`)
// when no source is newer than the build; otherwise the TypeScript sources through tsx, so an edited
// src/ never runs stale code and `npx meshpeer` works even without a build.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `meshpeer plan | head` closes the pipe early; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const root = new URL('../', import.meta.url);

/** The newest modification time of any file under dir (0 when dir does not exist, as in the image). */
function newestMtime(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let newest = 0;
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/** True when dist/ was built (its stamp dates from the build's start) after every source last changed. */
function distIsFresh() {
  if (process.env.MESHPEER_FROM_SOURCE === '1') return false;
  const stamp = statSync(new URL('dist/.build-stamp', root), { throwIfNoEntry: false });
  if (stamp === undefined) return false;
  const sources = ['src', 'workers', 'sandbox/src'].map((d) => newestMtime(fileURLToPath(new URL(d, root))));
  return Math.max(...sources) <= stamp.mtimeMs;
}

let main;
if (distIsFresh()) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
