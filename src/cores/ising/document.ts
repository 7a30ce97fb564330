/** The JSON document of an Ising run (`--json FILE`, schema spinbit.ising.scan/1, docs/ising.md). */
import { targetMode } from '../../run/target.ts';
import { flipsPerNs, type IsingRunResult } from './run.ts';
import type { ScanOptions } from './scan.ts';

export function scanDocument(run: IsingRunResult, options: ScanOptions): Record<string, unknown> {
  const { config, scan, check } = run;
  return {
    schema: 'spinbit.ising.scan/1',
    mode: targetMode(run.target),
    config: {
      size: config.size,
      lanes: config.lanes,
      algorithm: config.algorithm,
      replicas: config.replicas,
      chunkBits: config.chunkBits,
    },
    field: options.field ?? 0,
    sweeps: options.sweeps,
    burnIn: options.burnIn,
    seed: options.seed,
    records: scan.records,
    ...(scan.interrupted ? { interrupted: true } : {}),
    ...(scan.swaps ? { swaps: scan.swaps } : {}),
    ...(check ? { check: { ...check, verdict: 'pass' } } : {}),
    results: scan.points.map((p) => ({
      T: p.T,
      energyPerSpin: p.observables.energyPerSpin,
      absMagnetization: p.observables.absMagnetization,
      susceptibility: p.observables.susceptibility,
      specificHeat: p.observables.specificHeat,
      binder: p.observables.binder,
      exact: p.exact,
      bins: p.observables.bins,
      binSize: p.binSize,
      clocksPerSweep: p.clocksPerSweep,
      elapsedClocksPerSweep: p.elapsedClocksPerSweep,
      flipsPerNs: flipsPerNs(run, p),
      idealClocksPerSweep: p.idealClocksPerSweep,
      tieClocksPerSweep: p.tieClocksPerSweep,
    })),
  };
}
