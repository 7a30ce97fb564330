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

export function flipProbability(algorithm: Algorithm, beta: number, spin: -1 | 1, neighbourSum: number, field = 0): number {
  const deltaE = 2 * spin * (neighbourSum + field);
  return algorithm === 'metropolis' ? Math.min(1, Math.exp(-beta * deltaE)) : 1 / (1 + Math.exp(beta * deltaE));
}

/** The ten thresholds (integers in [0, 2^bits]) for a temperature T and field h. */
export function flipThresholds(algorithm: Algorithm, T: number, bits: number, field = 0): number[] {
  if (!(T > 0) || !Number.isFinite(T)) throw new UserError(`temperature must be a positive number, got ${T}`);
  if (!Number.isFinite(field)) throw new UserError(`field must be a finite number, got ${field}`);
  if (!(Number.isInteger(bits) && bits >= 8 && bits <= 32)) throw new UserError(`threshold bits must be an integer in 8 … 32, got ${bits}`);
  const scale = 2 ** bits;
  const table: number[] = new Array(10);
  for (const spin of SPINS) {
    for (const n of NEIGHBOUR_SUMS) table[tableIndex(spin, n)] = Math.round(flipProbability(algorithm, 1 / T, spin, n, field) * scale);
  }
  return table;
}

/**
 * The largest absolute error in any flip probability caused by rounding thresholds to `bits` bits, and the
 * relative error of the rarest non-trivial flip (e^{−8β} for Metropolis at h = 0), which is what biases the
 * simulated temperature most.
 */
export function thresholdBias(algorithm: Algorithm, T: number, bits: number, field = 0): { absolute: number; worstRelative: number } {
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
