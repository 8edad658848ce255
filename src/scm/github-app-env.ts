/** GitHub App settings from the environment: MESHPEER_GITHUB_APP_ID, _PRIVATE_KEY (or _FILE), _INSTALLATION_ID. */
import { readFileSync } from 'node:fs';
import type { GithubAppCredentials } from './github-app-auth.ts';

type Env = Readonly<Record<string, string | undefined>>;

const set = (v: string | undefined): v is string => v !== undefined && v !== '';

/** The app credentials, undefined when none of the variables is set; a one-line error when some are missing. */
export function githubAppFromEnv(env: Env): GithubAppCredentials | undefined {
  const appId = env.MESHPEER_GITHUB_APP_ID;
  const installation = env.MESHPEER_GITHUB_APP_INSTALLATION_ID;
  const keyFile = env.MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE;
  let privateKey = env.MESHPEER_GITHUB_APP_PRIVATE_KEY;
  if (![appId, installation, keyFile, privateKey].some(set)) return undefined;
  if (!set(appId) || !/^\d+$/.test(appId))
    throw new Error('MESHPEER_GITHUB_APP_ID must be the numeric app id (app settings, "About")');
  if (!set(installation) || !/^\d+$/.test(installation))
    throw new Error('MESHPEER_GITHUB_APP_INSTALLATION_ID must be the numeric id from the installation URL');
  if (!set(privateKey) && set(keyFile)) {
    try {
      privateKey = readFileSync(keyFile, 'utf8');
    } catch {
      throw new Error(`MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE: cannot read ${keyFile}`);
    }
  }
  if (!set(privateKey) || !privateKey.includes('PRIVATE KEY-----'))
    throw new Error(
      'set MESHPEER_GITHUB_APP_PRIVATE_KEY (PEM) or MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE to the app key',
    );
  // Environments often carry the PEM with literal \n.
  return { appId, privateKey: privateKey.replace(/\\n/g, '\n'), installationId: Number(installation) };
}
