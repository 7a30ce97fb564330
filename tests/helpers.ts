/** Test utilities: a seeded PRNG so random tests are reproducible (the seed is printed on failure); the CLI runner. */

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export { randomModel } from '../src/cores/bdcgan/random.ts';

/** mulberry32 (src/util/random.ts): plenty for test stimulus. */
export { mulberry32 as seededRandom } from '../src/util/random.ts';

export function randomBytes(random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * 256));
}

/** The spinbit command line, as a user runs it. */
export const SPINBIT_BIN = fileURLToPath(new URL('../bin/spinbit.mjs', import.meta.url));
/** The repository root: runs from there reuse (and fill) the build cache in build/. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `spinbit …args` as a real child process in `cwd` and returns its exit code and output. */
export function spinbitIn(cwd: string, ...args: string[]): CliRun {
  const result = spawnSync(process.execPath, [SPINBIT_BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** `spinbit …args` from the repository root. */
export function spinbit(...args: string[]): CliRun {
  return spinbitIn(REPO_ROOT, ...args);
}
