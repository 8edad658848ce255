/** A refused config entry write or read, with the HTTP status Consul answers. */
export class ConfigEntryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
