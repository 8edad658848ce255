/** Counts every API request by verb and resource, so tests and benchmarks can assert on writes. */

const writeVerbs = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** One counter line. */
export interface RequestCount {
  verb: string;
  resource: string;
  count: number;
}

/** Per verb/resource request counters. */
export class RequestCounters {
  private readonly counts = new Map<string, RequestCount>();

  /** Counts one request. */
  record(verb: string, resource: string): void {
    const key = `${verb} ${resource}`;
    const entry = this.counts.get(key);
    if (entry === undefined) this.counts.set(key, { verb, resource, count: 1 });
    else entry.count++;
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

  /** Zeroes every counter. */
  reset(): void {
    this.counts.clear();
  }
}
