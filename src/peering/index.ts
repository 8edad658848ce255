/**
 * The peering protocol's public API: the client side (token codec, handshake, probe) the verify step
 * and the CLI use, and the session, export and replication parts the sandbox's simulated Consul
 * servers build on. Everything else in src/peering is an implementation detail.
 */
export { type Clock, DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_IDLE_TIMEOUT_MS, systemClock } from './clock.ts';
export { createExportSet, type ExportedData, ExportSet, type ExportSource } from './export-set.ts';
export type {
  PeeringServerAddresses,
  PeeringTrustBundle,
  RemoteInfo,
} from './generated/private/pbpeering/peering.ts';
export type { CheckServiceNode } from './generated/private/pbservice/node.ts';
export { type ImportedData, ImportedState, type ImportSink } from './imported-state.ts';
export { type PeerTarget, targetFromToken } from './peer-client.ts';
export {
  checkPeerHandshake,
  type HandshakeAttempt,
  type HandshakeOptions,
  type HandshakeReport,
  type HandshakeTarget,
} from './peer-handshake.ts';
export { PeeringError, type PeeringErrorCode } from './peering-error.ts';
export { dialAddresses, type PeeringToken } from './peering-token.ts';
export { type ProbeOptions, type ProbeReport, type ProbeStageResult, probe } from './probe.ts';
export { ResourceID, ResourceURL } from './resource-urls.ts';
export type { SessionEnd, SessionEvent } from './session-types.ts';
export { type ConsulStreamStatus, type StreamStatus, StreamTracker } from './stream-tracker.ts';
export { decodeToken, encodeToken } from './token-codec.ts';
export { TokenError, type TokenErrorCode } from './token-error.ts';
export { validateToken } from './token-validate.ts';
