/**
 * The positioned YAML parser (`yaml`), loaded on first use. Valid files never need it (js-yaml
 * reads them), and loading it costs about 40 ms of every `meshpeer validate` start-up. Parsing is
 * synchronous, so the module is required rather than imported dynamically.
 */
import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');

let loaded: YamlModule | undefined;

/** The `yaml` package, required once. */
export function yamlParser(): YamlModule {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return loaded;
}
