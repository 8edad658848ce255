import { describe, expect, it } from 'vitest';
import { serveConfig } from '../../src/app/serve-config.ts';
import { redact } from '../../src/secrets/redact.ts';

const env = {
  MESHPEER_REPO_URL: 'https://github.com/acme/mesh-config.git',
  REDIS_URL: 'redis://localhost:6379',
  MESHPEER_TOKEN: 'ghp_configTestToken000111222333',
  MESHPEER_WEBHOOK_SECRET: 'secret-one-aaaa, secret-two-bbbb',
  MESHPEER_UI_TOKEN: 'ui-token-0123456789abcdef',
};

describe('serve configuration', () => {
  it('derives repository, target, provider and API URL from the clone URL', () => {
    const c = serveConfig({}, env);
    expect(c.targets).toEqual([
      {
        target: 'acme/mesh-config@main',
        url: env.MESHPEER_REPO_URL,
        branch: 'main',
        path: 'peerings.yaml',
        provider: 'github',
        repo: 'acme/mesh-config',
      },
    ]);
    expect(c).toMatchObject({
      provider: 'github',
      scmApiUrl: 'https://api.github.com',
      pollIntervalMs: 60_000,
      port: 8080,
      workers: true,
      gitUsername: 'x-access-token',
      webhookSecrets: ['secret-one-aaaa', 'secret-two-bbbb'],
    });
    expect(redact(`token ${env.MESHPEER_TOKEN}`)).not.toContain(env.MESHPEER_TOKEN);
  });

  it('knows GitHub Enterprise and self-hosted GitLab API roots, and flags win over the environment', () => {
    expect(serveConfig({ repoUrl: 'https://ghe.example.com/ops/mesh.git' }, env).scmApiUrl).toBe(
      'https://ghe.example.com/api/v3',
    );
    const gl = serveConfig(
      { repoUrl: 'https://gitlab.example.com/platform/net/mesh.git', branch: 'prod' },
      env,
    );
    expect(gl).toMatchObject({
      provider: 'gitlab',
      targets: [{ repo: 'platform/net/mesh', branch: 'prod', target: 'platform/net/mesh@prod' }],
      scmApiUrl: 'https://gitlab.example.com',
      gitUsername: 'oauth2',
    });
    const custom = serveConfig(
      { tokenEnv: 'GH_PAT' },
      {
        ...env,
        GH_PAT: 'ghp_other0000111122223333',
      },
    );
    expect(custom.token).toBe('ghp_other0000111122223333');
    expect(serveConfig({ workers: false, pollInterval: '0s' }, env)).toMatchObject({
      workers: false,
      pollIntervalMs: 0,
    });
  });

  it('lists every problem with the flag and variable to fix', () => {
    expect(() =>
      serveConfig({ repoUrl: 'https://user:pw@github.com/a/b.git', pollInterval: 'soon', port: '99999' }, {}),
    ).toThrow(
      /invalid serve configuration:\n.*--repo-url \(MESHPEER_REPO_URL\): must not contain credentials[\s\S]*--poll-interval[\s\S]*--redis-url \(REDIS_URL\): is required[\s\S]*--port/,
    );
  });
});

describe('serve configuration: reconcile and exposure', () => {
  it('checks every 3 minutes with self-heal and 5 retries from 30 s by default', () => {
    expect(serveConfig({}, env)).toMatchObject({
      reconcileIntervalMs: 180_000,
      selfHeal: true,
      retry: { limit: 5, baseMs: 30_000, maxMs: 600_000 },
      uiAuth: { mode: 'token' },
    });
    expect(
      serveConfig({ reconcileInterval: '0s', selfHeal: false, retryLimit: '0', metricsPort: '9090' }, env),
    ).toMatchObject({ reconcileIntervalMs: 0, selfHeal: false, retry: { limit: 0 }, metricsPort: 9090 });
    expect(serveConfig({}, { ...env, MESHPEER_SELF_HEAL: 'false' }).selfHeal).toBe(false);
  });

  it('refuses an open status page and API beyond loopback unless chosen on purpose', () => {
    const { MESHPEER_UI_TOKEN: _none, ...open } = env;
    expect(() => serveConfig({}, open)).toThrow(/^refusing to serve the status page and API on 0.0.0.0/);
    expect(serveConfig({ host: '127.0.0.1' }, open).uiAuth).toEqual({ mode: 'none', explicit: false });
    expect(serveConfig({ uiAuth: 'none' }, open).exposureWarning).toContain('need no credentials');
  });
});

describe('worker git access', () => {
  it('comes from the same environment as serve, and is absent without a repository URL', async () => {
    const { workerGitSourcesFromEnv } = await import('../../src/app/worker-git-env.ts');
    expect(workerGitSourcesFromEnv({})).toBeUndefined();
    expect(workerGitSourcesFromEnv({ ...env, MESHPEER_BRANCH: 'prod' })).toMatchObject({
      repos: [{ url: env.MESHPEER_REPO_URL, branch: 'prod', path: 'peerings.yaml' }],
      auth: { token: env.MESHPEER_TOKEN, username: 'x-access-token' },
    });
  });
});
