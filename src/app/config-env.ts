/** Reading meshpeer's configuration from the environment: empty values, secrets, SCM defaults. */
import { registerSecret } from '../secrets/redact.ts';

/** Environment variables as read from process.env. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The SCM API root for a clone URL: api.github.com, GitHub Enterprise's /api/v3, or the GitLab host. */
export function defaultApiUrl(repoUrl: string, provider: string): string {
  const url = new URL(repoUrl);
  if (provider === 'gitlab') return url.origin;
  return url.hostname === 'github.com' ? 'https://api.github.com' : `${url.origin}/api/v3`;
}

/** gitlab when the clone URL's host says so, else github. */
export function guessProvider(repoUrl: string | undefined): string {
  try {
    return repoUrl !== undefined && new URL(repoUrl).hostname.includes('gitlab') ? 'gitlab' : 'github';
  } catch {
    return 'github';
  }
}

/** The environment without empty values: `FOO=` (as compose's `${FOO:-}` gives) means unset. */
export function withoutEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}

/** Reads a secret from the environment variable `name`, registering it for redaction. */
export function secretFromEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  registerSecret(value);
  return value;
}
