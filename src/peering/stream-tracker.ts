/**
 * Per-peering stream health, mirroring Consul's stream tracker (`MutableStatus`): the raw times
 * behind the `StreamStatus` that `GET /v1/peering/:name` shows and the ACTIVE/FAILING decision.
 */
import type { Clock } from './clock.ts';

/** The tracker's raw state for one peering. */
export interface StreamStatus {
  readonly connected: boolean;
  readonly lastHeartbeat: Date | undefined;
  readonly lastRecvResourceSuccess: Date | undefined;
  readonly lastRecvError: Date | undefined;
  readonly lastRecvErrorMessage: string | undefined;
  readonly lastSendSuccess: Date | undefined;
  readonly lastSendError: Date | undefined;
  readonly lastAck: Date | undefined;
  readonly lastNack: Date | undefined;
  readonly lastNackMessage: string | undefined;
  readonly disconnectTime: Date | undefined;
  readonly disconnectErrorMessage: string | undefined;
  readonly importedServices: readonly string[];
  readonly exportedServices: readonly string[];
}

/** The `StreamStatus` JSON object of Consul's HTTP API (RFC 3339 times or null). */
export interface ConsulStreamStatus {
  readonly ImportedServices: readonly string[];
  readonly ExportedServices: readonly string[];
  readonly LastHeartbeat: string | null;
  readonly LastReceive: string | null;
  readonly LastSend: string | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function latest(...dates: (Date | undefined)[]): Date | undefined {
  const present = dates.filter((d): d is Date => d !== undefined);
  return present.length === 0 ? undefined : new Date(Math.max(...present.map((d) => d.getTime())));
}

/** Records stream events for one peering. */
export class StreamTracker {
  private state: Mutable<StreamStatus> = {
    connected: false,
    lastHeartbeat: undefined,
    lastRecvResourceSuccess: undefined,
    lastRecvError: undefined,
    lastRecvErrorMessage: undefined,
    lastSendSuccess: undefined,
    lastSendError: undefined,
    lastAck: undefined,
    lastNack: undefined,
    lastNackMessage: undefined,
    disconnectTime: undefined,
    disconnectErrorMessage: undefined,
    importedServices: [],
    exportedServices: [],
  };

  constructor(private readonly clock: Clock) {}

  connected(): void {
    this.state.connected = true;
    this.state.disconnectErrorMessage = undefined;
    this.state.disconnectTime = undefined;
  }

  /** A graceful disconnect clears the error; an error disconnect makes reads show FAILING. */
  disconnected(errorMessage?: string): void {
    this.state.connected = false;
    this.state.disconnectTime = this.clock.now();
    this.state.disconnectErrorMessage = errorMessage;
  }

  recvHeartbeat(): void {
    this.state.lastHeartbeat = this.clock.now();
  }

  recvResourceSuccess(): void {
    this.state.lastRecvResourceSuccess = this.clock.now();
  }

  recvError(message: string): void {
    this.state.lastRecvError = this.clock.now();
    this.state.lastRecvErrorMessage = message;
  }

  sendSuccess(): void {
    this.state.lastSendSuccess = this.clock.now();
  }

  sendError(): void {
    this.state.lastSendError = this.clock.now();
  }

  ack(): void {
    this.state.lastAck = this.clock.now();
  }

  nack(message: string): void {
    this.state.lastNack = this.clock.now();
    this.state.lastNackMessage = message;
  }

  setImportedServices(names: readonly string[]): void {
    this.state.importedServices = [...names].sort();
  }

  setExportedServices(names: readonly string[]): void {
    this.state.exportedServices = [...names].sort();
  }

  /** A copy of the current state. */
  status(): StreamStatus {
    return { ...this.state };
  }

  /** Consul's StreamStatus: LastReceive and LastSend folded as `reconcilePeering` does. */
  consulStreamStatus(): ConsulStreamStatus {
    const s = this.state;
    const iso = (d: Date | undefined): string | null => (d === undefined ? null : d.toISOString());
    return {
      ImportedServices: s.importedServices,
      ExportedServices: s.exportedServices,
      LastHeartbeat: iso(s.lastHeartbeat),
      LastReceive: iso(latest(s.lastHeartbeat, s.lastRecvError, s.lastRecvResourceSuccess)),
      LastSend: iso(latest(s.lastSendSuccess, s.lastSendError)),
    };
  }

  /** Consul's Tracker.IsHealthy: unhealthy after `timeoutMs` disconnected, NACKed or failing to receive. */
  isHealthy(timeoutMs: number): boolean {
    const s = this.state;
    const now = this.clock.now().getTime();
    const olderThanTimeout = (d: Date | undefined): boolean =>
      d !== undefined && now - d.getTime() > timeoutMs;
    if (!s.connected && olderThanTimeout(s.disconnectTime)) return false;
    const nackNewer = s.lastNack !== undefined && (s.lastAck === undefined || s.lastNack > s.lastAck);
    if (nackNewer && olderThanTimeout(s.lastNack)) return false;
    const recvErrorNewer =
      s.lastRecvError !== undefined &&
      (s.lastRecvResourceSuccess === undefined || s.lastRecvError > s.lastRecvResourceSuccess);
    return !(recvErrorNewer && olderThanTimeout(s.lastRecvError));
  }
}
