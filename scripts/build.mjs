#!/usr/bin/env node
// Compiles src/, workers/ and the sandbox package's sandbox/src/ to dist/ (tsc -p tsconfig.build.json), copies the status page's static
// files beside the compiled status-page.js, then writes dist/.build-stamp dated when the build
// STARTED: bin/meshpeer.js runs dist/ only while no source is newer than the stamp, so a file edited
// during the build makes the next command run the sources instead of what was compiled before it.
//
//   node scripts/build.mjs                      what `npm run build` and `npm ci` (prepare) run
//   node scripts/build.mjs --out-dir DIR        build elsewhere (tests)
//   node scripts/build.mjs --no-check           emit without type-checking (tests; npm test type-checks)
//   node scripts/build.mjs --if-typescript      skip, without failing, when typescript is not
//                                               installed (npm ci --omit=dev runs prepare too)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out-dir');
const outDir = resolve(outIndex === -1 ? join(root, 'dist') : (args[outIndex + 1] ?? 'dist'));

/** The static files the status page reads at run time through `new URL('./page/', import.meta.url)`. */
const ASSETS = [{ from: 'src/server/page', extensions: ['.html', '.js', '.css', '.svg'] }];

function typescriptCompiler() {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function copyAssets() {
  for (const { from, extensions } of ASSETS) {
    const target = join(outDir, from);
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(join(root, from))) {
      if (extensions.includes(extname(name))) copyFileSync(join(root, from, name), join(target, name));
    }
  }
}

const tsc = typescriptCompiler();
if (tsc === undefined) {
  if (args.includes('--if-typescript')) {
    console.error(
      'meshpeer build: typescript is not installed; bin/meshpeer.js runs the sources through tsx',
    );
    process.exit(0);
  }
  console.error('meshpeer build: typescript is not installed: run npm ci (with dev dependencies) first');
  process.exit(1);
}

const started = new Date();
const stamp = join(outDir, '.build-stamp');
// Without the stamp every new command runs the sources until this build is complete; the old
// output goes so that no file of a deleted source is left behind.
rmSync(stamp, { force: true });
rmSync(join(outDir, 'src'), { recursive: true, force: true });
rmSync(join(outDir, 'workers'), { recursive: true, force: true });
rmSync(join(outDir, 'sandbox'), { recursive: true, force: true });
const tscArgs = ['-p', join(root, 'tsconfig.build.json'), '--outDir', outDir];
if (args.includes('--no-check')) tscArgs.push('--noCheck');
const compiled = spawnSync(process.execPath, [tsc, ...tscArgs], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) {
  console.error('meshpeer build: tsc failed; bin/meshpeer.js keeps running the sources through tsx');
  process.exit(compiled.status ?? 1);
}
copyAssets();
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
