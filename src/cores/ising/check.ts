/**
 * Bit-exact checks of an Ising engine against the reference model: the same scan on both, then every
 * per-sweep record, the tie-clock count (which pins down every lazy comparison), and each replica's final
 * lattice and accumulators must be identical. Used by `spinbit run ising --sim/--port --check` and by the
 * design's self-check (virtual board).
 */
import type { Elaborated } from '../design.ts';
import type { IsingDesignConfig } from './index.ts';
import type { IsingBoard } from '../../../host/ising.ts';
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
export async function compareWithReference(board: IsingBoard, config: IsingDesignConfig, options: ScanOptions, seed: number, result: ScanResult): Promise<CheckReport> {
  const reference = new ReferenceEngine(config, seed);
  const expected = await scan(reference, config, { ...options, onProgress: undefined });
  const fail = (what: string): never => {
    throw new CheckFailure(`--check: the engine differs from the reference model: ${what}`);
  };
  if (expected.records.length !== result.records.length) fail(`${result.records.length} records, expected ${expected.records.length}`);
  expected.records.forEach((want, i) => {
    const got = result.records[i]!;
    if (got.replica !== want.replica || got.energy !== want.energy || got.magnetization !== want.magnetization) {
      fail(`record ${i} (replica ${want.replica}, sweep ${Math.floor(i / config.replicas) + 1}): E ${got.energy} M ${got.magnetization}, expected E ${want.energy} M ${want.magnetization}`);
    }
  });
  const counters = await board.counters();
  const referenceCounters = await reference.counters();
  if (counters.tieClocks !== referenceCounters.tieClocks) fail(`${counters.tieClocks} tie clocks, expected ${referenceCounters.tieClocks}`);
  for (let r = 0; r < config.replicas; r++) {
    const lattice = await board.readLattice(r);
    const want = reference.lattices[r]!;
    const site = want.spins.findIndex((s, i) => lattice.spins[i] !== s);
    if (site >= 0) fail(`replica ${r}: spin (x ${site % config.size}, y ${Math.floor(site / config.size)}) is ${lattice.spins[site]}, expected ${want.spins[site]}`);
  }
  return { records: result.records.length, tieClocks: counters.tieClocks, replicas: config.replicas, lattices: 'identical' };
}

/** The design's self-check: a short scan on the virtual board, checked bit for bit. */
export async function checkIsing(elaborated: Elaborated<IsingDesignConfig>, options: { seed?: number; temperatures?: number[]; sweeps?: number } = {}) {
  const { VirtualBoard } = await import('../../../sim/virtual-board.ts');
  const { SpinbitBoard } = await import('../../../host/board.ts');
  const { IsingBoard } = await import('../../../host/ising.ts');
  const config = elaborated.config;
  const seed = options.seed ?? 1;
  const temperatures = options.temperatures ?? (config.replicas > 1 ? Array.from({ length: config.replicas }, (_, i) => 1.5 + (1.5 * i) / Math.max(1, config.replicas - 1)) : [1.5, 2.269, 3.0]);
  const virtual = await VirtualBoard.start(elaborated);
  try {
    const link = await SpinbitBoard.open(virtual.path, { expect: { design: elaborated.design, configHash: elaborated.configHash } });
    try {
      const board = new IsingBoard(link, config);
      await board.verify();
      await board.seed(seed);
      const scanOptions: ScanOptions = { temperatures, sweeps: options.sweeps ?? 100, burnIn: 0, seed };
      const started = performance.now();
      const result = await scan(board, config, scanOptions);
      const report = await compareWithReference(board, config, scanOptions, seed, result);
      const counters = await board.counters();
      return { ...report, temperatures, clocksPerSweep: counters.clocks / counters.sweeps, idealClocksPerSweep: (config.size * config.size) / config.lanes, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) };
    } finally {
      await link.close();
    }
  } finally {
    await virtual.stop();
  }
}
