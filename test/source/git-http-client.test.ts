import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHttpClient, GitTransportTimeout } from '../../src/source/git-http-client.ts';

async function drain(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<string> {
  const chunks: Uint8Array[] = [];
  if (body !== undefined) for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('git http client wrapper', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url: string; authorization: string | undefined }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      if (req.url === '/stall-body') {
        res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' });
        res.write('001e# service=git-upload-pack\n');
        return; // headers and a little body, then silence
      }
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  });

  it('adds the authorization header to every request and counts pack requests', async () => {
    const client = createGitHttpClient({ authorization: 'Basic abc', timeoutMs: 2000 });
    const list = await client.http.request({ url: `${base}/r.git/info/refs?service=git-upload-pack` });
    expect(await drain(list.body)).toBe('ok');
    const want = new TextEncoder().encode('0032want 0123456789012345678901234567890123456789\n');
    const pack = await client.http.request({
      url: `${base}/r.git/git-upload-pack`,
      method: 'POST',
      body: [want] as unknown as AsyncIterableIterator<Uint8Array>,
    });
    await drain(pack.body);
    expect(seen.slice(-2).map((s) => s.authorization)).toEqual(['Basic abc', 'Basic abc']);
    expect(client.stats()).toEqual({ requests: 2, refListings: 1, packFetches: 1 });
  });

  it('aborts a response whose body stalls after the headers', async () => {
    const client = createGitHttpClient({ timeoutMs: 150 });
    const res = await client.http.request({ url: `${base}/stall-body` });
    expect(res.statusCode).toBe(200);
    await expect(drain(res.body)).rejects.toBeInstanceOf(GitTransportTimeout);
  });
});
