/**
 * Issue 12, part B, items 1, 2 and 7 on installs shaped like real ones: names derived from the
 * release's values (and overridable), Consul reached over the server Service's https port or at
 * `consul.address` trusting the install's CA, and installs without a Helm release Secret.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SandboxConfig } from '../../sandbox/src/sandbox-config.ts';
import { mergeValues } from '../../src/kube/helm-release.ts';
import { createCertificateAuthority } from '../../src/tls/certificate-authority.ts';
import type { ClusterSpec, Topology } from '../../src/topology/index.ts';
import { installSandboxes, withInstallAcls } from './install-fixture.ts';

const installs = installSandboxes();

/** The topology with one cluster's `consul` settings changed. */
function withConsul(t: Topology, cluster: string, consul: Partial<ClusterSpec['consul']>): Topology {
  return {
    ...t,
    clusters: t.clusters.map((c) => (c.name === cluster ? { ...c, consul: { ...c.consul, ...consul } } : c)),
  };
}

const defaultInstall = () => installs.defaultInstall('runbook');

describe('1. names from the release: consul.fullname', () => {
  it('finds consul-consul-server and consul-consul-mesh-gateway of `helm install consul`, and applies', async () => {
    const fx = await defaultInstall();
    const plan = await fx.plan();
    expect(plan.errors).toEqual([]);
    expect((await fx.apply()).status).toBe('succeeded');
  });

  it('takes consul.fullname from peerings.yaml over the release when set', async () => {
    const fx = await defaultInstall();
    const plan = await fx.plan(withConsul(fx.topology, 'cluster-01', { fullname: 'platform-consul' }));
    expect(plan.errors.find((e) => e.cluster === 'cluster-01')?.message).toBe(
      'mesh gateway Deployment platform-consul-mesh-gateway not found',
    );
  });
});

describe('2. Consul over https: the service proxy and consul.address', () => {
  it('uses the https port of the server Service (the chart renders no http port with httpsOnly)', async () => {
    const fx = await defaultInstall();
    const service = fx.sandbox.cluster('cluster-01').objects.get({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: 'consul',
      name: 'consul-consul-server',
    });
    const spec = service?.spec as { ports?: Array<{ name: string }> } | undefined;
    const ports = (spec?.ports ?? []).map((p) => p.name);
    expect(ports).toContain('https');
    expect(ports).not.toContain('http');
    const plan = await fx.plan();
    expect(plan.errors.filter((e) => e.code === 'consul_unreachable')).toEqual([]);
  });

  it("reaches consul.address over https trusting the install's CA Secret, and refuses a foreign CA", async () => {
    const fx = await defaultInstall();
    const address = fx.sandbox.stack('cluster-01').consul.httpsUrl ?? '';
    expect(address).toMatch(/^https:/);
    const direct = withConsul(fx.topology, 'cluster-01', { address });
    expect((await fx.plan(direct)).errors).toEqual([]);
    const foreign = join(fx.file, '..', 'foreign-ca.pem');
    await writeFile(foreign, (await createCertificateAuthority('not the cluster CA')).certPem);
    const wrong = await fx.plan(
      withConsul(fx.topology, 'cluster-01', { address, caCert: { file: foreign } }),
    );
    expect(wrong.errors.map((e) => e.code)).toEqual(['consul_unreachable']);
  });

  it('names a plain-http consul.address on an httpsOnly install', async () => {
    const fx = await defaultInstall();
    const address = (fx.sandbox.stack('cluster-01').consul.httpsUrl ?? '').replace('https:', 'http:');
    const plan = await fx.plan(withConsul(fx.topology, 'cluster-01', { address }));
    expect(plan.errors.map((e) => e.code)).toEqual(['consul_http_disabled']);
  });
});

describe('7. installs without a Helm release Secret', () => {
  const template = async () =>
    installs.start(
      'runbook',
      { helmValues: await installs.values(), release: 'consul', installedWith: 'template' },
      { edit: (text) => withInstallAcls(text, 'consul-consul') },
    );

  it('infers the values from the objects, says so in the plan, and applies', async () => {
    const fx = await template();
    const plan = await fx.plan();
    expect(plan.errors).toEqual([]);
    expect(plan.notes.map((n) => n.message)).toEqual([
      expect.stringMatching(/^no Helm release Secret for consul: values inferred from the objects/),
      expect.stringMatching(/^no Helm release Secret for consul: values inferred from the objects/),
    ]);
    expect((await fx.apply()).status).toBe('succeeded');
  });

  it('uses values declared in peerings.yaml when there is no release Secret', async () => {
    const fx = await template();
    const declared = withConsul(fx.topology, 'cluster-02', {
      helmValues: { ...(await installs.values()), meshGateway: { enabled: false } },
    });
    const plan = await fx.plan(declared);
    expect(plan.notes.find((n) => n.cluster === 'cluster-02')?.message).toContain('consul.helmValues');
    expect(plan.errors.find((e) => e.cluster === 'cluster-02')?.message).toBe(
      'the declared values of consul lack meshGateway.enabled=true',
    );
  });

  it('asks for global.enableConsulNamespaces when exports name a namespace', async () => {
    const withoutNamespaces = (c: SandboxConfig): SandboxConfig => ({
      ...c,
      clusters: c.clusters.map((x) => ({
        ...x,
        helm: {
          ...x.helm,
          values: mergeValues(x.helm.values, { global: { enableConsulNamespaces: false } }),
        },
      })),
    });
    // Enterprise without partitions: the chart refuses partitions without namespaces.
    const enterpriseWithNamespace = (text: string) =>
      text
        .replace(/- name: (cluster-0\d)/g, '- name: $1\n    enterprise: true')
        .replace('- name: static-server', '- name: static-server\n        namespace: default');
    const fx = await installs.start(
      'runbook',
      {},
      { edit: enterpriseWithNamespace, adjust: withoutNamespaces },
    );
    const plan = await fx.plan();
    expect(plan.errors.find((e) => e.cluster === 'cluster-02')).toMatchObject({
      code: 'helm_values',
      message: 'Helm release consul lacks global.enableConsulNamespaces=true',
    });
  });

  it('names an ACL mismatch in both directions, never "unreachable"', async () => {
    const values = await installs.values();
    const withoutAcls = mergeValues(values, { global: { acls: { manageSystemACLs: false } } });
    const noAcls = await installs.start('acls', { helmValues: withoutAcls, release: 'consul' });
    expect((await noAcls.plan()).errors.map((e) => e.code)).toEqual(['acl_mismatch', 'acl_mismatch']);
    const withAcls = await installs.start('runbook', { helmValues: values, release: 'consul' });
    const unexpected = await withAcls.plan();
    expect(unexpected.errors.map((e) => e.code)).toEqual(['acl_mismatch', 'acl_mismatch']);
    expect(unexpected.errors[0]?.message).toContain('runs with ACLs');
  });
});
