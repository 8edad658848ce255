/**
 * How the status page and the API of `meshpeer serve` authenticate, read from the environment:
 * a bearer token (MESHPEER_UI_TOKEN), HTTP Basic (MESHPEER_UI_USERNAME, MESHPEER_UI_PASSWORD) or
 * nothing. Secret values are registered with the redaction helper the moment they are read.
 */
import { registerSecret } from '../../secrets/redact.ts';

/** What `--ui-auth` accepts; `auto` picks from the variables that are set. */
export type UiAuthMode = 'auto' | 'token' | 'basic' | 'none';

/** The chosen authentication; `explicit` is true when the operator named the mode. */
export type UiAuth =
  | { readonly mode: 'none'; readonly explicit: boolean }
  | { readonly mode: 'token'; readonly token: string; readonly explicit: boolean }
  | {
      readonly mode: 'basic';
      readonly username: string;
      readonly password: string;
      readonly explicit: boolean;
    };

const MODES: readonly UiAuthMode[] = ['auto', 'token', 'basic', 'none'];
/** Short tokens fall to guessing despite the rate limit; 16 characters is `openssl rand -hex 8`. */
const MIN_TOKEN_LENGTH = 16;
const MIN_PASSWORD_LENGTH = 8;

type Env = Readonly<Record<string, string | undefined>>;

/** A variable's value, with empty or blank counting as unset (compose's `${FOO:-}` gives empty). */
function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Reads a secret and registers it for redaction before anything else can see it. */
function secretFromEnv(env: Env, name: string): string | undefined {
  const value = envValue(env, name);
  registerSecret(value);
  return value;
}

/** Checks `--ui-auth` (or MESHPEER_UI_AUTH); undefined means `auto`. */
export function parseUiAuthMode(flag: string | undefined, env: Env = process.env): UiAuthMode {
  const value = flag ?? envValue(env, 'MESHPEER_UI_AUTH') ?? 'auto';
  const mode = MODES.find((m) => m === value);
  if (mode === undefined)
    throw new Error(`--ui-auth (MESHPEER_UI_AUTH): must be one of ${MODES.join(', ')}, got "${value}"`);
  return mode;
}

function tokenAuth(token: string | undefined, explicit: boolean): UiAuth {
  if (token === undefined)
    throw new Error('--ui-auth token needs MESHPEER_UI_TOKEN; set it to a long random value');
  if (token.length < MIN_TOKEN_LENGTH)
    throw new Error(
      `MESHPEER_UI_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters; generate one with openssl rand -hex 32`,
    );
  return { mode: 'token', token, explicit };
}

function basicAuth(env: Env, password: string | undefined, explicit: boolean): UiAuth {
  if (password === undefined)
    throw new Error(
      '--ui-auth basic needs MESHPEER_UI_PASSWORD; set it (and MESHPEER_UI_USERNAME, default admin)',
    );
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new Error(`MESHPEER_UI_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const username = envValue(env, 'MESHPEER_UI_USERNAME') ?? 'admin';
  if (username.includes(':'))
    throw new Error('MESHPEER_UI_USERNAME must not contain ":" (HTTP Basic splits on it)');
  return { mode: 'basic', username, password, explicit };
}

/**
 * The authentication for `mode`: `auto` takes the token if MESHPEER_UI_TOKEN is set, else Basic if
 * MESHPEER_UI_PASSWORD is set, else none. Throws one line naming the missing or bad variable.
 */
export function uiAuthFromEnv(mode: UiAuthMode, env: Env = process.env): UiAuth {
  // Both secrets are registered even when only one is used, so neither can leak through a log line.
  const token = secretFromEnv(env, 'MESHPEER_UI_TOKEN');
  const password = secretFromEnv(env, 'MESHPEER_UI_PASSWORD');
  const explicit = mode !== 'auto';
  if (mode === 'token') return tokenAuth(token, explicit);
  if (mode === 'basic') return basicAuth(env, password, explicit);
  if (mode === 'none') return { mode: 'none', explicit };
  if (token !== undefined) return tokenAuth(token, explicit);
  if (password !== undefined) return basicAuth(env, password, explicit);
  return { mode: 'none', explicit };
}

/** One line for the startup log that names the mode and its source, never a secret. */
export function describeUiAuth(auth: UiAuth): string {
  const how = auth.explicit ? '--ui-auth' : 'auto';
  if (auth.mode === 'token') return `ui auth: bearer token from MESHPEER_UI_TOKEN (${how})`;
  if (auth.mode === 'basic')
    return `ui auth: basic as user ${auth.username} from MESHPEER_UI_PASSWORD (${how})`;
  return `ui auth: none (${how})`;
}
