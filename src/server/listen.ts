/** Listening on a port, with one actionable line when the port cannot be had. */
import type { FastifyInstance } from 'fastify';

/**
 * Listens on `host:port` and returns the address; a port in use or not allowed becomes one line
 * naming the flag that picks another (`EADDRINUSE` alone tells an operator little).
 */
export async function listenOn(
  app: FastifyInstance,
  host: string,
  port: number,
  flag: string,
): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE')
      throw new Error(`port ${port} on ${host} is in use; stop what listens there or choose another ${flag}`);
    if (code === 'EACCES')
      throw new Error(
        `port ${port} on ${host} needs privileges this process lacks; choose a port above 1023 with ${flag}`,
      );
    if (code === 'EADDRNOTAVAIL')
      throw new Error(
        `${host} is not an address of this machine; choose another with --host (MESHPEER_HOST)`,
      );
    throw err;
  }
}
