/** Test utilities: a seeded PRNG so random tests are reproducible (the seed is printed on failure). */

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

/**
 * Independent per-lane uniform streams from xoshiro128** (each lane seeded through splitmix32), standing in
 * for the hardware generator while it is chosen: good enough to validate the update kernel and the physics.
 */
export function independentStreams(lanes: number, bits: number, seed: number) {
  const state = new Uint32Array(lanes * 4);
  let z = seed >>> 0;
  const splitmix = () => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
    return (t ^ (t >>> 16)) >>> 0;
  };
  for (let i = 0; i < state.length; i++) state[i] = splitmix() || 1;
  const shift = 32 - bits;
  return {
    bits,
    step(out: Uint32Array) {
      for (let lane = 0; lane < lanes; lane++) {
        const o = lane * 4;
        const s0 = state[o]!, s1 = state[o + 1]!, s2 = state[o + 2]!, s3 = state[o + 3]!;
        const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
        const t = (s1 << 9) >>> 0;
        let n2 = s2 ^ s0;
        let n3 = s3 ^ s1;
        const n1 = s1 ^ n2;
        const n0 = s0 ^ n3;
        n2 = (n2 ^ t) >>> 0;
        n3 = rotl(n3, 11);
        state[o] = n0;
        state[o + 1] = n1;
        state[o + 2] = n2;
        state[o + 3] = n3;
        out[lane] = r >>> shift;
      }
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
