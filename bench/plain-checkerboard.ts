/**
 * The ceiling for the Ising reference model's speed on this machine: a plain single-threaded JavaScript
 * checkerboard Metropolis loop on the same lattice — xorshift32 integers, a precomputed acceptance table, one
 * random number per site, no lanes, no lazy comparison, no energy or magnetization bookkeeping. The reference
 * model does all of those (bit-exact with the hardware), so it can approach this number, not pass it.
 */

export interface PlainCheckerboardResult {
  L: number;
  sweeps: number;
  seconds: number;
  flips_per_ns: number;
}

/** Times `sweeps` sweeps of an L×L lattice at temperature T, after as many sweeps again (up to 500) of warm-up. */
export function plainCheckerboard(L = 64, sweeps = 2000, T = 2.269, seed = 1): PlainCheckerboardResult {
  const spins = new Int8Array(L * L).fill(1);
  const accept = acceptanceTable(T);
  let state = seed | 0 || 1; // xorshift32 must not start at 0
  for (let i = 0; i < Math.min(sweeps, 500); i++) state = sweepOnce(spins, L, accept, state);
  const start = performance.now();
  for (let i = 0; i < sweeps; i++) state = sweepOnce(spins, L, accept, state);
  const seconds = (performance.now() - start) / 1000;
  return { L, sweeps, seconds, flips_per_ns: (sweeps * L * L) / seconds / 1e9 };
}

/**
 * accept[5s + n + 9] = min(1, e^(−2sn/T)) · 2^32 for spin s = ±1 and neighbour sum n: a site flips when a
 * uniform 32-bit integer is below it.
 */
function acceptanceTable(T: number): Float64Array {
  const accept = new Float64Array(19);
  for (const s of [-1, 1]) {
    for (const n of [-4, -2, 0, 2, 4]) accept[5 * s + n + 9] = Math.min(1, Math.exp((-2 * s * n) / T)) * 2 ** 32;
  }
  return accept;
}

/** One sweep: colour 0 (x + y even), then colour 1; returns the generator's state. */
function sweepOnce(spins: Int8Array, L: number, accept: Float64Array, state: number): number {
  const mask = L - 1;
  let x = state;
  for (let colour = 0; colour < 2; colour++) {
    for (let y = 0; y < L; y++) {
      const row = y * L;
      const up = ((y - 1) & mask) * L;
      const down = ((y + 1) & mask) * L;
      for (let i = (y + colour) & 1; i < L; i += 2) {
        const s = spins[row + i]!;
        const n = spins[row + ((i - 1) & mask)]! + spins[row + ((i + 1) & mask)]! + spins[up + i]! + spins[down + i]!;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        if (x >>> 0 < accept[5 * s + n + 9]!) spins[row + i] = -s;
      }
    }
  }
  return x;
}
