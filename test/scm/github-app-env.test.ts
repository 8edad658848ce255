import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubAppFromEnv } from '../../src/scm/github-app-env.ts';

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n';

describe('GitHub App settings from the environment', () => {
  it('is undefined when no variable is set', () => {
    expect(githubAppFromEnv({ MESHPEER_TOKEN: 'x' })).toBeUndefined();
  });

  it('reads the key inline (with literal \\n) or from a file', () => {
    const inline = githubAppFromEnv({
      MESHPEER_GITHUB_APP_ID: '12',
      MESHPEER_GITHUB_APP_INSTALLATION_ID: '34',
      MESHPEER_GITHUB_APP_PRIVATE_KEY: PEM.replace(/\n/g, '\\n'),
    });
    expect(inline).toEqual({ appId: '12', installationId: 34, privateKey: PEM });
    const file = join(mkdtempSync(join(tmpdir(), 'meshpeer-app-')), 'key.pem');
    writeFileSync(file, PEM);
    const fromFile = githubAppFromEnv({
      MESHPEER_GITHUB_APP_ID: '12',
      MESHPEER_GITHUB_APP_INSTALLATION_ID: '34',
      MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE: file,
    });
    expect(fromFile?.privateKey).toBe(PEM);
  });

  it('names the missing setting in one line', () => {
    expect(() => githubAppFromEnv({ MESHPEER_GITHUB_APP_ID: '12' })).toThrow(
      'MESHPEER_GITHUB_APP_INSTALLATION_ID must be the numeric id from the installation URL',
    );
    expect(() =>
      githubAppFromEnv({ MESHPEER_GITHUB_APP_ID: '12', MESHPEER_GITHUB_APP_INSTALLATION_ID: '3' }),
    ).toThrow(/MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE/);
  });
});
