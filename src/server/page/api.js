/** Reads the status API with the page's own credentials (session cookie or basic auth) and a deadline. */

const TIMEOUT_MS = 8000;

/** Whether the last answer said this browser is signed in with a session cookie (which can be ended). */
let cookieSession = false;

/** True when the browser holds a session a "Sign out" can end (not with a bearer token or HTTP Basic). */
export function hasCookieSession() {
  return cookieSession;
}

/** An API answer other than 2xx; `status` 0 means the server could not be reached or did not answer. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function read(res, missingOk) {
  if (res.status === 404 && missingOk) return undefined;
  if (res.ok) return res.json();
  const body = await res.json().catch(() => ({}));
  throw new ApiError(
    res.status,
    `http ${res.status}${typeof body?.error === 'string' ? `: ${body.error}` : ''}`,
  );
}

/** GETs `path` (relative to the page) as JSON; a 404 gives undefined when `missingOk`. */
export async function getJson(path, { missingOk = false } = {}) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(path, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json' },
      signal: abort.signal,
    });
    cookieSession = res.headers.get('x-meshpeer-session') === 'cookie';
    return await read(res, missingOk);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const why = abort.signal.aborted
      ? `no answer within ${TIMEOUT_MS / 1000} s`
      : 'the server could not be reached';
    throw new ApiError(0, why);
  } finally {
    clearTimeout(timer);
  }
}
