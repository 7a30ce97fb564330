/**
 * Flip tables: what the host uploads to change temperature (and field) without resynthesis.
 *
 * One table serves both algorithms, so the hardware does not care which one runs: for a spin s ∈ {−1, +1}
 * whose four neighbours sum to n ∈ {−4, −2, 0, 2, 4}, the lane flips the spin when its uniform random integer
 * u ∈ [0, 2^bits) is below threshold[s, n]. With ΔE = 2·s·(n + h):
 *   Metropolis  P(flip) = min(1, e^{−βΔE})
 *   heat-bath   P(flip) = 1 / (1 + e^{βΔE})      (the new spin drawn from its conditional distribution)
 * Thresholds are round(P·2^bits), so each flip probability is off by at most 2^−(bits+1) (absolute).
 */
import { UserError } from '../../errors.ts';

export type Algorithm = 'metropolis' | 'heatbath';

export const NEIGHBOUR_SUMS = [-4, -2, 0, 2, 4] as const;
export const SPINS = [-1, 1] as const;

/** Table index of (s, n): s = −1 → 0…4, s = +1 → 5…9, n ascending. */
export function tableIndex(spin: -1 | 1, neighbourSum: number): number {
  return (spin === 1 ? 5 : 0) + (neighbourSum + 4) / 2;
}

export function flipProbability(
  algorithm: Algorithm,
  beta: number,
  spin: -1 | 1,
  neighbourSum: number,
  field = 0,
): number {
  const deltaE = 2 * spin * (neighbourSum + field);
  return algorithm === 'metropolis' ? Math.min(1, Math.exp(-beta * deltaE)) : 1 / (1 + Math.exp(beta * deltaE));
}

/** The ten thresholds (integers in [0, 2^bits]) for a temperature T and field h. */
export function flipThresholds(algorithm: Algorithm, T: number, bits: number, field = 0): number[] {
  if (!(T > 0) || !Number.isFinite(T)) throw new UserError(`temperature must be a positive number, got ${T}`);
  if (!Number.isFinite(field)) throw new UserError(`field must be a finite number, got ${field}`);
  if (!(Number.isInteger(bits) && bits >= 8 && bits <= 32))
    throw new UserError(`threshold bits must be an integer in 8 … 32, got ${bits}`);
  const scale = 2 ** bits;
  const table: number[] = new Array(10);
  for (const spin of SPINS) {
    for (const n of NEIGHBOUR_SUMS)
      table[tableIndex(spin, n)] = Math.round(flipProbability(algorithm, 1 / T, spin, n, field) * scale);
  }
  return table;
}

/**
 * The largest absolute error in any flip probability caused by rounding thresholds to `bits` bits, and the
 * relative error of the rarest non-trivial flip (e^{−8β} for Metropolis at h = 0), which is what biases the
 * simulated temperature most.
 */
export function thresholdBias(
  algorithm: Algorithm,
  T: number,
  bits: number,
  field = 0,
): { absolute: number; worstRelative: number } {
  const scale = 2 ** bits;
  let absolute = 0;
  let worstRelative = 0;
  for (const spin of SPINS) {
    for (const n of NEIGHBOUR_SUMS) {
      const p = flipProbability(algorithm, 1 / T, spin, n, field);
      const error = Math.abs(Math.round(p * scale) / scale - p);
      absolute = Math.max(absolute, error);
      if (p > 0 && p < 1) worstRelative = Math.max(worstRelative, error / p);
    }
  }
  return { absolute, worstRelative };
}

/**
 * Checks that a table can run on an engine that stores only part of it (src/cores/ising/index.ts modes):
 * 'metropolis' keeps entries 8 and 9 (ΔE = 4, 8 at h = 0), the rest must be their mirror or "always";
 * 'symmetric' keeps 5 … 9 and needs T[k] = T[9 − k] (no field); 'full' keeps all ten.
 */
export function checkTableFits(mode: 'metropolis' | 'symmetric' | 'full', table: ArrayLike<number>): void {
  const always = 2 ** 24;
  for (let k = 0; k < 10; k++) {
    const value = table[k]!;
    if (!(Number.isInteger(value) && value >= 0 && value <= always))
      throw new UserError(`flip table entry ${k} is ${value}: must be an integer in 0 … 2^24`);
  }
  if (mode === 'full') return;
  const fix = 'rebuild the engine with --field on (any table) or --algorithm heatbath (tables without a field)';
  for (let k = 0; k < 5; k++) {
    if (table[k] !== table[9 - k])
      throw new UserError(
        `this engine stores tables without a field, but entries ${k} and ${9 - k} differ (a field h ≠ 0?): ${fix}`,
      );
  }
  if (mode === 'metropolis') {
    // The engine compares the stored entries' digits in CHUNK bits: a flip with ΔE > 0 cannot be certain.
    for (const k of [8, 9]) {
      if (table[k]! >= always)
        throw new UserError(
          `flip table entry ${k} is 2^24 (a flip with ΔE = ${4 * (k - 7)} always happens: T too high?); ` +
            'this Metropolis engine needs entries 8 and 9 below 2^24',
        );
    }
    for (const k of [5, 6, 7]) {
      if (table[k] !== always)
        throw new UserError(
          'this engine is built for Metropolis without a field (entries 5 … 7 must be 2^24), ' +
            `got ${table[k]} at entry ${k}: ${fix}`,
        );
    }
  }
}
