/** Test utilities: a seeded PRNG so random tests are reproducible (the seed is printed on failure). */

export { randomModel } from '../src/cores/bdcgan/random.ts';

/** mulberry32: a small, well-mixed 32-bit generator; plenty for test stimulus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => Math.floor(random() * 256));
}


