/**
 * Bit-exact checks of an Ising engine against the reference model, as the records arrive: CheckedEngine runs
 * the reference in lockstep with the engine (same tables, bin sizes and chunks of sweeps) and compares every bin
 * record (every exact sum of it) at once, so a run of any length needs no stored records and fails at the first differing one. At the
 * end, the tie-clock count (which pins down every lazy comparison) and each replica's final lattice must match
 * too. Used by runIsing (run.ts) with `check`.
 */
import type { IsingConfig } from './config.ts';
import type { BinRecord } from './bins.ts';
import type { ExchangeState, PairTable } from './exchange.ts';
import type { IsingLattice } from './reference.ts';
import { ReferenceEngine, type EngineCounters, type IsingEngine } from './scan.ts';

/** What the check needs from the engine under test: the scan interface and its final lattices. */
export type CheckableEngine = IsingEngine & { readLattice(replica: number): Promise<IsingLattice> };

export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

export interface CheckReport {
  records: number;
  tieClocks: number;
  replicas: number;
  lattices: 'identical';
}

/** Every field of a bin record, in the record's order: the check names the first that differs. */
const BIN_FIELDS = ['slot', 'sweeps', 'sumE', 'sumE2', 'sumM', 'sumAbsM', 'sumM2', 'sumEM', 'sumM4'] as const;

const fail = (what: string): never => {
  throw new CheckFailure(`--check: the engine differs from the reference model: ${what}`);
};

/** An engine whose every run is replayed on the reference model and compared record by record. */
export class CheckedEngine implements IsingEngine {
  readonly reference: ReferenceEngine;
  /** Records compared so far. */
  compared = 0;

  constructor(
    readonly engine: CheckableEngine,
    readonly config: IsingConfig & { chunkBits?: number; field?: boolean },
    seed: number,
  ) {
    this.reference = new ReferenceEngine(config, seed);
  }

  get replicas(): number {
    return this.engine.replicas;
  }

  get linkBin(): number | undefined {
    return this.engine.linkBin;
  }

  async setTable(replica: number, table: ArrayLike<number>): Promise<void> {
    await this.engine.setTable(replica, table);
    await this.reference.setTable(replica, table);
  }

  async setExchange(tables: PairTable[], swapEvery: number): Promise<void> {
    if (!this.engine.setExchange) throw new Error('the engine under check has no replica exchange');
    await this.engine.setExchange(tables, swapEvery);
    await this.reference.setExchange(tables, swapEvery);
  }

  /** The engine's swap state, which must equal the reference's (every decision is bit-exact). */
  async exchangeState(): Promise<ExchangeState> {
    if (!this.engine.exchangeState) throw new Error('the engine under check has no replica exchange');
    const got = await this.engine.exchangeState();
    const want = await this.reference.exchangeState();
    if (JSON.stringify(got) !== JSON.stringify(want))
      fail(`replica exchange state ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    return got;
  }

  async setBin(sweeps: number): Promise<void> {
    await this.engine.setBin(sweeps);
    await this.reference.setBin(sweeps);
  }

  async run(sweeps: number): Promise<BinRecord[]> {
    const got = await this.engine.run(sweeps);
    const want = await this.reference.run(sweeps);
    if (got.length !== want.length) fail(`${got.length} records for ${sweeps} sweeps, expected ${want.length}`);
    for (let i = 0; i < want.length; i++) {
      const field = BIN_FIELDS.find((f) => got[i]![f] !== want[i]![f]);
      if (field) {
        const w = want[i]!;
        fail(
          `bin record ${this.compared + i} (slot ${w.slot}, ${w.sweeps} sweeps): ${field} ${got[i]![field]}, ` +
            `expected ${w[field]}`,
        );
      }
    }
    this.compared += want.length;
    return got;
  }

  counters(): Promise<EngineCounters> {
    return this.engine.counters();
  }

  /** After the scan: tie clocks and every replica's final lattice. */
  async finish(): Promise<CheckReport> {
    const counters = await this.engine.counters();
    const referenceCounters = await this.reference.counters();
    if (counters.tieClocks !== referenceCounters.tieClocks)
      fail(`${counters.tieClocks} tie clocks, expected ${referenceCounters.tieClocks}`);
    const L = this.config.size;
    for (let r = 0; r < this.config.replicas; r++) {
      const lattice = await this.engine.readLattice(r);
      const want = this.reference.lattices[r]!;
      const site = want.spins.findIndex((s, i) => lattice.spins[i] !== s);
      if (site >= 0)
        fail(
          `replica ${r}: spin (x ${site % L}, y ${Math.floor(site / L)}) ` +
            `is ${lattice.spins[site]}, expected ${want.spins[site]}`,
        );
    }
    return {
      records: this.compared,
      tieClocks: counters.tieClocks,
      replicas: this.config.replicas,
      lattices: 'identical',
    };
  }
}
