/**
 * The receiving half of replication: validates one Response as Consul's `processResponse` does,
 * applies it to the ImportSink, and builds the ACK or NACK (google.rpc codes) to send back.
 */
import { PeeringServerAddresses, PeeringTrustBundle } from './generated/private/pbpeering/peering.ts';
import {
  ExportedService,
  ExportedServiceList,
  Operation,
  type ReplicationMessage,
  type ReplicationMessage_Response,
} from './generated/private/pbpeerstream/peerstream.ts';
import type { ImportSink } from './imported-state.ts';
import { isKnownResourceURL, ResourceURL } from './resource-urls.ts';

const CODE_INVALID_ARGUMENT = 3;
const CODE_INTERNAL = 13;

/** The reply to a Response and, for a NACK, why it was refused. */
export interface ResponseOutcome {
  readonly reply: ReplicationMessage;
  readonly error: string | undefined;
  /** For applied service resources: the imported service names that changed. */
  readonly imported?: ImportedChange;
}

/** How an applied resource changed the set of imported service names. */
export type ImportedChange =
  | { readonly kind: 'list'; readonly names: readonly string[] }
  | { readonly kind: 'service'; readonly name: string; readonly present: boolean };

function ack(resp: ReplicationMessage_Response): ResponseOutcome {
  const value = { PeerID: '', ResponseNonce: resp.Nonce, ResourceURL: resp.ResourceURL, Error: undefined };
  return { reply: { Payload: { $case: 'request', value } }, error: undefined };
}

function nack(resp: ReplicationMessage_Response, code: number, message: string): ResponseOutcome {
  const status = { code, message, details: [] };
  const value = { PeerID: '', ResponseNonce: resp.Nonce, ResourceURL: resp.ResourceURL, Error: status };
  return { reply: { Payload: { $case: 'request', value } }, error: message };
}

function validate(resp: ReplicationMessage_Response): string | undefined {
  if (!isKnownResourceURL(resp.ResourceURL)) {
    return `received response for unknown resource type ${JSON.stringify(resp.ResourceURL)}`;
  }
  if (resp.Nonce === '')
    return `received response without a nonce for: ${resp.ResourceURL}:${resp.ResourceID}`;
  if (resp.operation !== Operation.OPERATION_UPSERT) {
    return `unsupported operation: ${JSON.stringify(Operation[resp.operation] ?? String(resp.operation))}`;
  }
  if (resp.Resource === undefined) return 'received upsert response with no content';
  if (resp.Resource.typeUrl !== resp.ResourceURL) {
    return `mismatched resourceURL ${JSON.stringify(resp.ResourceURL)} and Any typeUrl ${JSON.stringify(resp.Resource.typeUrl)}`;
  }
  return undefined;
}

interface Apply {
  (sink: ImportSink): void | Promise<void>;
  change?: ImportedChange;
}

function withChange(apply: Apply, change: ImportedChange): Apply {
  apply.change = change;
  return apply;
}

function decode(resp: ReplicationMessage_Response, bytes: Uint8Array): Apply {
  switch (resp.ResourceURL) {
    case ResourceURL.exportedServiceList: {
      const list = ExportedServiceList.decode(bytes);
      const apply: Apply = (sink) => sink.applyServiceList(list.Services);
      return withChange(apply, { kind: 'list', names: list.Services });
    }
    case ResourceURL.exportedService: {
      const service = ExportedService.decode(bytes);
      const apply: Apply = (sink) => sink.applyService(resp.ResourceID, service.Nodes);
      return withChange(apply, { kind: 'service', name: resp.ResourceID, present: service.Nodes.length > 0 });
    }
    case ResourceURL.trustBundle: {
      const bundle = PeeringTrustBundle.decode(bytes);
      return (sink) => sink.applyTrustBundle(bundle);
    }
    default: {
      const addresses = PeeringServerAddresses.decode(bytes);
      return (sink) => sink.applyServerAddresses(addresses.Addresses);
    }
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Processes a Response; never throws, so one bad resource cannot end the stream. */
export async function handleResponse(
  resp: ReplicationMessage_Response,
  sink: ImportSink,
): Promise<ResponseOutcome> {
  const problem = validate(resp);
  if (problem !== undefined) return nack(resp, CODE_INVALID_ARGUMENT, problem);
  let applyTo: Apply;
  try {
    applyTo = decode(resp, resp.Resource?.value ?? new Uint8Array());
  } catch (error) {
    return nack(resp, CODE_INVALID_ARGUMENT, `failed to unmarshal resource: ${reasonOf(error)}`);
  }
  try {
    await applyTo(sink);
  } catch (error) {
    return nack(resp, CODE_INTERNAL, `failed to apply resource: ${reasonOf(error)}`);
  }
  const outcome = ack(resp);
  return applyTo.change === undefined ? outcome : { ...outcome, imported: applyTo.change };
}
