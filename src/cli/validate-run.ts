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
      out(
        `${file}: valid (${plural(clusters, 'cluster')}${installs}, ${plural(t.peerings.length, 'peering')}, ${plural(services, 'exported service')})`,
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
