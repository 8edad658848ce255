#!/usr/bin/env node
// Builds dist/: type-checks src/, workers/ and the sandbox package's sandbox/src/ (tsc --noEmit -p
// tsconfig.build.json), then bundles them with esbuild, split into chunks. Node's ES module loader
// pays for every module it loads, and `meshpeer validate` loaded 144 of them (95 from zod); bundled,
// it loads about a dozen. Each lazily imported command module stays a chunk of its own, loaded when
// its command runs, and every source module lands in exactly one output file, so a process never
// holds two copies of a module and of its state (the secrets registered in src/secrets/redact.ts),
// not even when the sandbox, loaded by `meshpeer sandbox` and `demo`, shares modules with the CLI.
//
//   dist/src/cli/main.js         what bin/meshpeer.js imports
//   dist/workers/<name>.js       the BullMQ worker entry points
//   dist/src/chunks/*.js         the code the entry points share and each lazily loaded part
//   dist/sandbox/src/index.js    the simulator, with the code only it uses (never shipped; the build
//                                fails if any of its code lands in dist/src or dist/workers)
//
// The status page's static files are copied beside whichever output holds src/server/status-page.ts,
// which reads them through `new URL('./page/', import.meta.url)`. Then dist/.build-stamp is written,
// dated when the build STARTED: bin/meshpeer.js runs dist/ only while no source is newer than the
// stamp, so a file edited during the build makes the next command run the sources instead.
//
//   node scripts/build.mjs                      what `npm run build` and `npm ci` (prepare) run
//   node scripts/build.mjs --out-dir DIR        build elsewhere (tests)
//   node scripts/build.mjs --no-check           bundle without type-checking (tests; npm test type-checks)
//   node scripts/build.mjs --if-typescript      skip, without failing, when typescript is not
//                                               installed (npm ci --omit=dev runs prepare too)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out-dir');
const outDir = resolve(outIndex === -1 ? join(root, 'dist') : (args[outIndex + 1] ?? 'dist'));
const require = createRequire(join(root, 'package.json'));

/** The static files the status page reads at run time through `new URL('./page/', import.meta.url)`. */
const PAGE = {
  module: 'src/server/status-page.ts',
  from: 'src/server/page',
  extensions: ['.html', '.js', '.css', '.svg'],
};

/**
 * The packages bundled into dist/; every other one is imported from node_modules at run time. zod is
 * about 95 ES modules on `meshpeer validate`'s path. The other packages that path loads are one or
 * two files each (js-yaml's .mjs, commander); the rest load only in long-running commands, where
 * bundling gains nothing and risks their native addons, dynamic requires and data files.
 */
const BUNDLED = new Set(['zod']);

/** The sandbox package's entry point, which src/cli/load-sandbox.ts imports when asked to. */
const SANDBOX_ENTRY = 'sandbox/src/index.ts';

function resolveTool(path) {
  try {
    return require.resolve(path);
  } catch {
    return undefined;
  }
}

function entryPoints() {
  const workers = readdirSync(join(root, 'workers'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `workers/${name}`);
  const sandbox = existsSync(join(root, SANDBOX_ENTRY)) ? [SANDBOX_ENTRY] : [];
  return ['src/cli/main.ts', ...workers, ...sandbox];
}

/** Bare imports stay imports from node_modules unless their package is in BUNDLED. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path }) => {
      const name = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0];
      return BUNDLED.has(name) ? undefined : { path, external: true };
    });
  },
};

/**
 * In a copy of the package without the sandbox (the CLI tests build one) its import stays as it is
 * and fails when run: `meshpeer sandbox` then says, as in the image, that the sandbox is not part of
 * this install. (The path is right for dist/src/chunks/, where the importing module lands.)
 */
const missingSandbox = {
  name: 'missing-sandbox',
  setup(build) {
    build.onResolve({ filter: /sandbox\/src\/index\.ts$/ }, ({ path, resolveDir }) =>
      existsSync(resolve(resolveDir, path))
        ? undefined
        : { path: path.replace(/\.ts$/, '.js'), external: true },
    );
  },
};

function typeCheck(tsc) {
  const checked = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noEmit'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (checked.status !== 0) {
    console.error('meshpeer build: tsc failed; bin/meshpeer.js keeps running the sources through tsx');
    process.exit(checked.status ?? 1);
  }
}

async function bundle(esbuild) {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: entryPoints(),
    outbase: root,
    outdir: outDir,
    entryNames: '[dir]/[name]',
    chunkNames: 'src/chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [externalPackages, missingSandbox],
  });
  return result.metafile;
}

/** Fails the build when simulator code landed in an output the package ships. */
function checkSandboxStaysOut(metafile) {
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    const shipped = /^(src|workers)\//.test(relative(outDir, resolve(root, output)));
    const sandbox = Object.keys(inputs).find((input) => input.startsWith('sandbox/'));
    if (shipped && sandbox !== undefined) {
      console.error(`meshpeer build: ${output} holds sandbox code (${sandbox}), which must not ship`);
      process.exit(1);
    }
  }
}

function copyPage(metafile) {
  const holder = Object.entries(metafile.outputs).find(([, { inputs }]) => PAGE.module in inputs)?.[0];
  if (holder === undefined) return;
  const target = join(dirname(resolve(root, holder)), 'page');
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(join(root, PAGE.from))) {
    if (PAGE.extensions.includes(extname(name)))
      copyFileSync(join(root, PAGE.from, name), join(target, name));
  }
}

const tsc = resolveTool('typescript/bin/tsc');
const esbuild = resolveTool('esbuild');
if (tsc === undefined || esbuild === undefined) {
  if (args.includes('--if-typescript')) {
    console.error(
      'meshpeer build: typescript is not installed; bin/meshpeer.js runs the sources through tsx',
    );
    process.exit(0);
  }
  console.error(
    'meshpeer build: typescript or esbuild is not installed: run npm ci (with dev dependencies) first',
  );
  process.exit(1);
}

const started = new Date();
const stamp = join(outDir, '.build-stamp');
// Without the stamp every new command runs the sources until this build is complete; the old
// output goes so that no file of a deleted source is left behind.
rmSync(stamp, { force: true });
for (const dir of ['src', 'workers', 'sandbox']) rmSync(join(outDir, dir), { recursive: true, force: true });
if (!args.includes('--no-check')) typeCheck(tsc);
let metafile;
try {
  metafile = await bundle(require(esbuild));
} catch {
  // esbuild has printed what failed.
  console.error('meshpeer build: esbuild failed; bin/meshpeer.js keeps running the sources through tsx');
  process.exit(1);
}
checkSandboxStaysOut(metafile);
copyPage(metafile);
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
