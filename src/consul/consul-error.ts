/**
 * The error of a failed Consul call, and how to tell Consul's own answer from one the Kubernetes
 * API's service proxy gave in its place. Error bodies are plain text in Consul; they never contain
 * token values, but the request's ACL token never enters a message.
 */

/**
 * The message of a Kubernetes Status: the service proxy answered instead of Consul (no such
 * Service or port, no endpoints, RBAC refused `services/proxy`). Consul itself answers plain text.
 */
export function kubernetesStatus(body: string): string | undefined {
  const text = body.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const status = JSON.parse(text) as { kind?: string; message?: string };
    return status.kind === 'Status' ? (status.message ?? 'no message') : undefined;
  } catch {
    return undefined;
  }
}

/** A failed Consul call; `status` 0 means Consul could not be reached at all. */
export class ConsulError extends Error {
  override readonly name = 'ConsulError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /**
   * Whether a retry may help: network, 409, 429 and every 5xx. Consul answers 500 for some
   * validation errors too, but also for a peering still being deleted, which does clear; the
   * bounded attempts keep the rest cheap.
   */
  get transient(): boolean {
    return this.status === 0 || this.status === 409 || this.status === 429 || this.status >= 500;
  }
}
