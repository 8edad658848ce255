import { describe, expect, it } from 'vitest';
import { serveConfig } from '../../src/app/serve-config.ts';
import { workerGitSourcesFromEnv } from '../../src/app/worker-git-env.ts';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';
const env = {
  MESHPEER_REPO_URL: 'https://github.com/acme/mesh-config.git',
  REDIS_URL: 'redis://127.0.0.1:6379',
  MESHPEER_UI_TOKEN: 'ui-token-0123456789abcdef',
  MESHPEER_GITHUB_APP_ID: '123',
  MESHPEER_GITHUB_APP_PRIVATE_KEY: PEM,
  MESHPEER_GITHUB_APP_INSTALLATION_ID: '456',
};

describe('GitHub App configuration for serve and workers', () => {
  it('serve takes the app from the environment', () => {
    expect(serveConfig({}, env).githubApp).toEqual({ appId: '123', privateKey: PEM, installationId: 456 });
  });

  it('a worker authenticates Git with x-access-token and a token function, not a fixed token', () => {
    const auth = workerGitSourcesFromEnv({ ...env, MESHPEER_TOKEN: 'ghp_unused' })?.auth;
    expect(auth?.username).toBe('x-access-token');
    expect(typeof auth?.token).toBe('function');
  });

  it('refuses an app id that is not a number in one line', () => {
    expect(() => serveConfig({}, { ...env, MESHPEER_GITHUB_APP_ID: 'meshpeer' })).toThrow(
      /^MESHPEER_GITHUB_APP_ID must be the numeric app id/,
    );
  });
});
