/**
 * The recent decisions of every destination sidecar, keyed by the TLS Finished message of the
 * connection (the client's, which both ends know), so a caller whose connection was closed after
 * the handshake can learn why, as an operator reads a sidecar's RBAC log.
 */
import type { SidecarDecision } from './destination-sidecar.ts';

const LIMIT = 1000;

/** A bounded map of connection key to decision. */
export class DecisionJournal {
  private readonly entries = new Map<string, SidecarDecision>();

  /** Records a decision, forgetting the oldest beyond the limit. */
  record(key: string, decision: SidecarDecision): void {
    this.entries.set(key, decision);
    if (this.entries.size > LIMIT) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** The decision for a connection, if a sidecar made one. */
  get(key: string): SidecarDecision | undefined {
    return this.entries.get(key);
  }
}
