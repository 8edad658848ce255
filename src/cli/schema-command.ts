/** `meshpeer schema`: prints the JSON Schema of peerings.yaml for editors. */
import { Command } from 'commander';
import { outJson } from './output.ts';

/** Adds `schema` to the program. */
export function schemaCommand(): Command {
  return new Command('schema')
    .description('print the JSON Schema of peerings.yaml (for yaml-language-server and other editors)')
    .addHelpText(
      'after',
      '\nSave it and point your editor at it, for example:\n  meshpeer schema > peerings.schema.json\n  # yaml-language-server: $schema=./peerings.schema.json',
    )
    .action(async () => {
      // The schema comes from zod: loaded only for this command, not for every --help.
      const { topologyJsonSchema } = await import('../topology/index.ts');
      outJson(topologyJsonSchema());
    });
}
