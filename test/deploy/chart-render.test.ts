/**
 * charts/meshpeer through the real helm: lint, render with defaults and with every optional
 * feature, every object valid against the Kubernetes schemas, and what the Deployments run with
 * (probes, security, grace periods as docker-compose.yml's, the environment meshpeer reads).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { serveConfig } from '../../src/app/serve-config.ts';
import { workerGitSourcesFromEnv } from '../../src/app/worker-git-env.ts';
import { helm, type RenderedObject, renderChart } from '../support/helm-render.ts';
import { objectProblems } from './kube-object-check.ts';

let defaults: RenderedObject[];
let everything: RenderedObject[];

beforeAll(async () => {
  [defaults, everything] = await Promise.all([
    renderChart(),
    renderChart({ values: ['test/deploy/all-features.values.yaml'] }),
  ]);
});

function find(objects: RenderedObject[], kind: string, nameSuffix = ''): RenderedObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
  if (found === undefined) throw new Error(`no ${kind} *${nameSuffix} rendered`);
  return found;
}

// biome-ignore lint/suspicious/noExplicitAny: containers of rendered manifests are read by path.
const container = (o: RenderedObject): Record<string, any> => o.spec.template.spec.containers[0];

function env(o: RenderedObject): Map<string, { value?: string; valueFrom?: unknown }> {
  return new Map(
    (container(o).env as Array<{ name: string; value?: string; valueFrom?: unknown }>).map((e) => [
      e.name,
      e,
    ]),
  );
}

describe('helm lint and template', () => {
  it('lints clean', async () => {
    const lint = await helm(['lint', 'charts/meshpeer', '--values', 'test/deploy/all-features.values.yaml']);
    expect(lint.stdout + lint.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(lint.code).toBe(0);
    expect((await helm(['lint', 'charts/meshpeer', '--strict'])).code).toBe(0);
  });

  it('takes appVersion from package.json, and the image tag from it by default', async () => {
    const chart = parse(await readFile('charts/meshpeer/Chart.yaml', 'utf8')) as { appVersion: string };
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    expect(chart.appVersion).toBe(pkg.version);
    expect(container(find(defaults, 'Deployment', '-serve')).image).toBe(`meshpeer:${pkg.version}`);
  });

  it('renders the default install: serve, workers, Service, ServiceAccount, Redis', () => {
    expect(defaults.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/meshpeer-serve',
      'Deployment/meshpeer-worker',
      'Service/meshpeer',
      'Service/meshpeer-redis',
      'ServiceAccount/meshpeer',
      'StatefulSet/meshpeer-redis',
    ]);
    expect(defaults.every((o) => o.metadata.namespace === 'meshpeer')).toBe(true);
  });

  it('renders every optional feature at once', () => {
    const kinds = new Set(everything.map((o) => o.kind));
    for (const kind of [
      'HorizontalPodAutoscaler',
      'ServiceMonitor',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
    ])
      expect(kinds).toContain(kind);
    expect(everything.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace)).toEqual([
      'consul',
      'consul-partitions',
    ]);
  });

  it('refuses values the schema or the templates reject, with a message naming the value', async () => {
    const cases: Array<[string[], string]> = [
      [['--set', 'serve.uiAuth=open'], '/serve/uiAuth'],
      [['--set', 'repoUrl=git@github.com:acme/x.git'], '/repoUrl'],
      [['--set', 'redis.url=http://redis:6379', '--set', 'redis.enabled=false'], '/redis/url'],
      [['--set', 'redis.url=redis://r:6379'], 'set redis.enabled=false'],
      [['--set', 'redis.enabled=false'], 'meshpeer needs Redis'],
      [['--set', 'githubApp.appId=12'], 'set githubApp.installationId too'],
      [['--set', 'unknownValue=1'], 'unknownValue'],
      [['--set', 'queuePrefix={meshpeer}'], '/queuePrefix'],
      [
        ['--set', 'targets[0].repoUrl=https://github.com/a/b.git', '--set', 'targets[0].provider=gitlab'],
        'provider',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await helm(['template', 'meshpeer', 'charts/meshpeer', ...args]);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
  });
});

/** The dotted paths of values.yaml's settings (objects of settings descend; maps and lists are leaves). */
function valuePaths(node: Record<string, unknown>, prefix = ''): string[] {
  const leaves = ['resources', 'annotations', 'labels', 'podSecurityContext', 'securityContext'];
  return Object.entries(node).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    const descend = value !== null && typeof value === 'object' && !Array.isArray(value);
    return descend && Object.keys(value).length > 0 && !leaves.includes(key)
      ? valuePaths(value as Record<string, unknown>, `${path}.`)
      : [path];
  });
}

describe('the documentation of the values', () => {
  it('names every value in the README table and the schema', async () => {
    const values = parse(await readFile('charts/meshpeer/values.yaml', 'utf8')) as Record<string, unknown>;
    const readme = await readFile('charts/meshpeer/README.md', 'utf8');
    const schema = await readFile('charts/meshpeer/values.schema.json', 'utf8');
    const paths = valuePaths(values);
    expect(paths.length).toBeGreaterThan(60);
    expect(paths.filter((p) => !readme.includes(`| \`${p}\` |`))).toEqual([]);
    expect(paths.filter((p) => !schema.includes(`"${p.split('.').at(-1)}"`))).toEqual([]);
  });
});

describe('the Kubernetes schemas', () => {
  it('accept every object of both renders, with no field the API does not define', () => {
    expect(defaults.flatMap(objectProblems)).toEqual([]);
    expect(everything.flatMap(objectProblems)).toEqual([]);
  });

  it('catch a wrong type and an unknown field (the check is not vacuous)', () => {
    const broken = structuredClone(find(defaults, 'Deployment', '-serve'));
    broken.spec.replicas = 'one';
    broken.spec.template.spec.containers[0].livenessProbe.httpGet.paht = '/healthz';
    const problems = objectProblems(broken);
    expect(problems.join('\n')).toContain('spec/replicas must be integer');
    expect(problems.join('\n')).toContain(
      'unknown field "spec.template.spec.containers[0].livenessProbe.httpGet.paht"',
    );
  });
});

describe('the serve and worker Deployments', () => {
  it('run serve without workers and the workers, each probed on /healthz and /readyz, with compose`s grace periods', async () => {
    const compose = parse(await readFile('docker-compose.yml', 'utf8')) as {
      services: Record<string, { stop_grace_period: string; command: string[] }>;
    };
    const serve = find(defaults, 'Deployment', '-serve');
    expect(container(serve).args).toEqual(compose.services.serve?.command);
    expect(container(serve).livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container(serve).readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(`${serve.spec.template.spec.terminationGracePeriodSeconds}s`).toBe(
      compose.services.serve?.stop_grace_period,
    );
    const worker = find(defaults, 'Deployment', '-worker');
    expect(container(worker).args).toEqual(compose.services.worker?.command);
    expect(container(worker).env).toContainEqual({ name: 'MESHPEER_HEALTH_PORT', value: '8081' });
    expect(container(worker).ports).toEqual([{ name: 'health', containerPort: 8081 }]);
    expect(container(worker).livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container(worker).readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(`${worker.spec.template.spec.terminationGracePeriodSeconds}s`).toBe(
      compose.services.worker?.stop_grace_period,
    );
    expect(worker.spec.replicas).toBe(2);
  });

  it('run as a non-root user on a read-only root, writing only the Git cache and /tmp (emptyDirs)', () => {
    for (const d of [find(defaults, 'Deployment', '-serve'), find(defaults, 'Deployment', '-worker')]) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(container(d).securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      const mounts = new Map(
        (container(d).volumeMounts as Array<{ name: string; mountPath: string }>).map((m) => [
          m.mountPath,
          m.name,
        ]),
      );
      expect(env(d).get('MESHPEER_CACHE_DIR')?.value).toBe('/var/cache/meshpeer');
      for (const path of ['/var/cache/meshpeer', '/tmp']) {
        const volume = pod.volumes.find((v: { name: string }) => v.name === mounts.get(path));
        expect(volume?.emptyDir, path).toEqual({});
      }
    }
  });

  it('give serve and workers the same Redis, repository, token and kubeconfig; the secrets only by reference', () => {
    const serve = env(find(defaults, 'Deployment', '-serve'));
    const worker = env(find(defaults, 'Deployment', '-worker'));
    for (const name of [
      'REDIS_URL',
      'MESHPEER_QUEUE_PREFIX',
      'MESHPEER_BRANCH',
      'MESHPEER_PATH',
      'MESHPEER_TOKEN',
    ])
      expect(worker.get(name), name).toEqual(serve.get(name));
    expect(serve.get('REDIS_URL')?.value).toBe('redis://meshpeer-redis:6379');
    for (const name of ['MESHPEER_TOKEN', 'MESHPEER_WEBHOOK_SECRET', 'MESHPEER_UI_TOKEN'])
      expect(serve.get(name)?.valueFrom).toEqual({
        secretKeyRef: { name: 'meshpeer', key: expect.any(String), optional: true },
      });
    expect(worker.has('MESHPEER_WEBHOOK_SECRET')).toBe(false);
  });

  it('with several targets, mount the list at /etc/meshpeer/targets.yaml and set MESHPEER_TARGETS_FILE on both', () => {
    const map = find(everything, 'ConfigMap', '-targets');
    const file = parse(map.data['targets.yaml']) as { targets: Array<Record<string, string>> };
    expect(file.targets.map((t) => [t.name, t.repoUrl, t.branch, t.path])).toEqual([
      ['staging', 'https://github.example.com/acme/mesh-config.git', 'staging', 'peerings.yaml'],
      ['production', 'https://github.example.com/platform/mesh-config.git', 'main', 'clusters/peerings.yaml'],
    ]);
    for (const d of [find(everything, 'Deployment', '-serve'), find(everything, 'Deployment', '-worker')]) {
      const vars = env(d);
      expect(vars.get('MESHPEER_TARGETS_FILE')?.value).toBe('/etc/meshpeer/targets.yaml');
      expect(vars.has('MESHPEER_REPO_URL')).toBe(false);
      expect(vars.get('KUBECONFIG')?.value).toBe('/etc/meshpeer/kubeconfig');
      expect(vars.get('MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE')?.value).toBe(
        '/etc/meshpeer/github-app/private-key.pem',
      );
      expect(d.spec.template.metadata.annotations['checksum/targets']).toMatch(/^[0-9a-f]{64}$/);
      const sources = d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'config')
        .projected.sources;
      expect(
        sources.flatMap((s: Record<string, { items: Array<{ path: string }> }>) =>
          Object.values(s)[0]?.items.map((i) => i.path),
        ),
      ).toEqual(['kubeconfig', 'in-cluster/kubeconfig', 'targets.yaml', 'github-app/private-key.pem']);
    }
    expect(find(everything, 'Deployment', '-worker').spec.replicas).toBeUndefined();
  });

  it('with rbac.create alone, mount the ServiceAccount token and point KUBECONFIG at its in-cluster kubeconfig', async () => {
    const objects = await renderChart({ set: ['rbac.create=true'] });
    for (const d of [find(objects, 'Deployment', '-serve'), find(objects, 'Deployment', '-worker')]) {
      expect(d.spec.template.spec.automountServiceAccountToken).toBe(true);
      expect(env(d).get('KUBECONFIG')?.value).toBe('/etc/meshpeer/in-cluster/kubeconfig');
    }
    const kubeconfig = parse(find(objects, 'ConfigMap', '-in-cluster').data.kubeconfig);
    expect(kubeconfig.users[0].user['auth-provider']).toEqual({
      name: 'tokenFile',
      config: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
    });
  });

  it('with one target, set MESHPEER_REPO_URL and friends from the values', async () => {
    const objects = await renderChart({
      set: ['repoUrl=https://github.com/acme/mesh.git', 'branch=prod', 'provider=github'],
    });
    const vars = env(find(objects, 'Deployment', '-worker'));
    expect(vars.get('MESHPEER_REPO_URL')?.value).toBe('https://github.com/acme/mesh.git');
    expect(vars.get('MESHPEER_BRANCH')?.value).toBe('prod');
    expect(vars.get('MESHPEER_PROVIDER')?.value).toBe('github');
    expect(vars.has('MESHPEER_TARGETS_FILE')).toBe(false);
  });

  it('expose the metrics port on the Service and scrape it from the ServiceMonitor', () => {
    const service = find(everything, 'Service', 'meshpeer');
    expect(service.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([
      ['http', 8080],
      ['metrics', 9090],
    ]);
    expect(env(find(everything, 'Deployment', '-serve')).get('MESHPEER_METRICS_PORT')?.value).toBe('9090');
    expect(find(everything, 'ServiceMonitor').spec.endpoints).toEqual([
      { port: 'metrics', path: '/metrics', interval: '30s' },
    ]);
  });

  it('without a metrics port, let the ServiceMonitor scrape the main port with the UI token', async () => {
    const objects = await renderChart({ set: ['serviceMonitor.enabled=true'] });
    expect(find(objects, 'ServiceMonitor').spec.endpoints[0]).toMatchObject({
      port: 'http',
      authorization: { type: 'Bearer', credentials: { name: 'meshpeer', key: 'ui-token' } },
    });
  });
});

describe('the bundled Redis', () => {
  it('runs redis:7 with AOF every second and no eviction, on a claim', () => {
    const redis = find(defaults, 'StatefulSet', '-redis');
    expect(container(redis).image).toBe('redis:7');
    expect(container(redis).args).toEqual([
      'redis-server',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
    ]);
    expect(redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
  });

  it('gives way to an external Redis from a Secret (redis-sentinel:// and the like)', async () => {
    const objects = await renderChart({ set: ['redis.enabled=false', 'redis.existingSecret=redis-ha'] });
    expect(objects.some((o) => o.metadata.name.endsWith('-redis'))).toBe(false);
    expect(env(find(objects, 'Deployment', '-serve')).get('REDIS_URL')?.valueFrom).toEqual({
      secretKeyRef: { name: 'redis-ha', key: 'redis-url' },
    });
    const plain = await renderChart({
      set: ['redis.enabled=false', 'redis.url=redis-sentinel://s1:26379\\,s2:26379/mymaster'],
    });
    expect(env(find(plain, 'Deployment', '-worker')).get('REDIS_URL')?.value).toBe(
      'redis-sentinel://s1:26379,s2:26379/mymaster',
    );
  });
});

/** Stand-ins for what the Secrets hold, by variable. */
const secretValues: Record<string, string> = {
  MESHPEER_TOKEN: 'chart-test-token-0123456789',
  MESHPEER_WEBHOOK_SECRET: 'chart-test-webhook-secret',
  MESHPEER_UI_TOKEN: 'chart-test-ui-token-0123456789abcdef',
  MESHPEER_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXX',
};

/**
 * A Deployment's environment as the pod would see it: Secret references filled with stand-ins and
 * the files under /etc/meshpeer written to `dir` (the targets ConfigMap, the GitHub App key).
 */
async function podEnv(
  d: RenderedObject,
  objects: RenderedObject[],
  dir: string,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, e] of env(d)) out[name] = e.value ?? secretValues[name] ?? 'unknown-secret';
  if (out.MESHPEER_TARGETS_FILE !== undefined) {
    out.MESHPEER_TARGETS_FILE = join(dir, 'targets.yaml');
    await writeFile(out.MESHPEER_TARGETS_FILE, find(objects, 'ConfigMap', '-targets').data['targets.yaml']);
  }
  if (out.MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE !== undefined) {
    out.MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE = join(dir, 'private-key.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(
      out.MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE,
      privateKey.export({ type: 'pkcs1', format: 'pem' }),
    );
  }
  return out;
}

describe("meshpeer's own configuration loaders", () => {
  it('accept what serve and the workers get, with several targets and a GitHub App', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshpeer-chart-env-'));
    try {
      const serveEnv = await podEnv(find(everything, 'Deployment', '-serve'), everything, dir);
      const config = serveConfig({ workers: false }, serveEnv);
      expect(config.targets.map((t) => [t.target, t.branch, t.path])).toEqual([
        ['staging', 'staging', 'peerings.yaml'],
        ['production', 'main', 'clusters/peerings.yaml'],
      ]);
      expect(config).toMatchObject({
        workers: false,
        metricsPort: 9090,
        queuePrefix: 'meshpeer-prod',
        strict: true,
      });
      expect(config.githubApp?.appId).toBe('123456');
      const workerEnv = await podEnv(find(everything, 'Deployment', '-worker'), everything, dir);
      expect(workerGitSourcesFromEnv(workerEnv)?.repos.map((r) => r.url)).toEqual([
        'https://github.example.com/acme/mesh-config.git',
        'https://github.example.com/platform/mesh-config.git',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accept the one-target environment, and serve names MESHPEER_REPO_URL when it is missing', async () => {
    const one = await renderChart({ set: ['repoUrl=https://github.com/acme/mesh.git'] });
    const serveEnv = await podEnv(find(one, 'Deployment', '-serve'), one, tmpdir());
    expect(serveConfig({ workers: false }, serveEnv).targets.map((t) => t.url)).toEqual([
      'https://github.com/acme/mesh.git',
    ]);
    const workerEnv = await podEnv(find(one, 'Deployment', '-worker'), one, tmpdir());
    expect(workerGitSourcesFromEnv(workerEnv)?.repos).toEqual([
      { url: 'https://github.com/acme/mesh.git', branch: 'main', path: 'peerings.yaml' },
    ]);
    const bare = await podEnv(find(defaults, 'Deployment', '-serve'), defaults, tmpdir());
    expect(() => serveConfig({ workers: false }, bare)).toThrow('MESHPEER_REPO_URL');
  });
});
