/** Helpers for the simulated Consul tests: fast-timer servers, plain-fetch API calls, bounded polling. */
import {
  type ConsulServerOptions,
  type SimulatedConsul,
  startConsulServer,
} from '../../../src/sandbox/consul/consul-server.ts';

/** A plain HTTP answer. */
export interface ApiAnswer {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary Consul JSON.
  readonly json: any;
}

/** Calls the server's HTTP API with fetch, optionally with an ACL token. */
export async function api(
  server: SimulatedConsul,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['X-Consul-Token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, headers: res.headers, json };
}

/** Polls until `check` returns a value other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Fast timers so heartbeats, timeouts, reconnects and deletions happen within a test. */
export const fastTimers: Partial<ConsulServerOptions> = {
  heartbeatIntervalMs: 100,
  idleTimeoutMs: 3_000,
  reconnectBackoff: { baseMs: 100, maxMs: 400 },
  deletionDelayMs: 300,
};

/** Starts a server with fast timers. */
export function startServer(options: Partial<ConsulServerOptions> & { cluster: string; datacenter: string }) {
  return startConsulServer({ ...fastTimers, ...options });
}

/** Waits until a peering reaches `state` on a server (with the given token, if any). */
export function waitForState(
  server: SimulatedConsul,
  name: string,
  state: string,
  options: { token?: string; query?: string } = {},
): Promise<ApiAnswer> {
  return waitFor(async () => {
    const answer = await api(
      server,
      'GET',
      `/v1/peering/${name}${options.query ?? ''}`,
      undefined,
      options.token,
    );
    return answer.json?.State === state ? answer : undefined;
  }, `${server.cluster} peering ${name} to be ${state}`);
}

/** Generates a token on `acceptor` and establishes it on `dialer`; returns the token. */
export async function peer(
  acceptor: SimulatedConsul,
  dialer: SimulatedConsul,
  names: { acceptorSide: string; dialerSide: string },
  options: { acceptorToken?: string; dialerToken?: string; query?: string } = {},
): Promise<string> {
  const q = options.query ?? '';
  const generated = await api(
    acceptor,
    'POST',
    `/v1/peering/token${q}`,
    { PeerName: names.acceptorSide },
    options.acceptorToken,
  );
  if (generated.status !== 200) throw new Error(`token: ${generated.status} ${generated.text}`);
  const token = generated.json.PeeringToken as string;
  const established = await api(
    dialer,
    'POST',
    `/v1/peering/establish${q}`,
    { PeerName: names.dialerSide, PeeringToken: token },
    options.dialerToken,
  );
  if (established.status !== 200) throw new Error(`establish: ${established.status} ${established.text}`);
  return token;
}
