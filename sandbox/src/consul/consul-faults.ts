/**
 * Consul-side faults (issue 5 part 5) over a cluster's servers: cut streams, delete a peering
 * behind the reconciler's back, stop and start on the same ports, HTTP latency, move Raft
 * leadership; and the admin API's view.
 */
import { allowAll } from './acl/acl-authorizer.ts';
import type { HealthStatus } from './catalog-store.ts';
import { isDialer } from './consul-store.ts';
import type { DialerPool } from './dialer-pool.ts';
import type { AdminTargets } from './http/api-context.ts';
import type { PeeringService } from './peering-service.ts';
import type { ServerState } from './server-state.ts';

/** Fault injection on a running server. */
export interface ConsulFaults {
  /** Cuts live peering streams (all, or one peer's); dialers reconnect after their backoff. */
  dropStreams(peer?: string): void;
  /** Deletes a peering as `DELETE /v1/peering/:name` does, without ACL checks. */
  deletePeering(name: string, partition?: string): Promise<void>;
  /** Stops the server (HTTP and gRPC); state is kept. */
  stop(): Promise<void>;
  /** Starts it again on the same ports. */
  start(): Promise<void>;
  /** Delays every HTTP answer by `ms`. */
  setLatency(ms: number): void;
  /** Makes server `index` (default: the next one) the Raft leader; its streams move with it. */
  transferLeadership(index?: number): Promise<void>;
  /**
   * Marks the checks of a local service's instances (or one instance, by service ID) passing,
   * warning or critical; returns how many instances it covers. Importing peers see the change.
   */
  setServiceHealth(
    service: string,
    status: HealthStatus,
    options?: { partition?: string | undefined; instance?: string | undefined },
  ): number;
}

/** Builds the faults of a server. */
export function createFaults(
  state: ServerState,
  dialers: DialerPool,
  peerings: PeeringService,
): ConsulFaults {
  const runtime = () => {
    if (state.runtime === undefined) throw new Error('the simulated Consul server was never started');
    return state.runtime;
  };
  return {
    dropStreams(peer) {
      const matches = (id: string): boolean =>
        peer === undefined || state.store.peeringByID(id)?.name === peer;
      dialers.drop(matches);
      // Inbound streams share one TLS port and cannot be told apart: a matching acceptor peering cuts them all.
      if (state.store.listPeerings().some((p) => !isDialer(p) && matches(p.id))) state.runtime?.dropInbound();
    },
    deletePeering: (name, partition = 'default') => peerings.delete(allowAll, name, partition),
    stop: () => runtime().stop(),
    start: () => runtime().start(),
    setLatency(ms) {
      state.latencyMs = Math.max(0, ms);
    },
    transferLeadership(index) {
      const target = index ?? (state.leader + 1) % Math.max(1, state.servers.length);
      return runtime().changeLeader(() => state.moveLeader(target));
    },
    setServiceHealth: (service, status, options = {}) =>
      state.setServiceHealth(service, status, options.partition, options.instance),
  };
}

/** What the admin routes control. */
export function adminTargets(state: ServerState, faults: ConsulFaults): AdminTargets {
  return {
    dropStreams: faults.dropStreams,
    deletePeering: faults.deletePeering,
    restart(downMs) {
      // Answer the admin request first: stopping closes this very HTTP connection.
      setTimeout(() => {
        void faults.stop().then(() => setTimeout(() => void faults.start(), downMs));
      }, 20);
    },
    setLatency: faults.setLatency,
    transferLeadership: faults.transferLeadership,
    setGatewayAddress: (address) => state.setGatewayAddress(address),
    setServiceHealth: faults.setServiceHealth,
    status: () => state.status(),
  };
}
