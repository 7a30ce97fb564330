/**
 * Bit-exact checks of an Ising engine against the reference model: the same scan on both, then every
 * per-sweep record, the tie-clock count (which pins down every lazy comparison), and each replica's final
 * lattice and accumulators must be identical. Used by runIsing (run.ts) with `check`.
 */
import type { IsingDesignConfig } from './index.ts';
import type { IsingBoard } from './driver.ts';
import { scan, ReferenceEngine, type ScanOptions, type ScanResult } from './scan.ts';

export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

export interface CheckReport {
  records: number;
  tieClocks: number;
  replicas: number;
  lattices: 'identical';
}

/** Replays `options` on the reference model and compares it with what the board produced. */
export async function compareWithReference(
  board: IsingBoard,
  config: IsingDesignConfig,
  options: ScanOptions,
  seed: number,
  result: ScanResult,
): Promise<CheckReport> {
  const reference = new ReferenceEngine(config, seed);
  const expected = await scan(reference, config, { ...options, onProgress: undefined });
  const fail = (what: string): never => {
    throw new CheckFailure(`--check: the engine differs from the reference model: ${what}`);
  };
  if (expected.records.length !== result.records.length)
    fail(`${result.records.length} records, expected ${expected.records.length}`);
  expected.records.forEach((want, i) => {
    const got = result.records[i]!;
    if (got.replica !== want.replica || got.energy !== want.energy || got.magnetization !== want.magnetization) {
      fail(
        `record ${i} (replica ${want.replica}, sweep ${Math.floor(i / config.replicas) + 1}): ` +
          `E ${got.energy} M ${got.magnetization}, expected E ${want.energy} M ${want.magnetization}`,
      );
    }
  });
  const counters = await board.counters();
  const referenceCounters = await reference.counters();
  if (counters.tieClocks !== referenceCounters.tieClocks)
    fail(`${counters.tieClocks} tie clocks, expected ${referenceCounters.tieClocks}`);
  for (let r = 0; r < config.replicas; r++) {
    const lattice = await board.readLattice(r);
    const want = reference.lattices[r]!;
    const site = want.spins.findIndex((s, i) => lattice.spins[i] !== s);
    if (site >= 0)
      fail(
        `replica ${r}: spin (x ${site % config.size}, y ${Math.floor(site / config.size)}) ` +
          `is ${lattice.spins[site]}, expected ${want.spins[site]}`,
      );
  }
  return {
    records: result.records.length,
    tieClocks: counters.tieClocks,
    replicas: config.replicas,
    lattices: 'identical',
  };
}
