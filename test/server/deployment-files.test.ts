/** Docker cannot run here, so the deployment files are checked by reading them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { serveConfig } from '../../src/app/serve-config.ts';
import { workerGitSourcesFromEnv } from '../../src/app/worker-git-env.ts';

interface ComposeService {
  command?: string[];
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
  ports?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

/** What compose would hand the process, with `${VAR:?...}` and `${VAR:-default}` resolved from `vars`. */
function resolved(env: Record<string, string>, vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      v.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_m, name: string, op?: string, rest?: string) => {
        const value = vars[name];
        if (value !== undefined && value !== '') return value;
        if (op === '?') throw new Error(`compose would refuse to start: ${rest}`);
        return rest ?? '';
      }),
    ]),
  );
}

describe('docker-compose.yml', () => {
  it('runs Redis with AOF persistence and noeviction', () => {
    const command = services.redis?.command ?? [];
    expect(command.join(' ')).toMatch(/--appendonly yes/);
    expect(command.join(' ')).toMatch(/--maxmemory-policy noeviction/);
  });

  it('runs serve without workers beside scalable workers built from the same image', () => {
    expect(services.serve?.command).toEqual(['serve', '--no-workers']);
    expect(services.worker?.command?.[0]).toBe('worker');
    expect(services.serve?.image).toBe(services.worker?.image);
    expect(services.serve?.build).toBe('.');
    expect(services.worker).not.toHaveProperty('ports');
    expect(services.worker).not.toHaveProperty('container_name');
    expect(services.serve?.ports).toContain('8080:8080');
  });

  it('gives serve a configuration meshpeer accepts, and workers the same Git access', () => {
    const vars = {
      MESHPEER_REPO_URL: 'https://github.com/acme/mesh-config.git',
      MESHPEER_TOKEN: 'ghp_composeToken0000111122223333',
      MESHPEER_WEBHOOK_SECRET: 'compose-webhook-secret',
      MESHPEER_UI_TOKEN: 'compose-ui-token-0123456789',
    };
    const serveEnv = resolved(services.serve?.environment ?? {}, vars);
    const config = serveConfig({ workers: false }, serveEnv);
    expect(config).toMatchObject({
      redisUrl: 'redis://redis:6379',
      targets: [{ repo: 'acme/mesh-config' }],
      webhookSecrets: ['compose-webhook-secret'],
    });
    expect(config.kubeconfig).toBe('/etc/meshpeer/kubeconfig');
    const workerEnv = resolved(services.worker?.environment ?? {}, vars);
    expect(workerEnv.REDIS_URL).toBe(serveEnv.REDIS_URL);
    expect(workerGitSourcesFromEnv(workerEnv)?.repos[0]?.url).toBe(vars.MESHPEER_REPO_URL);
    expect(() => resolved(services.serve?.environment ?? {}, {})).toThrow(/set MESHPEER_REPO_URL/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    dependencies: Record<string, string>;
    bin: Record<string, string>;
  };

  it('installs production dependencies on node 20 bookworm-slim and starts serve through the bin', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain(`ENTRYPOINT ["node", "${pkg.bin.meshpeer}"]`);
    expect(dockerfile).toMatch(/^CMD \["serve"\]$/m);
  });

  it('runs compiled code: a build stage compiles dist/, the image holds the product only', () => {
    const [build = '', runtime = ''] = dockerfile.split(/^FROM node:20-bookworm-slim$/m);
    expect(build).toMatch(/^FROM node:20-bookworm-slim AS build$/m);
    expect(build).toContain('RUN node scripts/build.mjs');
    expect(runtime).toContain('COPY bin ./bin');
    const copied = [...runtime.matchAll(/^COPY --from=build \/app\/(\S+) /gm)].map((m) => m[1]);
    expect(copied.sort()).toEqual(['dist/.build-stamp', 'dist/src', 'dist/workers']);
    expect(runtime).not.toMatch(/^COPY (src|workers|sandbox) /m);
    expect(readFileSync(pkg.bin.meshpeer as string, 'utf8')).toContain("import('../dist/src/cli/main.js')");
  });
});
