/**
 * Reads what the page shows of one target: its snapshot (`/api/status?target=`) and its runs
 * (`/api/runs?target=`). Every request names the target; only the first one of a page opened
 * without `?target=` leaves it to the server, which answers with its default (the first target),
 * and the page then names that one.
 */
import { ApiError, getJson } from './api.js';

/** The server's default target, learned from an answer to a request that named none. */
let defaultTarget;

/** `path` (an API path, maybe with a query) asking for `target`; unchanged when no target is named. */
export function withTarget(path, target) {
  if (!target) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams({ target })}`;
}

/** The target `view` shows: the one it names, else the server's default once known. */
export function targetOf(view) {
  return view.target || defaultTarget;
}

function runsPath(view, target) {
  const query = new URLSearchParams({ limit: String(view.limit) });
  if (view.trigger) query.set('trigger', view.trigger);
  return withTarget(`api/runs?${query}`, target);
}

async function readBoth(view, target) {
  const [status, list] = await Promise.all([
    getJson(withTarget('api/status', target)),
    target === undefined ? undefined : getJson(runsPath(view, target)),
  ]);
  if (view.target === '') defaultTarget = status.target;
  if (target === status.target) return { status, list };
  return { status, list: await getJson(runsPath(view, status.target)) };
}

/**
 * The snapshot and the runs (`view`'s filter and limit) of `view`'s target, read in parallel. The
 * runs are read again should they have been another target's (the first answer without
 * `?target=`); a default target the server no longer follows (a restart with another targets
 * file) is forgotten and the server's new default read.
 */
export async function readTarget(view) {
  const target = targetOf(view);
  try {
    return await readBoth(view, target);
  } catch (err) {
    if (view.target !== '' || target === undefined || !(err instanceof ApiError) || err.status !== 404)
      throw err;
    defaultTarget = undefined;
    return readBoth(view, undefined);
  }
}

/** Every target the server follows (its default's snapshot lists them all in `tracked`). */
export async function readTargets() {
  const status = await getJson('api/status');
  defaultTarget = status.target;
  return status.tracked;
}
