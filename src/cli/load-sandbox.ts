/**
 * The one door from the product to the simulator package (sandbox/): `meshpeer sandbox` and
 * `meshpeer demo` load it here when they run, and nothing else in src imports it. The production
 * image and the npm package ship the product only, so there the import fails with a clear line.
 */
import type * as SandboxPackage from '../../sandbox/src/index.ts';

export type {
  InstallOptions,
  LocalRedis,
  Sandbox,
  SandboxConfig,
} from '../../sandbox/src/index.ts';

/** The sandbox package's entry point. */
export type SandboxModule = typeof SandboxPackage;

/** Loads the simulator package; says what to do when this install does not have it. */
export async function loadSandbox(): Promise<SandboxModule> {
  try {
    return await import('../../sandbox/src/index.ts');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('sandbox/src/index'))
      throw new Error(
        'the sandbox is not part of this install (the image and the npm package ship the product only): run `meshpeer sandbox` and `meshpeer demo` from a source checkout after npm ci',
      );
    throw err;
  }
}
