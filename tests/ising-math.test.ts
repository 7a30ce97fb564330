/** Ising groundwork: exact curves, flip tables and their precision, binned error bars. */
import { describe, expect, it } from 'vitest';
import { ellipticK, onsagerEnergy, T_CRITICAL, yangMagnetization } from '../src/cores/ising/exact.ts';
import { flipThresholds, tableIndex, thresholdBias } from '../src/cores/ising/tables.ts';
import { analyze } from '../src/cores/ising/stats.ts';
import { UserError } from '../src/errors.ts';
import { seededRandom } from './helpers.ts';

describe('exact solutions', () => {
  it('Onsager energy and Yang magnetization match the published values', () => {
    expect(T_CRITICAL).toBeCloseTo(2.269185314, 9);
    expect(ellipticK(0)).toBeCloseTo(Math.PI / 2, 12);
    expect(ellipticK(0.5)).toBeCloseTo(1.685750354812596, 12);
    expect(onsagerEnergy(T_CRITICAL)).toBeCloseTo(-Math.SQRT2, 9);
    // Continuous through T_c (the K(k) singularity cancels).
    expect(Math.abs(onsagerEnergy(T_CRITICAL - 1e-7) - onsagerEnergy(T_CRITICAL + 1e-7))).toBeLessThan(1e-5);
    for (const [T, u] of [
      [1.5, -1.951117],
      [2.0, -1.745565],
      [2.5, -1.106079],
      [3.0, -0.81731],
    ] as const)
      expect(onsagerEnergy(T)).toBeCloseTo(u, 5);
    for (const [T, m] of [
      [1.5, 0.9865],
      [2.0, 0.911319],
      [2.2, 0.784755],
    ] as const)
      expect(yangMagnetization(T)).toBeCloseTo(m, 5);
    expect(yangMagnetization(2.3)).toBe(0);
    expect(() => onsagerEnergy(0)).toThrow(RangeError);
  });
});

describe('flip tables', () => {
  it('Metropolis: always flip when the energy does not rise, e^{−βΔE} otherwise', () => {
    const bits = 24;
    const table = flipThresholds('metropolis', 2.0, bits);
    for (const n of [-4, -2, 0]) expect(table[tableIndex(1, n)]).toBe(2 ** bits); // s = +1, ΔE = 2n ≤ 0
    expect(table[tableIndex(1, 4)]).toBe(Math.round(Math.exp(-8 / 2.0) * 2 ** bits));
    expect(table[tableIndex(-1, -4)]).toBe(Math.round(Math.exp(-8 / 2.0) * 2 ** bits)); // symmetric at h = 0
  });

  it('heat-bath: P(flip | ΔE) + P(flip | −ΔE) = 1, and a field breaks the spin symmetry', () => {
    const bits = 20;
    const table = flipThresholds('heatbath', 2.5, bits);
    for (const n of [-4, -2, 0, 2, 4])
      expect(Math.abs(table[tableIndex(1, n)]! + table[tableIndex(1, -n)]! - 2 ** bits)).toBeLessThanOrEqual(1);
    const withField = flipThresholds('heatbath', 2.5, bits, 0.5);
    expect(withField[tableIndex(1, 0)]).toBeLessThan(withField[tableIndex(-1, 0)]!); // field favours +1
  });

  it('rounding bias: ≤ 2^−(k+1) absolute; 8 bits turn e^{−8β_c} = 0.02944 into 8/256 (6 % off)', () => {
    const table = flipThresholds('metropolis', T_CRITICAL, 8);
    expect(table[tableIndex(1, 4)]).toBe(8);
    expect(thresholdBias('metropolis', T_CRITICAL, 8).worstRelative).toBeGreaterThan(0.05);
    for (const bits of [16, 24, 32])
      expect(thresholdBias('metropolis', T_CRITICAL, bits).absolute).toBeLessThanOrEqual(2 ** -(bits + 1));
    expect(thresholdBias('metropolis', T_CRITICAL, 24).worstRelative).toBeLessThan(1e-5);
  });

  it('refuses a non-positive temperature or absurd precision', () => {
    expect(() => flipThresholds('metropolis', 0, 16)).toThrow(UserError);
    expect(() => flipThresholds('metropolis', -1, 16)).toThrow(/positive number/);
    expect(() => flipThresholds('metropolis', 2, 40)).toThrow(/8 … 32/);
  });
});

describe('binned error bars', () => {
  function gaussian(random: () => number): number {
    return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  }

  it('independent samples: the error bar is σ/√n', () => {
    const random = seededRandom(11);
    const n = 64_000;
    const energy = Float64Array.from({ length: n }, () => -1000 + 10 * gaussian(random));
    const magnetization = Float64Array.from({ length: n }, () => 500 + 5 * gaussian(random));
    const result = analyze({ energy, magnetization }, 1000, 2.0);
    expect(result.energyPerSpin.value).toBeCloseTo(-1, 2);
    expect(result.energyPerSpin.error / (0.01 / Math.sqrt(n))).toBeGreaterThan(0.7);
    expect(result.energyPerSpin.error / (0.01 / Math.sqrt(n))).toBeLessThan(1.3);
  });

  it('correlated samples: binning recovers the larger true error (AR(1), ρ = 0.9)', () => {
    const random = seededRandom(12);
    const n = 200_000;
    const rho = 0.9;
    const energy = new Float64Array(n);
    let x = 0;
    for (let i = 0; i < n; i++) {
      x = rho * x + Math.sqrt(1 - rho * rho) * gaussian(random);
      energy[i] = 100 * x;
    }
    const result = analyze({ energy, magnetization: energy }, 100, 2.0);
    const trueError = Math.sqrt((1 + rho) / (1 - rho)) / Math.sqrt(n); // σ = 1 per spin
    expect(result.energyPerSpin.error / trueError).toBeGreaterThan(0.6);
    expect(result.energyPerSpin.error / trueError).toBeLessThan(1.4);
  });
});
