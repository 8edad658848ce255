/**
 * Connection reuse for @kubernetes/client-node 1.4, which builds a new https.Agent for every
 * request (`KubeConfig.createAgent`), so every call paid a fresh TCP and TLS handshake; and
 * request deadlines that close the request's socket, which client-node 1.4 has none of (its
 * fetch takes an AbortSignal only through the request context).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Agent } from 'node:http';
import type { AgentOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** The signal of the call being made, set by `withRequestSignal` for every request it issues. */
const requestSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `fn` so every API request it makes through a KubeConfig passed to `reuseConnections`
 * carries `signal`: aborting it destroys the request and its socket, so a stalled API server
 * leaves nothing that keeps the process alive.
 */
export function withRequestSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return requestSignal.run(signal, fn);
}

type RequestContextLike = { setSignal(signal: AbortSignal): void };
type SecurityApplier = { applySecurityAuthentication(context: RequestContextLike): Promise<void> };

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
 * same (a rotated client certificate gets a new agent), and gives each request the signal of
 * `withRequestSignal`. The factory is private in client-node's types, hence the cast; the
 * KubeConfig is per cluster, so no connection is shared across clusters.
 */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  const security = kc as unknown as SecurityApplier;
  const authenticate = security.applySecurityAuthentication.bind(kc);
  // client-node 1.4 calls this for every request, discovery included, right before sending it.
  security.applySecurityAuthentication = async (context) => {
    await authenticate(context);
    const signal = requestSignal.getStore();
    if (signal !== undefined) context.setSignal(signal);
  };
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
