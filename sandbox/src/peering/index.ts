/**
 * The server side of Consul's peering protocol that only the simulated Consul runs (the acceptor
 * identity, the peer stream server, the secret exchange, the peering store and the dialer a dialing
 * server keeps), beside the product's protocol client it builds on.
 */
export * from '../../../src/peering/index.ts';
export {
  type AcceptorIdentity,
  buildAcceptorToken,
  createAcceptorIdentity,
  peeringServerName,
} from './acceptor-identity.ts';
export {
  type DialerEvent,
  type DialerState,
  dialPeer,
  exchangeTokenSecret,
  type PeerDialer,
  type PeerStreamOptions,
  startPeerStream,
} from './dialer.ts';
export { type GeneratedPeering, MemoryPeeringStore } from './memory-peering-store.ts';
export {
  createPeerStreamServer,
  type PeerStreamServer,
  type PeerStreamServerOptions,
} from './peer-stream-server.ts';
export type {
  Awaitable,
  PeeringStore,
  StoredPeering,
  StoredPeeringState,
  StoredSecrets,
} from './peering-store.ts';
export type { PeeringServerTls, PemPair } from './server-credentials.ts';
export type { Leadership } from './stream-resources-handler.ts';
