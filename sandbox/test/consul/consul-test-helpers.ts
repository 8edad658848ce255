/**
 * Helpers for the simulated Consul tests: fast-timer servers, API calls over HTTP (fetch) or HTTPS
 * (with the API's CA), bounded polling, and a raw StreamResources call that reports the refusal.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceError, status } from '@grpc/grpc-js';
import { directTransport } from '../../../src/consul/consul-transport.ts';
import { LeaderAddress } from '../../../src/peering/generated/private/pbpeerstream/peerstream.ts';
import { Status } from '../../../src/peering/generated/private/pbstatus/status.ts';
import { createPeerClient, targetFromToken } from '../../../src/peering/peer-client.ts';
import {
  type ConsulServerOptions,
  type SimulatedConsul,
  startConsulServer,
} from '../../src/consul/consul-server.ts';
import type { PeeringToken } from '../../src/peering/index.ts';
import { waitFor as pollFor } from '../sandbox-test-helpers.ts';

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

/** waitFor with the longer default a Consul server's leader election and replication need. */
export function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  return pollFor(check, what, timeoutMs);
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

/** Calls the API at `server.apiUrl` (HTTPS with `apiCaPem` when it runs); answers with status and text. */
export async function apiTls(
  server: SimulatedConsul,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  options: { ca?: string } = {},
): Promise<{ status: number; body: string }> {
  const ca = options.ca ?? server.apiCaPem;
  return directTransport(server.apiUrl, { timeoutMs: 5_000, ...(ca !== undefined && { ca }) }).send(
    method,
    path,
    {},
  );
}

/** How a StreamResources call that opens with an unknown PeerID ended. */
export interface StreamRefusal {
  readonly code: status;
  readonly details: string;
  /** The LeaderAddress detail, when the server sent one. */
  readonly leaderAddress: string | undefined;
}

function leaderAddressOf(error: ServiceError): string | undefined {
  const raw = error.metadata?.get('grpc-status-details-bin')[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  const detail = Status.decode(raw).details[0];
  return detail === undefined ? undefined : LeaderAddress.decode(detail.value).address;
}

/**
 * Opens StreamResources at `address` with the token's TLS settings and an Open for a random PeerID:
 * a follower refuses before reading it (FailedPrecondition), the leader answers InvalidArgument.
 */
export function refusedStream(token: PeeringToken, address: string): Promise<StreamRefusal> {
  const client = createPeerClient(address, targetFromToken(token));
  const call = client.streamResources();
  return new Promise<StreamRefusal>((resolve, reject) => {
    call.on('data', () => {});
    call.on('error', (error: ServiceError) =>
      resolve({ code: error.code, details: error.details, leaderAddress: leaderAddressOf(error) }),
    );
    call.on('end', () => reject(new Error('the stream ended without a status')));
    call.write({
      Payload: {
        $case: 'open',
        value: { PeerID: randomUUID(), StreamSecretID: randomUUID(), Remote: undefined },
      },
    });
  }).finally(() => client.close());
}

/** Creates a policy with `rules` and a token holding it (with the bootstrap token); returns its secret. */
export async function tokenWithRules(server: SimulatedConsul, name: string, rules: string): Promise<string> {
  const root = server.acl?.bootstrapToken ?? '';
  const policy = await api(server, 'PUT', '/v1/acl/policy', { Name: name, Rules: rules }, root);
  if (policy.status !== 200) throw new Error(`policy: ${policy.status} ${policy.text}`);
  const token = await api(
    server,
    'PUT',
    '/v1/acl/token',
    { Description: name, Policies: [{ ID: policy.json.ID }] },
    root,
  );
  if (token.status !== 200) throw new Error(`token: ${token.status} ${token.text}`);
  return token.json.SecretID as string;
}
