/**
 * The reference model against the exact finite-size values of the L×L torus (Kaufman; Ferdinand & Fisher) at
 * the critical temperature, where a biased generator or acceptance table shows first. Long runs (bounded
 * memory: scans keep bins, not records), sized so the energy's error bar is well below 0.1 % of its value.
 */
import { describe, expect, it } from 'vitest';
import { validateIsingConfig } from '../src/cores/ising/config.ts';
import { finiteEnergy, finiteSpecificHeat, T_CRITICAL } from '../src/cores/ising/exact.ts';
import { ReferenceEngine, scan } from '../src/cores/ising/scan.ts';

describe('reference model at T_c against the exact finite-size values', () => {
  for (const { L, lanes, sweeps } of [
    { L: 16, lanes: 8, sweeps: 4_000_000 },
    { L: 32, lanes: 16, sweeps: 1_500_000 },
  ]) {
    it(`L = ${L}: energy within 3 error bars and 0.1 %, specific heat within 3 error bars (${sweeps} sweeps)`, async () => {
      const config = { ...validateIsingConfig({ size: L, lanes }), chunkBits: 12 };
      const result = await scan(new ReferenceEngine(config, 11), config, {
        temperatures: [T_CRITICAL],
        sweeps,
        burnIn: 20_000,
        seed: 11,
      });
      const { energyPerSpin: e, specificHeat: c } = result.points[0]!.observables;
      const exactE = finiteEnergy(L, T_CRITICAL);
      const exactC = finiteSpecificHeat(L, T_CRITICAL);
      // The error bar resolves a 0.1 % bias: otherwise this test could not catch one.
      expect(3 * e.error).toBeLessThan(0.001 * Math.abs(exactE));
      expect(Math.abs(e.value - exactE), `e ${e.value} ± ${e.error}, exact ${exactE}`).toBeLessThan(3 * e.error);
      expect(Math.abs(c.value - exactC), `C ${c.value} ± ${c.error}, exact ${exactC}`).toBeLessThan(3 * c.error);
    }, 300_000);
  }
});
