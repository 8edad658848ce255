/**
 * The HTTP client of the commands that talk to a running `meshpeer serve` (`sync`, `status
 * --server`): its URL from `--server` or MESHPEER_SERVER, its credentials from the same
 * environment serve reads (MESHPEER_UI_TOKEN, else MESHPEER_UI_USERNAME and MESHPEER_UI_PASSWORD),
 * a deadline on every request, and one-line errors that say what to do.
 */
import { registerSecret, safeErrorMessage } from '../secrets/redact.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Where serve is and how to authenticate to it. */
export interface ServeEndpoint {
  readonly url: string;
  readonly authorization?: string;
  /** Deadline of each request (default 10 s). */
  readonly timeoutMs: number;
}

const set = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value : undefined);

/** The endpoint from `--server` (else MESHPEER_SERVER) and the UI credentials in the environment. */
export function serveEndpoint(
  flag: string | undefined,
  env: Env = process.env,
  timeoutMs = 10_000,
): ServeEndpoint {
  const raw = set(flag) ?? set(env.MESHPEER_SERVER);
  if (raw === undefined)
    throw new Error(
      'no server given: pass --server URL or set MESHPEER_SERVER (the address of meshpeer serve)',
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--server ${raw} is not a URL; use http://HOST:PORT`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--server ${raw} must be an http or https URL`);
  const token = set(env.MESHPEER_UI_TOKEN);
  const password = set(env.MESHPEER_UI_PASSWORD);
  let authorization: string | undefined;
  if (token !== undefined) {
    registerSecret(token);
    authorization = `Bearer ${token}`;
  } else if (password !== undefined) {
    registerSecret(password);
    const basic = Buffer.from(`${set(env.MESHPEER_UI_USERNAME) ?? 'admin'}:${password}`).toString('base64');
    registerSecret(basic);
    authorization = `Basic ${basic}`;
  }
  return {
    url: url.origin + url.pathname.replace(/\/+$/, ''),
    ...(authorization !== undefined && { authorization }),
    timeoutMs,
  };
}

/** A request to serve that did not get the answer it wanted; `status` is the HTTP status, if any. */
export class ServeRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ServeRequestError';
  }
}

function networkFailure(endpoint: ServeEndpoint, err: unknown): ServeRequestError {
  const where = `meshpeer serve at ${endpoint.url}`;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return new ServeRequestError(
      `${where} did not answer within ${endpoint.timeoutMs / 1000}s; check that it is running and reachable`,
    );
  // fetch says only "fetch failed"; the reason is its cause.
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED')
    return new ServeRequestError(`${where} refused the connection; start meshpeer serve or fix --server`);
  if (code === 'ENOTFOUND') return new ServeRequestError(`${where}: unknown host; fix --server`);
  return new ServeRequestError(`${where} could not be reached: ${safeErrorMessage(cause ?? err)}`);
}

async function refusal(endpoint: ServeEndpoint, res: Response): Promise<ServeRequestError> {
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  const reason = body.error ?? res.statusText;
  if (res.status === 401)
    return new ServeRequestError(
      endpoint.authorization === undefined
        ? `${endpoint.url} needs credentials: set MESHPEER_UI_TOKEN (or MESHPEER_UI_USERNAME and MESHPEER_UI_PASSWORD) to serve's`
        : `${endpoint.url} refused the credentials (${reason}); use the MESHPEER_UI_TOKEN that serve runs with`,
      401,
    );
  return new ServeRequestError(`${endpoint.url} answered HTTP ${res.status}: ${reason}`, res.status);
}

/** Sends one request and returns the parsed JSON answer; 404 resolves to undefined when `missingOk`. */
export async function serveRequest<T>(
  endpoint: ServeEndpoint,
  path: string,
  options: { method?: 'GET' | 'POST'; body?: unknown; missingOk?: boolean } = {},
): Promise<T | undefined> {
  let res: Response;
  try {
    res = await fetch(`${endpoint.url}${path}`, {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(endpoint.authorization !== undefined && { authorization: endpoint.authorization }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      // The deadline also aborts the socket, so a silent server cannot hold the command.
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
  } catch (err) {
    throw networkFailure(endpoint, err);
  }
  if (res.status === 404 && options.missingOk === true) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok) throw await refusal(endpoint, res);
  try {
    return (await res.json()) as T;
  } catch (err) {
    throw networkFailure(endpoint, err);
  }
}
