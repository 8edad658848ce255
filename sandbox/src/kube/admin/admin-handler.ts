/**
 * The sandbox admin API under /_sandbox/ (not part of the Kubernetes API; same bearer token): read
 * and change fault injection, read and reset request counters, compact the watch history. It never
 * returns object contents, so Secret values cannot leak through it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decode, readBody, sendJson } from '../http/http-io.ts';
import type { ObjectStore } from '../object-store.ts';
import { badRequest, KubeApiError } from '../status-error.ts';
import type { FaultInjector } from './fault-injector.ts';
import type { RequestCounters } from './request-counters.ts';

/** What the admin API controls. */
export interface AdminTargets {
  faults: FaultInjector;
  requests: RequestCounters;
  store: ObjectStore;
  closeWatches(): number;
}

/** Serves one /_sandbox/ request. */
export async function handleAdmin(
  targets: AdminTargets,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  const key = `${req.method} ${pathname.replace(/\/$/, '')}`;
  switch (key) {
    case 'GET /_sandbox/faults':
      return sendJson(res, 200, targets.faults.config);
    case 'PUT /_sandbox/faults':
      try {
        targets.faults.configure(decode(await readBody(req), 'application/json') as never);
      } catch (err) {
        if (err instanceof KubeApiError) throw err;
        throw badRequest(err instanceof Error ? err.message : 'invalid fault config');
      }
      return sendJson(res, 200, targets.faults.config);
    case 'DELETE /_sandbox/faults':
      targets.faults.clear();
      return sendJson(res, 200, targets.faults.config);
    case 'GET /_sandbox/requests':
      return sendJson(res, 200, {
        total: targets.requests.count(),
        writes: targets.requests.writes(),
        counts: targets.requests.snapshot(),
      });
    case 'DELETE /_sandbox/requests':
      targets.requests.reset();
      return sendJson(res, 200, { total: 0, writes: 0, counts: [] });
    case 'POST /_sandbox/compact':
      targets.store.compact();
      return sendJson(res, 200, { compactedThrough: String(targets.store.resourceVersion) });
    case 'POST /_sandbox/watches/close':
      return sendJson(res, 200, { closed: targets.closeWatches() });
    default:
      throw new KubeApiError(404, 'NotFound', `unknown sandbox admin endpoint ${key}`);
  }
}
