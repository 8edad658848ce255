/**
 * Issue 12, part B, items 3 and 6 on installs shaped like real ones: the gateways' permissions
 * come from their role (server-acl-init gives them no token Secret) and meshpeer's repair survives
 * `helm upgrade`; verification proves a peering without writing to Consul, without peering:write,
 * and without waiting for the first heartbeat (15 s on real Consul).
 */
import { describe, expect, it } from 'vitest';
import { kubeClusterAccess } from '../../src/app/cluster-access.ts';
import { directTransport } from '../../src/consul/consul-transport.ts';
import type { Step } from '../../src/plan/index.ts';
import { GATEWAY_POLICY_NAME } from '../../src/steps/acl-executor.ts';
import { createStepContext } from '../../src/steps/create-step-context.ts';
import { execute } from '../../src/steps/executors.ts';
import type { Topology } from '../../src/topology/index.ts';
import { sandboxConsulClient } from '../support/sandbox-consul-client.ts';
import { type InstallSandbox, installSandboxes } from './install-fixture.ts';

const installs = installSandboxes();

const start = (options: { oldGatewayPolicy?: boolean } = {}) =>
  installs.defaultInstall('runbook', {
    adjust: (c) => ({
      ...c,
      clusters: c.clusters.map((x) => ({
        ...x,
        acls: { ...x.acls, gatewayPolicyLacksPeeringRead: options.oldGatewayPolicy === true },
      })),
    }),
  });

function bootstrap(sandbox: InstallSandbox['sandbox'], cluster: string) {
  return sandboxConsulClient(sandbox, cluster, sandbox.stack(cluster).consul.acl?.bootstrapToken);
}

describe("3. the gateways' ACLs: their role, repaired so that helm upgrade keeps it", () => {
  it('links its own policy to the role, and the next helm upgrade (server-acl-init again) leaves it converged', async () => {
    const fx = await start({ oldGatewayPolicy: true });
    const plan = await fx.plan();
    const acl = plan.steps.filter((s) => s.kind === 'acl');
    expect(acl.map((s) => [s.lane, s.target.kind, s.target.name])).toEqual([
      ['cluster-01', 'ACLRole', 'consul-consul-mesh-gateway-acl-role'],
      ['cluster-02', 'ACLRole', 'consul-consul-mesh-gateway-acl-role'],
    ]);
    expect(acl[0]?.kind === 'acl' && acl[0].params.missing).toEqual(['peering:read']);
    const first = await fx.apply();
    expect(first.status, JSON.stringify(first.steps.filter((s) => s.status === 'failed'))).toBe('succeeded');

    for (const c of fx.sandbox.clusters) fx.sandbox.stack(c.name).consul.acl?.rerun();
    expect((await fx.plan()).converged).toBe(true);
    const consul = bootstrap(fx.sandbox, 'cluster-01');
    const role = await consul.readRoleByName('consul-consul-mesh-gateway-acl-role');
    expect(role?.Policies?.map((p) => p.Name).sort()).toEqual(['mesh-gateway-policy', GATEWAY_POLICY_NAME]);
    const chartPolicy = await consul.readPolicyByName('mesh-gateway-policy');
    expect(chartPolicy?.Description).toBe('mesh-gateway-policy Token Policy');
    expect(chartPolicy?.Rules).not.toContain('peering = "read"');
    const ours = await consul.readPolicyByName(GATEWAY_POLICY_NAME);
    expect(ours?.Description).toContain('meshpeer');
    expect(ours?.Rules).toContain('peering = "read"');
  });

  it('reads a token with the permissions through a role as holding them (no repair planned)', async () => {
    const fx = await start();
    const plan = await fx.plan();
    expect(plan.steps.some((s) => s.kind === 'acl')).toBe(false);
    expect(plan.errors).toEqual([]);
  });
});

/** A token with only what reading needs, in a Secret of every cluster: no peering:write. */
async function readOnlyToken(sandbox: InstallSandbox['sandbox'], cluster: string): Promise<string> {
  const stack = sandbox.stack(cluster).consul;
  const consul = bootstrap(sandbox, cluster);
  await consul.createPolicy({
    Name: 'meshpeer-read',
    Description: 'read only',
    Rules:
      'peering = "read"\nacl = "read"\nservice_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }\n',
  });
  const transport = directTransport(stack.apiUrl, {
    ...(stack.apiCaPem !== undefined && { ca: stack.apiCaPem }),
  });
  const res = await transport.send(
    'PUT',
    '/v1/acl/token',
    { 'x-consul-token': stack.acl?.bootstrapToken ?? '', 'content-type': 'application/json' },
    JSON.stringify({ Description: 'verify only', Policies: [{ Name: 'meshpeer-read' }] }),
  );
  const token = (JSON.parse(res.body) as { SecretID: string }).SecretID;
  sandbox.cluster(cluster).objects.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'meshpeer-read-token', namespace: 'consul' },
    data: { token: Buffer.from(token).toString('base64') },
  });
  return token;
}

function withToken(t: Topology, secret: string): Topology {
  return {
    ...t,
    clusters: t.clusters.map((c) => ({
      ...c,
      consul: { ...c.consul, aclToken: { secret, key: 'token', namespace: 'consul' } },
    })),
  };
}

describe('6. verification without side effects', () => {
  it('proves an ACTIVE peering before its first heartbeat, with a read-only token, writing nothing to Consul', async () => {
    const fx = await start();
    expect((await fx.apply()).status).toBe('succeeded');
    for (const c of ['cluster-01', 'cluster-02']) await readOnlyToken(fx.sandbox, c);
    const acceptor = bootstrap(fx.sandbox, 'cluster-01');
    const before = await acceptor.listPeerings();
    // Real Consul sends the first heartbeat 15 s after a stream opens; the run took far less.
    expect(before.map((p) => p.StreamStatus?.LastHeartbeat ?? null)).toEqual([null]);

    const readOnly = withToken(fx.topology, 'meshpeer-read-token');
    const ctx = createStepContext(
      readOnly.clusters,
      readOnly.acls,
      kubeClusterAccess({ overrides: { kubeconfig: fx.kubeconfig } }).clients(readOnly.clusters),
    );
    const verify = (await fx.plan()).steps.find((s): s is Step & { kind: 'verify' } => s.kind === 'verify');
    expect(verify?.params).toMatchObject({ handshake: true, probe: false });
    const outcome = verify && (await execute(verify, ctx));
    expect(outcome).toMatchObject({ type: 'done', data: { handshakeMs: expect.any(Number) } });

    const after = await acceptor.listPeerings();
    expect(after.map((p) => [p.Name, p.State, p.ModifyIndex])).toEqual(
      before.map((p) => [p.Name, p.State, p.ModifyIndex]),
    );
  });

  it('runs the opt-in deep probe through the gateway that spreads over three servers, and cleans up after it', async () => {
    const fx = await start();
    expect((await fx.apply()).status).toBe('succeeded');
    const deep = { ...fx.topology, verify: { ...fx.topology.verify, probe: true } };
    const verify = (await fx.plan(deep)).steps.find(
      (s): s is Step & { kind: 'verify' } => s.kind === 'verify',
    );
    const outcome = verify && (await execute(verify, fx.context()));
    expect(outcome).toMatchObject({ type: 'done', data: { probeMs: expect.any(Number) } });
    const counters = fx.sandbox.stack('cluster-01').gateway?.counters();
    expect(Object.keys(counters?.upstreams ?? {}).length).toBeGreaterThan(1);
    // A deleted peering is listed (DeletedAt set) until Consul's cleanup removes it.
    const all = await bootstrap(fx.sandbox, 'cluster-01').listPeerings();
    const left = all.filter((p) => !p.DeletedAt);
    expect(left.map((p) => p.Name)).toEqual(['cluster-02']);
  });
});
