/**
 * The Consul and gateway side of a sandbox cluster's admin API: drop peering streams, delete a
 * peering behind the reconciler's back, stop and start the server, add latency, mark a service's
 * instances passing/warning/critical (replicated to importing peers), read the mesh gateway's
 * per-SNI counters. It listens on loopback under an unguessable path prefix and is
 * published only as Service `meshpeer-sandbox` (port `admin`) in `kube-system`, so callers go
 * through the Kubernetes API's service proxy and its bearer-token auth. It never returns secrets.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ConsulFaults } from './consul/consul-faults.ts';
import type { SniGatewayCounters } from './gateway/sni-gateway.ts';
import type { SandboxComponent } from './sandbox-cluster.ts';

/** The namespace, Service and port name of the admin API. */
export const SANDBOX_ADMIN_SERVICE = {
  namespace: 'kube-system',
  name: 'meshpeer-sandbox',
  port: 'admin',
} as const;

/** The Consul fault surface the admin API drives. */
export interface AdminConsulFaults {
  dropStreams(peer?: string): void;
  deletePeering(name: string, partition?: string): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  setLatency(ms: number): void;
  setServiceHealth: ConsulFaults['setServiceHealth'];
}

/** What the admin API of one cluster controls. */
export interface AdminTargets {
  readonly consul?: { readonly faults: AdminConsulFaults };
  readonly gateway?: { counters(): SniGatewayCounters; resetCounters(): void };
  /** Called after Consul was restarted (to re-register its Service endpoint). */
  readonly onConsulStarted?: () => void;
}

type Json = Record<string, unknown>;

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  const value = JSON.parse(text) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('expected a JSON object');
  return value as Json;
}

function optionalString(body: Json, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Runs one admin action; returns the JSON answer or throws a message for a 400/404. */
async function act(targets: AdminTargets, key: string, body: Json): Promise<Json> {
  const consul = targets.consul?.faults;
  const gateway = targets.gateway;
  if (key.startsWith('POST /consul/') || key.startsWith('PUT /consul/')) {
    if (consul === undefined)
      throw Object.assign(new Error('this cluster runs no Consul server'), { status: 404 });
  }
  switch (key) {
    case 'POST /consul/drop-streams':
      consul?.dropStreams(optionalString(body, 'peer'));
      return { dropped: true };
    case 'POST /consul/delete-peering': {
      const name = optionalString(body, 'name');
      if (name === undefined) throw new Error('"name" is required');
      await consul?.deletePeering(name, optionalString(body, 'partition'));
      return { deleted: name };
    }
    case 'POST /consul/stop':
      await consul?.stop();
      return { running: false };
    case 'POST /consul/start':
      await consul?.start();
      targets.onConsulStarted?.();
      return { running: true };
    case 'PUT /consul/latency': {
      const ms = Number(body.ms);
      if (!Number.isFinite(ms) || ms < 0) throw new Error('"ms" must be a number of milliseconds >= 0');
      consul?.setLatency(ms);
      return { latencyMs: ms };
    }
    case 'POST /consul/service-health': {
      const service = optionalString(body, 'service');
      if (service === undefined) throw new Error('"service" is required');
      const status = optionalString(body, 'status');
      if (status !== 'passing' && status !== 'warning' && status !== 'critical')
        throw new Error('"status" must be one of passing, warning, critical');
      const options = {
        partition: optionalString(body, 'partition'),
        instance: optionalString(body, 'instance'),
      };
      let instances = 0;
      try {
        instances = consul?.setServiceHealth(service, status, options) ?? 0;
      } catch (error) {
        throw Object.assign(new Error((error as Error).message), { status: 404 });
      }
      return { service, status, instances };
    }
    case 'GET /gateway/counters':
      if (gateway === undefined)
        throw Object.assign(new Error('this cluster runs no mesh gateway'), { status: 404 });
      return { ...gateway.counters() };
    case 'DELETE /gateway/counters':
      gateway?.resetCounters();
      return { reset: true };
    default:
      throw Object.assign(new Error(`unknown sandbox admin endpoint ${key}`), { status: 404 });
  }
}

/** A running admin API of one cluster. */
export class SandboxAdmin implements SandboxComponent {
  readonly name = 'sandbox-admin';
  private readonly prefix = `/${randomBytes(18).toString('base64url')}`;

  private constructor(private readonly server: Server) {}

  /** Starts the admin API on loopback. */
  static async start(targets: AdminTargets, host = '127.0.0.1'): Promise<SandboxAdmin> {
    const server = createServer();
    const admin = new SandboxAdmin(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void admin.handle(targets, req, res));
    server.listen(0, host);
    await once(server, 'listening');
    return admin;
  }

  /** The URL to register as the Service endpoint (includes the secret path prefix). */
  get url(): string {
    const info = this.server.address();
    const port = typeof info === 'object' && info !== null ? info.port : 0;
    return `http://127.0.0.1:${port}${this.prefix}/`;
  }

  private async handle(targets: AdminTargets, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: Json) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (!path.startsWith(`${this.prefix}/`)) return send(404, { error: 'not found' });
    const key = `${req.method ?? 'GET'} ${path.slice(this.prefix.length).replace(/\/$/, '')}`;
    try {
      send(200, await act(targets, key, await readJson(req)));
    } catch (err) {
      send((err as { status?: number }).status ?? 400, { error: (err as Error).message });
    }
  }

  /** Closes the admin API. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }
}
