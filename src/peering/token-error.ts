/** Why a peering token was refused; the closed set of codes the codec and validator use. */
export type TokenErrorCode =
  | 'invalid-base64'
  | 'invalid-json'
  | 'invalid-field'
  | 'invalid-ca'
  | 'no-server-addresses'
  | 'invalid-server-address'
  | 'no-server-name'
  | 'no-peer-id';

/** A token that cannot be decoded or would be refused by Consul's establish; never carries the token. */
export class TokenError extends Error {
  readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, message: string) {
    super(message);
    this.name = 'TokenError';
    this.code = code;
  }
}
