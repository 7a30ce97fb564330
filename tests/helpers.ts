/** Test utilities: a seeded PRNG so random tests are reproducible (the seed is printed on failure). */

export { randomModel } from '../src/cores/bdcgan/random.ts';

/** mulberry32 (src/util/random.ts): plenty for test stimulus. */
export { mulberry32 as seededRandom } from '../src/util/random.ts';

export function randomBytes(random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * 256));
}
