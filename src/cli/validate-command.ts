/** `meshpeer validate`: checks peerings.yaml without contacting any cluster. */
import { Command, Option } from 'commander';
import { formatDiagnostic, loadTopologyFile, TopologyReadError } from '../topology/index.ts';
import { err, out, outJson, parseOutput, plural } from './output.ts';

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

/** Adds `validate` to the program. */
export function validateCommand(): Command {
  return new Command('validate')
    .description('check peerings.yaml (syntax, schema, references, rules) without contacting any cluster')
    .option('-f, --file <path>', 'the desired-state file', 'peerings.yaml')
    .addOption(new Option('-o, --output <format>', 'text or json').default('text'))
    .addHelpText(
      'after',
      '\nExit codes: 0 valid, 1 invalid or unreadable.\nErrors are printed as FILE:LINE:COL: MESSAGE, all at once, sorted by position.\n\nExample:\n  meshpeer validate -f desired-state-examples/runbook/peerings.yaml',
    )
    .action(async (opts: { file: string; output: string }) => {
      process.exitCode = await runValidate(
        opts.file,
        parseOutput(opts.output, ['text', 'json']) as 'text' | 'json',
      );
    });
}
