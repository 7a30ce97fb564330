/**
 * The Ising reference model's kernel and the physics it produces with the hardware's lane generator
 * (rng.ts): accumulators stay exact, energies and magnetizations agree with Onsager and Yang within 3 error
 * bars at L = 64, and Binder cumulants of L = 8, 16, 32 cross between T = 2.2 and 2.35.
 */
import { describe, expect, it } from 'vitest';
import { onsagerEnergy, yangMagnetization } from '../src/cores/ising/exact.ts';
import { IsingLattice, run, siteOfColour, sweep } from '../src/cores/ising/reference.ts';
import { analyze } from '../src/cores/ising/stats.ts';
import { flipThresholds } from '../src/cores/ising/tables.ts';
import { laneStreams, THRESHOLD_BITS } from '../src/cores/ising/rng.ts';

const BITS = THRESHOLD_BITS;

function simulate(
  L: number,
  T: number,
  sweeps: number,
  burnIn: number,
  seed: number,
  algorithm: 'metropolis' | 'heatbath' = 'metropolis',
) {
  const lanes = Math.min(16, L / 2);
  const lattice = new IsingLattice(L);
  const streams = laneStreams(lanes, seed);
  const table = flipThresholds(algorithm, T, BITS);
  run(lattice, table, streams, lanes, burnIn);
  return analyze(run(lattice, table, streams, lanes, sweeps), L * L, T);
}

describe('Ising reference model', () => {
  it('numbers the sites of each colour row by row and covers every site once per sweep', () => {
    const L = 8;
    const seen = new Set<number>();
    for (const colour of [0, 1] as const) {
      for (let q = 0; q < (L * L) / 2; q++) {
        const site = siteOfColour(L, colour, q);
        expect(((site % L) + Math.floor(site / L)) % 2).toBe(colour);
        seen.add(site);
      }
    }
    expect(seen.size).toBe(L * L);
  });

  it('keeps its energy and magnetization accumulators exact through flips (both algorithms, any lane count)', () => {
    for (const [algorithm, lanes] of [
      ['metropolis', 4],
      ['heatbath', 8],
      ['metropolis', 16],
    ] as const) {
      const lattice = new IsingLattice(32);
      const streams = laneStreams(lanes, 5);
      const table = flipThresholds(algorithm, 2.3, BITS);
      for (let i = 0; i < 50; i++) sweep(lattice, table, streams, lanes);
      const { bondEnergy, magnetization } = lattice;
      lattice.recount();
      expect([bondEnergy, magnetization]).toEqual([lattice.bondEnergy, lattice.magnetization]);
      expect(magnetization).not.toBe(32 * 32); // it did flip spins
    }
  });

  it('is deterministic: the same streams give the same lattice, bit for bit', () => {
    const a = new IsingLattice(16);
    const b = new IsingLattice(16);
    const table = flipThresholds('metropolis', 2.5, BITS);
    run(a, table, laneStreams(4, 9), 4, 20);
    run(b, table, laneStreams(4, 9), 4, 20);
    expect(Buffer.from(a.spins.buffer).equals(Buffer.from(b.spins.buffer))).toBe(true);
  });

  it('agrees with Onsager (energy) and Yang (|m|) within 3 error bars at L = 64, T = 1.5, 2.0, 3.0', () => {
    for (const [T, seed] of [
      [1.5, 1],
      [2.0, 2],
      [3.0, 3],
    ] as const) {
      const result = simulate(64, T, 16_000, 2_000, seed);
      const u = onsagerEnergy(T);
      expect(
        Math.abs(result.energyPerSpin.value - u),
        `T = ${T}: e = ${result.energyPerSpin.value} ± ${result.energyPerSpin.error}, Onsager ${u}`,
      ).toBeLessThan(3 * result.energyPerSpin.error);
      if (T < 2.2) {
        const m = yangMagnetization(T);
        expect(
          Math.abs(result.absMagnetization.value - m),
          `T = ${T}: |m| = ${result.absMagnetization.value} ± ${result.absMagnetization.error}, Yang ${m}`,
        ).toBeLessThan(3 * result.absMagnetization.error);
      }
    }
  });

  it('heat-bath reaches the same equilibrium energy as Metropolis (T = 2.5, L = 32)', () => {
    const metropolis = simulate(32, 2.5, 16_000, 2_000, 21, 'metropolis');
    const heatbath = simulate(32, 2.5, 16_000, 2_000, 22, 'heatbath');
    const sigma = Math.hypot(metropolis.energyPerSpin.error, heatbath.energyPerSpin.error);
    expect(Math.abs(metropolis.energyPerSpin.value - heatbath.energyPerSpin.value)).toBeLessThan(3 * sigma);
  });

  it('Binder cumulants of L = 8, 16, 32 cross between T = 2.2 and T = 2.35', () => {
    const sizes = [8, 16, 32];
    const at = (T: number) => sizes.map((L, i) => simulate(L, T, 40_000, 4_000, 100 + i + Math.round(T * 100)).binder);
    const low = at(2.2);
    const high = at(2.35);
    // Below T_c the larger lattice is more ordered (U → 2/3), above it less (U → 0): the order flips.
    for (let i = 0; i + 1 < sizes.length; i++) {
      expect(low[i + 1]!.value, `T = 2.2: U(${sizes[i + 1]}) > U(${sizes[i]})`).toBeGreaterThan(low[i]!.value);
      expect(high[i + 1]!.value, `T = 2.35: U(${sizes[i + 1]}) < U(${sizes[i]})`).toBeLessThan(high[i]!.value);
    }
  });
});
