/**
 * Retries an idempotent call while its failures are transient, with exponential back-off and
 * jitter. Used by the cluster and Consul adapters for reads; writes are retried by the step
 * workers instead, where BullMQ counts the attempts.
 */

/** Calls `fn` up to `attempts` times while `isTransient(error)` holds; the last error is thrown. */
export async function retryTransient<T>(
  fn: () => Promise<T>,
  isTransient: (err: unknown) => boolean,
  attempts = 6,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      const cap = Math.min(1000, 25 * 2 ** attempt);
      await new Promise((r) => setTimeout(r, cap / 2 + (Math.random() * cap) / 2));
    }
  }
}
