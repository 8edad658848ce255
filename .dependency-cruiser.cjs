/**
 * Folder layer rules for src, the sandbox package and workers/, checked by `npm run layers` (part of
 * `npm test`). docs/architecture.md draws the same table. A folder may import its own files and
 * folders of a LOWER rank only; folders of the same rank are independent of each other. Strict ranks
 * also make folder-level cycles impossible, and the `no-folder-cycles` rule says so for folders
 * outside the table too. The sandbox package builds on the product's library layers and the product
 * reaches it through one door; nothing shipped imports a test.
 */

/** Product folders under src, lowest first; `workers` is the top-level workers/ folder. */
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
  ['workers'],
  ['app'],
  ['cli'],
];

/**
 * The library layers the sandbox package (sandbox/src) may build on: those up to the Consul client,
 * what a simulated Kubernetes or Consul needs. It never imports the reconciler, the service, the
 * composition root or the CLI.
 */
const SANDBOX_MAY_IMPORT = LAYERS.slice(0, LAYERS.findIndex((rank) => rank.includes('consul')) + 1).flat();

/** The one product module that loads the sandbox package, for `meshpeer sandbox` and `meshpeer demo`. */
const SANDBOX_DOOR = '^src/cli/load-sandbox\\.ts$';

const PRODUCT = LAYERS.flat();
/** The path of a folder of the table: workers/ lives at the top level, the rest under src/. */
const pathOf = (folder) => (folder === 'workers' ? 'workers' : `src/${folder}`);
const alternatives = (folders) => `^(${folders.map(pathOf).join('|')})/`;

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
        comment: `${pathOf(folder)} may import only ${allowed.length ? allowed.join(', ') : 'node and npm modules'}`,
        from: { path: `^${pathOf(folder)}/` },
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
      name: 'product-imports-sandbox',
      severity: 'error',
      comment: 'src loads the sandbox package only through src/cli/load-sandbox.ts',
      from: { path: '^(src|workers)/', pathNot: SANDBOX_DOOR },
      to: { path: '^sandbox/' },
    },
    {
      name: 'sandbox-imports-service',
      severity: 'error',
      comment: `sandbox/src may import only the product's library layers: ${SANDBOX_MAY_IMPORT.join(', ')}`,
      from: { path: '^sandbox/src/' },
      to: { path: '^(src|workers)/', pathNot: alternatives(SANDBOX_MAY_IMPORT) },
    },
    {
      name: 'src-imports-tests',
      severity: 'error',
      comment: 'src, workers and the sandbox package never import test/, bench/ or the sandbox tests',
      from: { path: '^(src|workers|sandbox/src)/' },
      to: { path: '^(test|bench|sandbox/test)/' },
    },
    {
      name: 'unlayered-folder',
      severity: 'error',
      comment: 'a new folder under src needs a rank in .dependency-cruiser.cjs (and docs/architecture.md)',
      from: { path: '^src/', pathNot: alternatives(PRODUCT) },
      to: {},
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'folders under src and sandbox/src import each other in one direction only',
      scope: 'folder',
      from: { path: '^(src|sandbox/src)/' },
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
Object.defineProperty(module.exports, 'layers', { value: { LAYERS, SANDBOX_MAY_IMPORT } });
