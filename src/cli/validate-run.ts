/** The work of `meshpeer validate`, loaded only when it runs: reads and checks one file. */
import { formatDiagnostic, loadTopologyFile, TopologyReadError } from '../topology/index.ts';
import { err, out, outJson, plural } from './output.ts';

/** Validates one file and returns the exit code: 0 valid, 1 invalid or unreadable. */
export async function runValidate(file: string, output: 'text' | 'json'): Promise<number> {
  try {
    const result = await loadTopologyFile(file);
    if (output === 'json') {
      outJson(result.ok ? [] : result.diagnostics);
    } else if (result.ok) {
      const t = result.topology;
      const services = t.exports.reduce((n, e) => n + e.services.length, 0);
      const clusters = t.clusters.filter((c) => c.server === undefined).length;
      const partitions = t.clusters.length - clusters;
      const installs = partitions === 0 ? '' : ` with ${plural(partitions, 'partition install')}`;
      // Traffic settings are named only when the file has them, so the common line stays short.
      const traffic = [
        [t.intentions.length, 'service with intentions', 'services with intentions'],
        [t.failover.length, 'failover', 'failovers'],
        [t.samenessGroups.length, 'sameness group', 'sameness groups'],
      ] as const;
      const extra = traffic
        .filter(([n]) => n > 0)
        .map(([n, one, many]) => `, ${n} ${n === 1 ? one : many}`)
        .join('');
      out(
        `${file}: valid (${plural(clusters, 'cluster')}${installs}, ${plural(t.peerings.length, 'peering')}, ${plural(services, 'exported service')}${extra})`,
      );
    }
    if (!result.ok && output === 'text') err(result.diagnostics.map(formatDiagnostic).join('\n'));
    return result.ok ? 0 : 1;
  } catch (e) {
    if (!(e instanceof TopologyReadError)) throw e;
    err(`meshpeer: ${e.message}`);
    return 1;
  }
}
