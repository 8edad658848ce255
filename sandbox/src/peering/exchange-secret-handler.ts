/** The acceptor's ExchangeSecret RPC, with Consul's checks, codes and messages. */
import { randomUUID } from 'node:crypto';
import { type handleUnaryCall, type ServiceError, status } from '@grpc/grpc-js';
import type {
  ExchangeSecretRequest,
  ExchangeSecretResponse,
} from '../../../src/peering/generated/private/pbpeerstream/peerstream.ts';
import type { PeeringStore } from './peering-store.ts';
import { secretsEqual } from './secret-compare.ts';

/** A gRPC error with a code and a message that never includes secrets. */
export function grpcError(code: status, details: string): Partial<ServiceError> {
  return { code, details, message: details };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Trades a matching establishment secret for a new pending stream secret, once. */
export async function exchangeSecret(
  store: PeeringStore,
  request: ExchangeSecretRequest,
): Promise<ExchangeSecretResponse> {
  let secrets: Awaited<ReturnType<PeeringStore['secrets']>>;
  try {
    secrets = await store.secrets(request.PeerID);
  } catch (error) {
    throw grpcError(status.INTERNAL, `failed to read peering secret: ${reason(error)}`);
  }
  if (secrets === undefined || !secretsEqual(secrets.establishment, request.EstablishmentSecret)) {
    throw grpcError(status.PERMISSION_DENIED, 'invalid peering establishment secret');
  }
  const streamSecret = randomUUID();
  try {
    // The store re-validates: two concurrent exchanges with one secret must not both win.
    await store.exchangeSecret(request.PeerID, request.EstablishmentSecret, streamSecret);
  } catch (error) {
    throw grpcError(status.INTERNAL, `failed to persist peering secret: ${reason(error)}`);
  }
  return { StreamSecret: streamSecret };
}

/** The grpc-js handler around `exchangeSecret`. */
export function exchangeSecretHandler(
  store: PeeringStore,
): handleUnaryCall<ExchangeSecretRequest, ExchangeSecretResponse> {
  return (call, callback) => {
    exchangeSecret(store, call.request).then(
      (response) => callback(null, response),
      (error: Partial<ServiceError>) => callback(error),
    );
  };
}
