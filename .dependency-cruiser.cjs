/**
 * Folder layer rules for src, checked by `npm run layers` (part of `npm test`). docs/architecture.md
 * draws the same table. A folder may import its own files and folders of a LOWER rank only; folders of
 * the same rank are independent of each other. Strict ranks also make folder-level cycles impossible,
 * and the `no-folder-cycles` rule says so for folders outside the table too.
 */

/** Product folders under src, lowest first. */
const LAYERS = [
  ['secrets', 'tls'],
  ['topology', 'io'],
  ['source', 'scm', 'notify', 'peering'],
  ['resources'],
  ['kube'],
  ['consul'],
  ['observe'],
  ['plan'],
  ['steps'],
  ['run'],
  ['gitops'],
  ['server'],
  ['app'],
  ['cli'],
];

/** The simulator and test harness: they ship inside src for now, and the product never imports them. */
const SIMULATOR = ['sandbox', 'testing'];

/** The CLI modules that may load the simulator: `meshpeer sandbox` and `meshpeer demo`. */
const SIMULATOR_ENTRY = '^src/cli/(sandbox|demo)-[^/]+\\.ts$';

const PRODUCT = LAYERS.flat();
const alternatives = (folders) => `^src/(${folders.join('|')})/`;

/** One rule per folder: everything in the table at its own rank or above is off limits. */
function layerRules() {
  return LAYERS.flatMap((rank, i) =>
    rank.map((folder) => {
      const notBelow = LAYERS.slice(i)
        .flat()
        .filter((f) => f !== folder);
      const allowed = LAYERS.slice(0, i).flat();
      return {
        name: `layer-${folder}`,
        severity: 'error',
        comment: `src/${folder} may import only ${allowed.length ? allowed.join(', ') : 'node and npm modules'}`,
        from: { path: `^src/${folder}/` },
        to: { path: alternatives(notBelow) },
      };
    }),
  );
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules(),
    {
      name: 'product-imports-simulator',
      severity: 'error',
      comment: 'only src/sandbox, src/testing and the sandbox/demo CLI modules may import the simulator',
      from: { path: '^src/', pathNot: [alternatives([...SIMULATOR, 'cli']), SIMULATOR_ENTRY] },
      to: { path: alternatives(SIMULATOR) },
    },
    {
      name: 'cli-imports-simulator',
      severity: 'error',
      comment: 'in src/cli only the sandbox and demo command modules may import the simulator',
      from: { path: '^src/cli/', pathNot: SIMULATOR_ENTRY },
      to: { path: alternatives(SIMULATOR) },
    },
    {
      name: 'simulator-imports-cli',
      severity: 'error',
      comment: 'the simulator depends on the product, never on the command line or the composition root',
      from: { path: alternatives(SIMULATOR) },
      to: { path: alternatives(['cli', 'app']) },
    },
    {
      name: 'src-imports-tests',
      severity: 'error',
      comment: 'src never imports test/ or bench/',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'unlayered-folder',
      severity: 'error',
      comment: 'a new folder under src needs a rank in .dependency-cruiser.cjs (and docs/architecture.md)',
      from: { path: '^src/', pathNot: alternatives([...PRODUCT, ...SIMULATOR]) },
      to: {},
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'folders under src import each other in one direction only',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/peering/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.d.ts', '.js', '.mjs', '.json'] },
  },
};

// For test/architecture/layers.test.ts; non-enumerable so the configuration schema does not see it.
Object.defineProperty(module.exports, 'layers', { value: { LAYERS, SIMULATOR } });
