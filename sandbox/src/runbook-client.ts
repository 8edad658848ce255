/**
 * One cluster as the runbook walk sees it, through nothing but the Kubernetes API with
 * @kubernetes/client-node: server-side apply, reads, Secret copies, and Consul's HTTP API through
 * the API server's service proxy (as `kubectl get --raw .../services/https:consul-server:https/proxy/...`).
 */
import {
  ApiException,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { createKubeClusterClient } from '../../src/kube/kube-cluster-client.ts';
import { registerSecret } from '../../src/secrets/redact.ts';
import { SANDBOX_ADMIN_SERVICE } from './sandbox-admin.ts';

/** The field manager of the walk's writes. */
export const RUNBOOK_FIELD_MANAGER = 'meshpeer-runbook';

/** An object the runbook walk reads back from the cluster, loosely typed. */
export type RunbookObject = KubernetesObject & {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
};

/** Polls `check` every `intervalMs` until it returns a value, failing with `what` after `timeoutMs`. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A KubeConfig selecting one context of a kubeconfig text (one KubeConfig per cluster). */
export function kubeConfigForContext(kubeconfig: string, context: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  kc.setCurrentContext(context);
  return kc;
}

/** Runbook operations on one cluster. */
export class RunbookClient {
  private readonly api: KubernetesObjectApi;

  constructor(
    readonly cluster: string,
    private readonly kc: KubeConfig,
    /** The server Service as `[scheme:]name:port`; found by its chart labels when not given. */
    private consulService?: { namespace: string; name: string },
  ) {
    this.api = KubernetesObjectApi.makeApiClient(kc);
  }

  /** Creates or updates an object with server-side apply. */
  async apply(obj: KubernetesObject): Promise<RunbookObject> {
    const body = JSON.parse(JSON.stringify(obj)) as KubernetesObject;
    return (await this.api.patch(
      body,
      undefined,
      undefined,
      RUNBOOK_FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    )) as RunbookObject;
  }

  /** Reads an object; undefined on 404. */
  async get(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<RunbookObject | undefined> {
    try {
      return (await this.api.read({ apiVersion, kind, metadata: { name, namespace } })) as RunbookObject;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    }
  }

  /** Deletes an object (404 is fine). */
  async delete(apiVersion: string, kind: string, namespace: string, name: string): Promise<void> {
    try {
      await this.api.delete({ apiVersion, kind, metadata: { name, namespace } });
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 404)) throw err;
    }
  }

  /** Merge-patches an object (e.g. to touch an annotation). */
  async mergePatch(obj: KubernetesObject): Promise<RunbookObject> {
    return (await this.api.patch(
      obj,
      undefined,
      undefined,
      RUNBOOK_FIELD_MANAGER,
      undefined,
      PatchStrategy.MergePatch,
    )) as RunbookObject;
  }

  /** The Synced condition's status, reason and message. */
  async synced(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<{ status: string; reason?: string; message?: string } | undefined> {
    const obj = await this.get(apiVersion, kind, namespace, name);
    const conditions = obj?.status?.conditions as
      | Array<{ type: string; status: string; reason?: string; message?: string }>
      | undefined;
    return conditions?.find((c) => c.type === 'Synced');
  }

  /** A Secret's value under a key (registered for redaction), or undefined. */
  async secretValue(namespace: string, name: string, key: string): Promise<string | undefined> {
    const secret = await this.get('v1', 'Secret', namespace, name);
    const encoded = secret?.data?.[key];
    if (encoded === undefined) return undefined;
    const value = Buffer.from(encoded, 'base64').toString('utf8');
    registerSecret(value);
    return value;
  }

  private proxy: ReturnType<typeof createKubeClusterClient> | undefined;

  /** One client for every proxied call: building one per call would re-wrap its connection reuse each time. */
  private proxyClient(): ReturnType<typeof createKubeClusterClient> {
    this.proxy ??= createKubeClusterClient(this.cluster, this.kc, { timeoutMs: 10_000 });
    return this.proxy;
  }

  /**
   * The chart's server Service in namespace `consul` (labels `component=server`), through its
   * `https` port when it has one: with TLS and the default httpsOnly there is no `http` port.
   */
  private async serverService(): Promise<{ namespace: string; name: string }> {
    if (this.consulService !== undefined) return this.consulService;
    await this.fullname();
    return this.consulService ?? { namespace: 'consul', name: '' };
  }

  private found: string | undefined;

  /**
   * The install's `consul.fullname`, read off its server Service (`<fullname>-server`; the
   * expose-servers Service carries the same labels), or on a partition install, which runs no
   * servers, off its connect-injector Deployment (`<fullname>-connect-injector`).
   */
  async fullname(): Promise<string> {
    if (this.found !== undefined) return this.found;
    const found = await this.proxyClient().list('v1', 'Service', 'consul', 'component=server');
    const service = found.find((s) => s.metadata.name.endsWith('-server'));
    if (service === undefined) {
      const injectors = await this.proxyClient().list(
        'apps/v1',
        'Deployment',
        'consul',
        'component=connect-injector',
      );
      const injector = injectors[0]?.metadata.name;
      if (injector === undefined)
        throw new Error(`${this.cluster}: no Consul server Service or connect-injector in namespace consul`);
      this.found = injector.replace(/-connect-injector$/, '');
      return this.found;
    }
    const ports = (service.spec?.ports as Array<{ name?: string }> | undefined) ?? [];
    const https = ports.some((p) => p.name === 'https');
    this.consulService ??= {
      namespace: 'consul',
      name: https ? `https:${service.metadata.name}:https` : `http:${service.metadata.name}:http`,
    };
    this.found = service.metadata.name.replace(/-server$/, '');
    return this.found;
  }

  /** A GET against Consul's HTTP API through the service proxy; JSON on 200, else the status and text. */
  async consul(path: string, token?: string): Promise<{ status: number; json?: unknown; text: string }> {
    const client = this.proxyClient();
    const headers: Record<string, string> = token === undefined ? {} : { 'x-consul-token': token };
    const service = await this.serverService();
    const res = await client.proxyRequest(service.namespace, service.name, path, {
      method: 'GET',
      headers,
      timeoutMs: 10_000,
    });
    return res.status === 200
      ? { status: 200, json: JSON.parse(res.body), text: '' }
      : { status: res.status, text: res.body };
  }

  /** A raw request to the sandbox admin API through the service proxy. */
  async admin(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const client = this.proxyClient();
    const res = await client.proxyRequest(
      SANDBOX_ADMIN_SERVICE.namespace,
      `${SANDBOX_ADMIN_SERVICE.name}:${SANDBOX_ADMIN_SERVICE.port}`,
      path,
      {
        method,
        headers: { 'content-type': 'application/json' },
        timeoutMs: 10_000,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      },
    );
    if (res.status !== 200)
      throw new Error(`sandbox admin ${method} ${path}: ${res.status} ${res.body.trim()}`);
    return JSON.parse(res.body) as unknown;
  }
}
