/**
 * Consul's rules for a Request received on the stream (`realHandleStream`): a first Request for a
 * resource type subscribes, later ones ACK or NACK a Response; anything malformed ends the stream
 * with InvalidArgument and Consul's message.
 */
import { status } from '@grpc/grpc-js';
import type { ReplicationMessage_Request } from './generated/private/pbpeerstream/peerstream.ts';
import { isKnownResourceURL, type KnownResourceURL } from './resource-urls.ts';

/** What to do with one Request. */
export type RequestVerdict =
  | { readonly kind: 'subscribe'; readonly url: KnownResourceURL }
  | { readonly kind: 'ack' }
  | { readonly kind: 'nack'; readonly message: string }
  | { readonly kind: 'error'; readonly code: status; readonly message: string };

function invalid(message: string): RequestVerdict {
  return { kind: 'error', code: status.INVALID_ARGUMENT, message };
}

/** Judges a Request given which types the peer already subscribed to. */
export function judgeRequest(
  req: ReplicationMessage_Request,
  self: { readonly role: 'acceptor' | 'dialer'; readonly remotePeerID: string },
  isSubscribed: (url: KnownResourceURL) => boolean,
): RequestVerdict {
  const url = req.ResourceURL;
  if (!isKnownResourceURL(url)) return invalid(`subscription request to unknown resource URL: ${url}`);
  if (!isSubscribed(url)) {
    // Only the dialer checks the PeerID: the acceptor's own requests carry an empty one.
    if (self.role === 'dialer' && req.PeerID !== '' && req.PeerID !== self.remotePeerID) {
      const detail = `got=${JSON.stringify(req.PeerID)} expected=${JSON.stringify(self.remotePeerID)}`;
      return invalid(
        `initial subscription requests for a resource type must have consistent PeerID values: ${detail}`,
      );
    }
    if (req.ResponseNonce !== '') {
      return invalid('initial subscription requests for a resource type must not contain a nonce');
    }
    if (req.Error !== undefined) {
      return invalid('initial subscription request for a resource type must not contain an error');
    }
    return { kind: 'subscribe', url };
  }
  if (req.ResponseNonce === '' && req.Error !== undefined) {
    return invalid('initial subscription request for a resource type must not contain an error');
  }
  // A repeated subscription (no nonce, no error) counts as an ACK, as in Consul.
  if (req.Error === undefined) return { kind: 'ack' };
  return { kind: 'nack', message: req.Error.message };
}
