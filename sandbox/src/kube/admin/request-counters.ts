/**
 * Counts every API request by verb and resource, so tests and benchmarks can assert on writes, and
 * keeps a log of the distinct requests as an authorizer sees them (group, resource, scope, name),
 * so tests can derive the RBAC rules a client needs. The log names objects, so it stays in-process:
 * the admin API serves the counters only.
 */

const writeVerbs = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** One counter line. */
export interface RequestCount {
  verb: string;
  resource: string;
  count: number;
}

/**
 * A request's authorization attributes, as kube-apiserver's RequestInfoFactory derives them
 * (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go) and the RBAC authorizer
 * matches them (plugin/pkg/auth/authorizer/rbac/rbac.go): the verb (a proxied GET is `get`, a POST
 * `create`), the API group, the resource and subresource, the namespace (absent for a
 * cluster-scoped request, such as a list across all namespaces) and the name. Non-resource
 * requests (discovery, OpenAPI) carry their path instead.
 */
export interface RequestAttributes {
  verb: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  nonResourcePath?: string;
  /** The patch's content type: an apply patch that creates its object is authorized for `create` too. */
  patchType?: string;
  /** The response status; 201 means the request created an object. */
  status: number;
}

/** One distinct logged request and how often it was made. */
export interface LoggedRequest extends RequestAttributes {
  count: number;
}

const attributeKeys = [
  'verb',
  'apiGroup',
  'resource',
  'subresource',
  'namespace',
  'name',
  'nonResourcePath',
  'patchType',
  'status',
] as const;

/** Per verb/resource request counters, plus the log of distinct requests. */
export class RequestCounters {
  private readonly counts = new Map<string, RequestCount>();
  private readonly log = new Map<string, LoggedRequest>();

  /** Counts one request. */
  record(verb: string, resource: string): void {
    const key = `${verb} ${resource}`;
    const entry = this.counts.get(key);
    if (entry === undefined) this.counts.set(key, { verb, resource, count: 1 });
    else entry.count++;
  }

  /** Logs one answered request's attributes; identical requests share one entry with a count. */
  logRequest(attributes: RequestAttributes): void {
    const key = JSON.stringify(attributeKeys.map((k) => attributes[k] ?? null));
    const entry = this.log.get(key);
    if (entry === undefined) this.log.set(key, { ...attributes, count: 1 });
    else entry.count++;
  }

  /** The distinct requests logged since the last reset, sorted by group, resource, verb and place. */
  requestLog(): LoggedRequest[] {
    const text = (r: LoggedRequest) =>
      [r.apiGroup, r.resource, r.subresource, r.verb, r.namespace, r.name, r.nonResourcePath]
        .map((v) => v ?? '')
        .join('\u0000');
    return [...this.log.values()].map((r) => ({ ...r })).sort((a, b) => text(a).localeCompare(text(b)));
  }

  /** All counters, sorted by resource then verb. */
  snapshot(): RequestCount[] {
    return [...this.counts.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => a.resource.localeCompare(b.resource) || a.verb.localeCompare(b.verb));
  }

  /** Requests matching a verb and/or resource (a resource also matches its subresources). */
  count(filter: { verb?: string; resource?: string } = {}): number {
    let total = 0;
    for (const c of this.counts.values()) {
      if (filter.verb !== undefined && c.verb !== filter.verb) continue;
      if (
        filter.resource !== undefined &&
        c.resource !== filter.resource &&
        !c.resource.startsWith(`${filter.resource}/`)
      )
        continue;
      total += c.count;
    }
    return total;
  }

  /** Write requests (create, update, patch, delete), optionally for one resource. */
  writes(resource?: string): number {
    let total = 0;
    for (const verb of writeVerbs)
      total += this.count(resource === undefined ? { verb } : { verb, resource });
    return total;
  }

  /** Zeroes every counter and empties the log. */
  reset(): void {
    this.counts.clear();
    this.log.clear();
  }
}
