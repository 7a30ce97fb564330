/**
 * mulberry32: a small, seeded, well-mixed 32-bit generator → uniform [0, 1). Used wherever spinbit needs
 * reproducible host-side randomness (latent vectors, replica-exchange decisions, random test models); the
 * hardware's own generator is src/cores/ising/rng.ts.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
