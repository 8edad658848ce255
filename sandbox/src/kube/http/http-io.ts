/** Request and response plumbing: bounded body reads, JSON/YAML decoding and Status replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, KubeApiError } from '../status-error.ts';

const maxBody = 3 * 1024 * 1024;

/** Reads the whole request body (the real server refuses bodies over 3 MiB with 413). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBody)
      throw new KubeApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Parses a body as JSON, or YAML for apply patches; empty bodies give undefined. */
export function decode(body: Buffer, contentType: string | undefined): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return (contentType ?? '').includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch {
    // The parser's message quotes the input, which may be Secret data: say only what failed.
    throw badRequest(
      `error decoding request body: not valid ${(contentType ?? '').includes('yaml') ? 'YAML' : 'JSON'}`,
    );
  }
}

/** Writes a JSON reply, with Warning headers when given. */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  warnings: readonly string[] = [],
): void {
  const payload = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    'cache-control': 'no-cache, private',
  };
  if (warnings.length > 0) headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(payload);
}

/** Writes any thrown value as a Status reply (500 for unexpected errors, without internals). */
export function sendError(res: ServerResponse, err: unknown): void {
  const apiError =
    err instanceof KubeApiError
      ? err
      : new KubeApiError(
          500,
          'InternalError',
          'Internal error occurred: the sandbox failed to handle the request',
        );
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (apiError.code === 429) res.setHeader('retry-after', '1');
  sendJson(res, apiError.code, apiError.toStatus());
}
