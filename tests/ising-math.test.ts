/** Ising groundwork: exact curves, flip tables and their precision, binned error bars. */
import { describe, expect, it } from 'vitest';
import {
  BETA_CRITICAL,
  ellipticK,
  finiteEnergy,
  finiteSpecificHeat,
  onsagerEnergy,
  T_CRITICAL,
  yangMagnetization,
} from '../src/cores/ising/exact.ts';
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

/** ⟨E⟩/N and C per spin from the distribution of u, the number of unsatisfied bonds (E = 2u − 2N). */
interface Moments {
  z: number; // Σ e^{−2Ku}
  u1: number; // Σ u e^{−2Ku}
  u2: number; // Σ u² e^{−2Ku}
}

function thermal(N: number, T: number, { z, u1, u2 }: Moments): { energy: number; heat: number } {
  const mean = u1 / z;
  return { energy: (2 * mean - 2 * N) / N, heat: (4 * (u2 / z - mean * mean)) / (T * T * N) };
}

/** Number of 1 bits. */
function popcount(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

/** Every configuration of the L × L torus, binned by its number of unsatisfied bonds (L ≤ 4: 2^16 states). */
function enumerateTorus(L: number): Float64Array {
  const N = L * L;
  const counts = new Float64Array(2 * N + 1);
  const spin = (state: number, x: number, y: number): number => (state >> (((y + L) % L) * L + ((x + L) % L))) & 1;
  for (let state = 0; state < 2 ** N; state++) {
    let u = 0;
    for (let y = 0; y < L; y++)
      for (let x = 0; x < L; x++) {
        const s = spin(state, x, y);
        u += (s ^ spin(state, x + 1, y)) + (s ^ spin(state, x, y + 1));
      }
    counts[u]! += 1;
  }
  return counts;
}

function momentsOf(counts: Float64Array, T: number): Moments {
  const m: Moments = { z: 0, u1: 0, u2: 0 };
  counts.forEach((count, u) => {
    const w = count * Math.exp((-2 * u) / T);
    m.z += w;
    m.u1 += u * w;
    m.u2 += u * u * w;
  });
  return m;
}

/**
 * Row-to-row transfer matrix on the L × L torus, Z = Tr T^L, carrying Σ w, Σ u·w, Σ u²·w along the rows. The
 * diagonal element for a first row is the same for its cyclic shifts and its flip, so one row per class is enough.
 */
function transferMatrix(L: number, T: number): Moments {
  const size = 2 ** L;
  const mask = size - 1;
  const rotate = (a: number): number => ((a << 1) | (a >> (L - 1))) & mask;
  const inRow = Int32Array.from({ length: size }, (_, a) => popcount(a ^ rotate(a)));
  const weight = Float64Array.from({ length: 2 * L + 1 }, (_, u) => Math.exp((-2 * u) / T));
  const classes = new Map<number, number>();
  for (let a = 0; a < size; a++) {
    let canonical = a;
    for (let b = a, i = 0; i < L; i++, b = rotate(b)) canonical = Math.min(canonical, b, b ^ mask);
    classes.set(canonical, (classes.get(canonical) ?? 0) + 1);
  }
  const total: Moments = { z: 0, u1: 0, u2: 0 };
  for (const [first, multiplicity] of classes) {
    let p0 = new Float64Array(size);
    let p1 = new Float64Array(size);
    let p2 = new Float64Array(size);
    const u0 = inRow[first]!;
    [p0[first], p1[first], p2[first]] = [weight[u0]!, u0 * weight[u0]!, u0 * u0 * weight[u0]!];
    // Rows 1 … L−1 add their vertical bonds to the row above and their own horizontal bonds; then close onto row 0.
    for (let row = 1; row <= L; row++) {
      const last = row === L;
      const q0 = new Float64Array(size);
      const q1 = new Float64Array(size);
      const q2 = new Float64Array(size);
      for (let b = 0; b < size; b++) {
        if (last && b !== first) continue;
        const own = last ? 0 : inRow[b]!;
        let [s0, s1, s2] = [0, 0, 0];
        for (let a = 0; a < size; a++) {
          const u = popcount(a ^ b) + own;
          const w = weight[u]!;
          s0 += w * p0[a]!;
          s1 += w * (p1[a]! + u * p0[a]!);
          s2 += w * (p2[a]! + 2 * u * p1[a]! + u * u * p0[a]!);
        }
        [q0[b], q1[b], q2[b]] = [s0, s1, s2];
      }
      [p0, p1, p2] = [q0, q1, q2];
    }
    total.z += multiplicity * p0[first]!;
    total.u1 += multiplicity * p1[first]!;
    total.u2 += multiplicity * p2[first]!;
  }
  return total;
}

/** Maximum of a unimodal function by golden-section search. */
function maximize(f: (x: number) => number, a: number, b: number): { x: number; value: number } {
  const g = (Math.sqrt(5) - 1) / 2;
  let [c, d] = [b - g * (b - a), a + g * (b - a)];
  let [fc, fd] = [f(c), f(d)];
  while (b - a > 1e-9) {
    if (fc > fd) {
      [b, d, fd] = [d, c, fc];
      c = b - g * (b - a);
      fc = f(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return { x: (a + b) / 2, value: f((a + b) / 2) };
}

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(tolerance);
}

describe('exact finite torus (Kaufman 1949; Ferdinand & Fisher 1969)', () => {
  const temperatures = [1.0, 2.0, 2.269185314, 3.0, 5.0];

  it('matches enumeration of every state for L = 2, 3, 4 (odd L included)', () => {
    for (const L of [2, 3, 4]) {
      const counts = enumerateTorus(L);
      for (const T of temperatures) {
        const exact = thermal(L * L, T, momentsOf(counts, T));
        expectRelative(finiteEnergy(L, T), exact.energy, 1e-12);
        expectRelative(finiteSpecificHeat(L, T), exact.heat, 1e-10);
      }
    }
  });

  it('matches a transfer matrix for L = 4, 5, 6, 8 (and the transfer matrix matches enumeration at L = 4)', () => {
    const counts = enumerateTorus(4);
    for (const T of temperatures) {
      const fromStates = thermal(16, T, momentsOf(counts, T));
      const fromRows = thermal(16, T, transferMatrix(4, T));
      expectRelative(fromRows.energy, fromStates.energy, 1e-13);
      expectRelative(fromRows.heat, fromStates.heat, 1e-11);
    }
    for (const [L, Ts] of [
      [5, temperatures],
      [6, temperatures],
      [8, [2.0, 2.269185314, 3.0]],
    ] as const)
      for (const T of Ts) {
        const exact = thermal(L * L, T, transferMatrix(L, T));
        expectRelative(finiteEnergy(L, T), exact.energy, 1e-12);
        expectRelative(finiteSpecificHeat(L, T), exact.heat, 1e-10);
      }
  });

  it('at L = 1024 equals Onsager away from T_c, and stays finite for 2 ≤ L ≤ 1024, 0.5 ≤ T ≤ 10', () => {
    for (const T of [0.5, 1.5, 2.0, 2.6, 3.5, 10])
      expect(Math.abs(finiteEnergy(1024, T) - onsagerEnergy(T))).toBeLessThan(1e-12);
    for (const L of [2, 3, 5, 16, 17, 256, 1024])
      for (let T = 0.5; T <= 10; T += 0.25) {
        expect(finiteEnergy(L, T)).toBeGreaterThanOrEqual(-2);
        expect(finiteEnergy(L, T)).toBeLessThan(0);
        expect(finiteSpecificHeat(L, T)).toBeGreaterThan(0);
      }
    // At T_c (where γ₀ = 0 and Z₄ changes sign) the values are finite and continuous.
    for (const L of [16, 1024])
      for (const f of [finiteEnergy, finiteSpecificHeat])
        expect(Math.abs(f(L, T_CRITICAL - 1e-9) - f(L, T_CRITICAL + 1e-9))).toBeLessThan(1e-6);
    expect(() => finiteEnergy(1.5, 2)).toThrow(RangeError);
    expect(() => finiteSpecificHeat(16, 0)).toThrow(RangeError);
  });

  it('specific-heat peak: just above T_c, shifting like 1/L, growing like (8K_c²/π)·ln L', () => {
    const peaks = [16, 32, 64].map((L) => ({ L, ...maximize((T) => finiteSpecificHeat(L, T), 2, 2.8) }));
    const amplitude = (8 * BETA_CRITICAL ** 2) / Math.PI; // Onsager's C ≈ −A₀ ln|1 − T/T_c|, A₀ = 0.4945
    for (const { L, x } of peaks) {
      const shift = ((x - T_CRITICAL) / T_CRITICAL) * L; // Ferdinand & Fisher: → 0.3603
      expect(shift).toBeGreaterThan(0.33);
      expect(shift).toBeLessThan(0.37);
    }
    expect(Math.abs(peaks[0]!.x - T_CRITICAL)).toBeLessThan(0.05);
    for (let i = 1; i < peaks.length; i++) {
      const slope = (peaks[i]!.value - peaks[i - 1]!.value) / Math.LN2;
      expect(Math.abs(slope / amplitude - 1)).toBeLessThan(0.06);
    }
    expect(finiteSpecificHeat(16, 2.269185314)).toBeCloseTo(1.498704959, 8);
    expect(finiteSpecificHeat(32, 2.269185314)).toBeCloseTo(1.846767589, 8);
    expect(finiteEnergy(16, 2.269185314)).toBeCloseTo(-1.453064853, 8);
    expect(finiteEnergy(32, 2.269185314)).toBeCloseTo(-1.433658467, 8);
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
