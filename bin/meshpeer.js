#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx so `npx meshpeer` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// `meshpeer plan | head` closes the pipe early; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
