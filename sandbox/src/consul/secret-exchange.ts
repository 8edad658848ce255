/**
 * Establish's secret exchange as Consul's `retryExchange` does it: the token's addresses in a ring
 * for a 3 s window, about 150 ms apart, PermissionDenied never retried (it becomes HTTP 403), and
 * the failures of every address reported as a multierror list.
 */
import { exchangeTokenSecret, PeeringError, type PeeringToken } from '../peering/index.ts';
import { ConsulHttpError } from './consul-http-error.ts';

const EXCHANGE_WINDOW_MS = 3_000;
const RETRY_WAIT_MS = 150;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function multierror(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  const list = unique.map((e) => `\t* ${e}`).join('\n');
  return `${unique.length} error${unique.length === 1 ? '' : 's'} occurred:\n${list}\n\n`;
}

/** Trades the token's establishment secret for a stream secret, or throws a ConsulHttpError. */
export async function exchangeWithRetry(token: PeeringToken): Promise<string> {
  const addresses =
    token.ManualServerAddresses.length > 0 ? token.ManualServerAddresses : token.ServerAddresses;
  const errors: string[] = [];
  const deadline = Date.now() + EXCHANGE_WINDOW_MS;
  for (let i = 0; i === 0 || Date.now() < deadline; i += 1) {
    const address = addresses[i % addresses.length] ?? '';
    try {
      return await exchangeTokenSecret({ ...token, ManualServerAddresses: [], ServerAddresses: [address] });
    } catch (error) {
      if (!(error instanceof PeeringError)) throw error;
      if (error.code === 'secret-used') throw new ConsulHttpError(403, error.message);
      const detail = error.message.replace(/^failed to exchange peering secret: /, '');
      errors.push(`failed to exchange peering secret through address "${address}": ${detail}`);
    }
    await sleep(RETRY_WAIT_MS);
  }
  throw new ConsulHttpError(500, multierror(errors));
}
