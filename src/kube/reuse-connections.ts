/**
 * Connection reuse for @kubernetes/client-node 1.4, which builds a new https.Agent for every
 * request (`KubeConfig.createAgent`), so every call paid a fresh TCP and TLS handshake.
 */
import type { Agent } from 'node:http';
import type { AgentOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** Idle sockets close before a typical server's 5 s idle timeout, so a reuse never races the server's close. */
const IDLE_SOCKET_MS = 4000;

type AgentFactory = { createAgent(cluster: unknown, options: AgentOptions): Agent };

/** The options that make two agents interchangeable (the credentials themselves never leave memory). */
function agentKey(options: AgentOptions): string {
  return [options.ca, options.cert, options.key, options.pfx, options.servername, options.rejectUnauthorized]
    .map(String)
    .join('\0');
}

/**
 * Makes one KubeConfig hand out a single keep-alive agent for as long as its TLS options stay the
 * same (a rotated client certificate gets a new agent). The factory is private in client-node's
 * types, hence the cast; the KubeConfig is per cluster, so no connection is shared across clusters.
 */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  const factory = kc as unknown as AgentFactory;
  const create = factory.createAgent.bind(kc);
  let cached: { key: string; agent: Agent } | undefined;
  factory.createAgent = (cluster, options) => {
    const key = agentKey(options);
    if (cached?.key !== key) {
      const agentOptions = { ...options, keepAlive: true, timeout: options.timeout ?? IDLE_SOCKET_MS };
      cached = { key, agent: create(cluster, agentOptions) };
    }
    return cached.agent;
  };
  return kc;
}
