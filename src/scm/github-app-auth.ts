/**
 * GitHub App credentials for Octokit's `authStrategy: createAppAuth`: `@octokit/auth-app` signs an
 * RS256 JWT with the app key, exchanges it at `POST /app/installations/:id/access_tokens` and caches
 * the installation token; the cache here honours the token's `expires_at`, so a token is replaced
 * `refreshMarginMs` before it expires. Every token is registered for redaction.
 */
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { registerSecret } from '../secrets/redact.ts';

/** The settings that identify a GitHub App installation. */
export interface GithubAppCredentials {
  readonly appId: string;
  /** PEM private key of the app (PKCS#1 or PKCS#8). */
  readonly privateKey: string;
  readonly installationId: number;
  /** Fetch a new installation token this long before the current one expires; 5 minutes unless set. */
  readonly refreshMarginMs?: number;
}

/** Cache entries are auth-app's `token|createdAt|expiresAt|…` strings. */
function expiryAwareCache(marginMs: number): {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
} {
  const entries = new Map<string, string>();
  return {
    get(key) {
      const value = entries.get(key);
      const expiresAt = Date.parse(value?.split('|')[2] ?? '');
      if (value === undefined || !(expiresAt - Date.now() > marginMs)) return undefined;
      return value;
    },
    set(key, value) {
      registerSecret(value.split('|')[0] ?? '');
      entries.set(key, value);
    },
  };
}

/** Octokit constructor options for authenticating as one installation of a GitHub App. */
export function githubAppOctokitAuth(app: GithubAppCredentials): {
  authStrategy: typeof createAppAuth;
  auth: {
    appId: string;
    privateKey: string;
    installationId: number;
    cache: ReturnType<typeof expiryAwareCache>;
  };
} {
  registerSecret(app.privateKey);
  return {
    authStrategy: createAppAuth,
    auth: {
      appId: app.appId,
      privateKey: app.privateKey,
      installationId: app.installationId,
      cache: expiryAwareCache(app.refreshMarginMs ?? 5 * 60_000),
    },
  };
}

/** A function giving a current installation token, for Git over HTTPS (`x-access-token:<token>`). */
export function githubInstallationToken(app: GithubAppCredentials, baseUrl: string): () => Promise<string> {
  const octokit = new Octokit({
    ...githubAppOctokitAuth(app),
    baseUrl,
    userAgent: 'meshpeer',
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  return async () => {
    const { token } = (await octokit.auth({ type: 'installation' })) as { token: string };
    registerSecret(token);
    return token;
  };
}
