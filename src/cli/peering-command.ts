/**
 * `meshpeer peering probe --token-file F`: a full peering handshake against the token's acceptor;
 * `meshpeer peering handshake --server-name S --address A[,B] --ca-file F`: the side-effect-free
 * check of an established peering's control path, with the dialer side's stored fields.
 */
import type { Command } from 'commander';
import type { HandshakeFlags, ProbeFlags } from './peering-run.ts';

/** Adds `peering probe` and `peering handshake` to the program. */
export function registerPeeringCommand(program: Command): void {
  const peering = program.command('peering').description("Speak Consul's cluster-peering protocol directly.");
  peering
    .command('probe')
    .description(
      'Run a full dialer handshake with a fresh peering token: TLS, secret exchange, Open (following\n' +
        'a follower to the leader), subscriptions, the first heartbeat and the trust bundle. Uses up the token.',
    )
    .requiredOption('--token-file <file>', 'file holding the peering token, or - for stdin')
    .option('--datacenter <dc>', 'datacenter sent in Open as the dialer', 'meshpeer-probe')
    .option('--partition <name>', 'partition sent in Open as the dialer', 'default')
    .option('--timeout <ms>', 'overall deadline (Consul sends its first heartbeat after 15 s)', '30000')
    .option('--heartbeat-interval <ms>', "interval of the probe's own heartbeats", '15000')
    .option('--no-heartbeat', "do not wait for the acceptor's first heartbeat")
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (flags: ProbeFlags) => {
      const { runProbe } = await import('./peering-run.ts');
      await runProbe(flags);
    });
  peering
    .command('handshake')
    .description(
      "Check an established peering's control path without side effects: TLS to the acceptor's\n" +
        "gateway with the peering's server name and CA, then ExchangeSecret with a random peer,\n" +
        "which Consul refuses with PermissionDenied. Inputs come from the dialer side's\n" +
        '`GET /v1/peering/<name>`: PeerServerName, PeerServerAddresses and PeerCAPems.',
    )
    .requiredOption('--server-name <name>', "the acceptor's peering server name (PeerServerName)")
    .requiredOption(
      '--address <list>',
      'comma-separated host:port list, tried in order (PeerServerAddresses)',
    )
    .requiredOption('--ca-file <file>', "PEM file with the acceptor's CA certificates (PeerCAPems)")
    .option('--timeout <ms>', 'overall deadline', '10000')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (flags: HandshakeFlags) => {
      const { runHandshake } = await import('./peering-run.ts');
      await runHandshake(flags);
    });
}
