import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { reuseConnections } from '../../src/kube/reuse-connections.ts';

function kubeConfig(ca: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData: Buffer.from(ca).toString('base64') }],
    users: [{ name: 'u', token: 'not-a-real-token-0123456789' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

async function agentOf(kc: KubeConfig): Promise<unknown> {
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  return options.agent;
}

describe('reuseConnections', () => {
  it('hands out one keep-alive agent per KubeConfig instead of a new agent per request', async () => {
    const plain = kubeConfig('ca-one');
    expect(await agentOf(plain)).not.toBe(await agentOf(plain));
    const kc = reuseConnections(kubeConfig('ca-one'));
    const first = (await agentOf(kc)) as { keepAlive?: boolean };
    expect(await agentOf(kc)).toBe(first);
    expect(first.keepAlive).toBe(true);
  });

  it('never shares an agent between two clusters’ configs', async () => {
    const a = reuseConnections(kubeConfig('ca-one'));
    const b = reuseConnections(kubeConfig('ca-one'));
    expect(await agentOf(a)).not.toBe(await agentOf(b));
  });

  it('makes a new agent when the TLS material changes', async () => {
    const kc = reuseConnections(kubeConfig('ca-one'));
    const first = await agentOf(kc);
    const cluster = kc.getCurrentCluster() as { caData?: string };
    cluster.caData = Buffer.from('ca-two').toString('base64');
    expect(await agentOf(kc)).not.toBe(first);
  });
});
