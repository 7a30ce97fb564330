/**
 * A temperature scan on the reference model (`spinbit run ising --ref`): per temperature, burn-in, then
 * per-sweep energy and magnetization, analysed into observables with binned error bars, side by side with the
 * exact infinite-lattice values, plus the clock count the hardware would need (steps + tie clocks).
 */
import type { IsingConfig } from './config.ts';
import { onsagerEnergy, yangMagnetization } from './exact.ts';
import { IsingLattice, run, type SweepCounts } from './reference.ts';
import { laneStreams, THRESHOLD_BITS } from './rng.ts';
import { analyze, type Observables } from './stats.ts';
import { flipThresholds } from './tables.ts';

export interface ScanOptions {
  temperatures: number[];
  sweeps: number;
  burnIn: number;
  seed: number;
  field?: number;
  onProgress?: (done: number, total: number, T: number) => void;
}

export interface ScanPoint {
  T: number;
  observables: Observables;
  exact: { energyPerSpin: number; absMagnetization: number };
  /** Clocks per sweep the lockstep engine spends, and the ideal L²/P. */
  clocksPerSweep: number;
  idealClocksPerSweep: number;
  final: { bondEnergy: number; magnetization: number };
}

export function scan(config: IsingConfig, options: ScanOptions): { points: ScanPoint[]; lattice: IsingLattice } {
  const L = config.size;
  const lattice = new IsingLattice(L);
  const streams = laneStreams(config.lanes, options.seed);
  const points: ScanPoint[] = [];
  options.temperatures.forEach((T, index) => {
    const table = flipThresholds(config.algorithm, T, THRESHOLD_BITS, options.field ?? 0);
    run(lattice, table, streams, config.lanes, options.burnIn);
    const counts: SweepCounts = { steps: 0, tieClocks: 0 };
    const series = run(lattice, table, streams, config.lanes, options.sweeps, counts);
    points.push({
      T,
      observables: analyze(series, L * L, T, Math.min(32, Math.floor(options.sweeps / 2))),
      exact: { energyPerSpin: onsagerEnergy(T), absMagnetization: yangMagnetization(T) },
      clocksPerSweep: (counts.steps + counts.tieClocks) / options.sweeps,
      idealClocksPerSweep: (L * L) / config.lanes,
      final: { bondEnergy: lattice.bondEnergy, magnetization: lattice.magnetization },
    });
    options.onProgress?.(index + 1, options.temperatures.length, T);
  });
  return { points, lattice };
}
