/**
 * Typed failures of the dialer side (dialer, probe), with a closed set of codes and messages that
 * say what to fix. gRPC details come from the peer or grpc-js and never contain our secrets.
 */
import { type ServiceError, status } from '@grpc/grpc-js';
import { leaderAddressOf } from './leader-address.ts';

/** Every way dialing a peer can fail. */
export type PeeringErrorCode =
  | 'invalid-token'
  | 'connect'
  | 'tls-ca'
  | 'tls-sni'
  | 'secret-used'
  | 'stream-refused'
  | 'follower'
  | 'timeout'
  | 'heartbeat-timeout'
  | 'terminated'
  | 'closed'
  | 'not-consul';

/**
 * A dialer-side failure; `grpcCode` is set when the peer answered with a status, `leaderAddress`
 * when a follower named its leader (Consul's LeaderAddress detail: the leader's RPC address).
 */
export class PeeringError extends Error {
  readonly code: PeeringErrorCode;
  readonly grpcCode: status | undefined;
  readonly leaderAddress: string | undefined;

  constructor(code: PeeringErrorCode, message: string, grpcCode?: status, leaderAddress?: string) {
    super(message);
    this.name = 'PeeringError';
    this.code = code;
    this.grpcCode = grpcCode;
    this.leaderAddress = leaderAddress;
  }
}

const TLS_CA =
  /self[- ]signed certificate|unable to (?:verify|get local issuer)|certificate signature failure|certificate has expired|UNABLE_TO_VERIFY|SELF_SIGNED/i;
const TLS_SNI =
  /altnames|ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate|unknown server name|unrecognized name/i;
const CONNECT =
  /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN|ETIMEDOUT|No connection established|Failed to connect/i;

function isServiceError(error: unknown): error is ServiceError {
  return typeof error === 'object' && error !== null && 'code' in error && 'details' in error;
}

/** Maps a gRPC failure while connecting or calling ExchangeSecret to a PeeringError. */
export function classifyCallError(error: unknown, address: string): PeeringError {
  if (error instanceof PeeringError) return error;
  if (!isServiceError(error)) return new PeeringError('connect', `${address}: ${String(error)}`);
  const details = error.details;
  if (error.code === status.DEADLINE_EXCEEDED) {
    return new PeeringError('timeout', `${address}: timed out (${details})`, error.code);
  }
  if (error.code === status.UNAVAILABLE) {
    if (TLS_CA.test(details)) {
      return new PeeringError(
        'tls-ca',
        `${address}: tls: the server certificate is not signed by the token's CA (${details})`,
        error.code,
      );
    }
    if (TLS_SNI.test(details)) {
      return new PeeringError(
        'tls-sni',
        `${address}: tls: the server certificate does not match the token's ServerName (${details})`,
        error.code,
      );
    }
    if (CONNECT.test(details))
      return new PeeringError('connect', `${address}: cannot connect (${details})`, error.code);
  }
  if (error.code === status.PERMISSION_DENIED) {
    return new PeeringError('secret-used', `a new peering token must be generated: ${details}`, error.code);
  }
  return new PeeringError('stream-refused', `${address}: ${status[error.code]}: ${details}`, error.code);
}

/** Maps the status that ended a StreamResources call to a PeeringError. */
export function classifyStreamError(error: unknown, address: string): PeeringError {
  if (!isServiceError(error)) return classifyCallError(error, address);
  if (error.code === status.FAILED_PRECONDITION) {
    const leader = leaderAddressOf(error.metadata);
    return new PeeringError('follower', `${address}: ${error.details}`, error.code, leader);
  }
  if (error.code === status.UNAVAILABLE || error.code === status.DEADLINE_EXCEEDED) {
    return classifyCallError(error, address);
  }
  return new PeeringError(
    'stream-refused',
    `${address}: stream refused: ${status[error.code]}: ${error.details}`,
    error.code,
  );
}
