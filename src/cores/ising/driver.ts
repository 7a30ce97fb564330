/**
 * IsingBoard: the Ising engine behind the link (a board or the virtual board). Seeds the generator, uploads
 * flip tables (checked against what the bitstream stores), writes and reads lattices, sets the bin size, runs
 * sweeps and collects the bin records (bins.ts) from the stream. Register map and record format: contract.ts (docs/ising.md).
 */
import { UserError } from '../../errors.ts';
import { recordBytes, unpackFields } from '../../link/contract.ts';
import type { SpinbitBoard } from '../../../host/board.ts';
import { TypedBoard } from '../../../host/typed-board.ts';
import { isingContract } from './contract.ts';
import { shapeValue, type IsingDesignConfig } from './index.ts';
import { hostBits, hostWordsPerReplica, packLattice, unpackLattice } from './layout.ts';
import { type BinRecord, binsOfRun, MAX_BIN, planesToBin } from './bins.ts';
import { type ExchangeState, exchangeWords, type PairTable, signEntry } from './exchange.ts';
import { IsingLattice } from './reference.ts';
import type { EngineCounters } from './scan.ts';
import { checkTableFits } from './tables.ts';

const RECORD_BYTES = recordBytes(isingContract.stream.record);
const TABLE_STRIDE = isingContract.registers.TABLE.stride;

export class IsingBoard {
  private readonly wordBytes: number;
  private binSize = 1;
  readonly regs: TypedBoard<typeof isingContract>;

  constructor(
    readonly board: SpinbitBoard,
    readonly config: IsingDesignConfig,
  ) {
    this.wordBytes = hostBits(config.lanes) > 8 ? 2 : 1;
    this.regs = new TypedBoard(board, isingContract);
  }

  get replicas(): number {
    return this.config.replicas;
  }

  /**
   * The smallest bin the link keeps up with: a bin's records (replicas × RECORD_BYTES, 10 bits a byte on the UART)
   * must take no longer than 80 % of the engine's fastest possible sweeps of the bin (L²/P clocks per replica
   * sweep); and the engine waits while a flush does not fit the stream buffer, which must stay under 5 % of a bin.
   */
  get linkBin(): number {
    const { coreClockHz, baud, streamBufferBytes } = this.board.identity;
    const clocksPerByte = (10 * coreClockHz) / baud;
    const bytes = this.config.replicas * RECORD_BYTES;
    const engineSweepClocks = (this.config.replicas * this.config.size * this.config.size) / this.config.lanes;
    const throughput = (1.25 * bytes * clocksPerByte) / engineSweepClocks;
    const stall = (20 * Math.max(0, bytes - streamBufferBytes) * clocksPerByte) / engineSweepClocks;
    return Math.max(1, Math.ceil(Math.max(throughput, stall)));
  }

  /** Checks the ID and SHAPE registers against the config (the identity's config hash was checked on open). */
  async verify(): Promise<void> {
    await this.regs.checkId();
    const shape = await this.regs.read('SHAPE');
    const expected = shapeValue(this.config);
    if (shape !== expected)
      throw new UserError(
        `${this.board.path}: engine shape register 0x${shape!.toString(16)} ` +
          `does not match the config (0x${expected.toString(16)})`,
      );
  }

  async status(): Promise<{ running: boolean; seeding: boolean; measuring: boolean }> {
    const status = unpackFields(isingContract.fields.STATUS, await this.regs.read('STATUS'));
    return { running: status.RUNNING === 1, seeding: status.SEEDING === 1, measuring: status.MEASURING === 1 };
  }

  async waitIdle(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    for (;;) {
      const { running, seeding } = await this.status();
      if (!running && !seeding) return;
      if (Date.now() - started > timeoutMs)
        throw new UserError(`${this.board.path}: the engine is still busy after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Restarts the lane generator from `seed` (128 seeding clocks) and clears the counters. */
  async seed(seed: number): Promise<void> {
    await this.waitIdle();
    await this.regs.write('SEED', seed >>> 0);
    await this.waitIdle();
    await this.regs.write('CLOCKS', 0);
  }

  /** Uploads replica r's flip table (10 thresholds, tables.ts order); only the entries the engine stores. */
  async setTable(replica: number, table: ArrayLike<number>): Promise<void> {
    checkTableFits(this.config.mode, table);
    const first = this.config.mode === 'full' ? 0 : this.config.mode === 'symmetric' ? 5 : 8;
    for (let k = first; k < 10; k++) await this.regs.write('TABLE', table[k]!, TABLE_STRIDE * replica + k);
  }

  async readTable(replica: number): Promise<number[]> {
    return this.regs.readRange('TABLE', 10, TABLE_STRIDE * replica);
  }

  /** Writes replica r's spins (the engine recomputes E and M from the lattice every sweep). */
  async writeLattice(replica: number, lattice: IsingLattice): Promise<void> {
    const shape = { size: this.config.size, lanes: this.config.lanes };
    await this.regs.writeMemory(
      'lattice',
      replica * hostWordsPerReplica(shape),
      packLattice(shape, lattice.spins, this.wordBytes),
    );
  }

  /** Reads replica r's spins (with E and M counted here). */
  async readLattice(replica: number): Promise<IsingLattice> {
    const shape = { size: this.config.size, lanes: this.config.lanes };
    const words = hostWordsPerReplica(shape);
    const bytes = await this.regs.readMemory('lattice', replica * words, words);
    return new IsingLattice(this.config.size, unpackLattice(shape, bytes, this.wordBytes));
  }

  /** Sweeps per bin for the runs that follow. */
  async setBin(sweeps: number): Promise<void> {
    if (!(Number.isInteger(sweeps) && sweeps >= 1 && sweeps <= MAX_BIN))
      throw new UserError(`bin size must be an integer from 1 to ${MAX_BIN}, got ${sweeps}`);
    await this.waitIdle();
    await this.regs.write('BIN', sweeps);
    this.binSize = sweeps;
  }

  /**
   * Runs `sweeps` engine sweeps (every replica once per sweep) and returns the bin records in stream order: per
   * bin, one for each slot. A bin's records come only when it ends, so the wait is judged by the engine's
   * progress (the SWEEPS register), not by the stream: the run fails only when neither moves for `idleMs`.
   */
  async run(sweeps: number, idleMs = 10_000): Promise<BinRecord[]> {
    if (!(Number.isInteger(sweeps) && sweeps >= 1 && sweeps < 2 ** 32))
      throw new UserError(`sweeps must be a positive integer, got ${sweeps}`);
    await this.waitIdle();
    await this.regs.write('RUN', sweeps);
    const count = binsOfRun(sweeps, this.binSize) * this.config.replicas;
    const bytes = await this.readRecords(count * RECORD_BYTES, idleMs);
    return this.regs.records(bytes).map((fields, i) => {
      const record = toBinRecord(fields, this.config.size);
      const expected = i % this.config.replicas;
      if (record.slot !== expected)
        throw new Error(
          `stream record ${i} is from slot ${record.slot}, expected ${expected}: the stream lost its place`,
        );
      return record;
    });
  }

  private async readRecords(total: number, idleMs: number): Promise<Uint8Array> {
    const out = new Uint8Array(total);
    let have = 0;
    let lastProgress = Date.now();
    let lastSweeps = -1;
    let lastPoll = 0;
    while (have < total) {
      const part = await this.board.readStream(total - have);
      out.set(part, have);
      have += part.length;
      const now = Date.now();
      if (part.length > 0) {
        lastProgress = now;
        continue;
      }
      if (now - lastPoll > 200) {
        lastPoll = now;
        const sweeps = await this.regs.read('SWEEPS');
        if (sweeps !== lastSweeps) {
          lastSweeps = sweeps;
          lastProgress = now;
        }
      }
      if (now - lastProgress > idleMs)
        throw new UserError(
          `${this.board.path}: no bin records and no sweeps for ${idleMs} ms (${have} of ${total} bytes)`,
        );
      await new Promise((r) => setTimeout(r, 2));
    }
    return out;
  }

  /** Uploads the pairs' acceptance tables (accepted counts 0), places replica r on slot r, sets SWAP. */
  async setExchange(tables: PairTable[], swapEvery: number): Promise<void> {
    if (this.config.replicas < 2) throw new UserError('replica exchange needs an engine built with --replicas ≥ 2');
    await this.waitIdle();
    const words = exchangeWords(tables);
    for (let w = 0; w < words.length; w++) await this.regs.write('EXCHANGE', words[w]!, w);
    for (let r = 0; r < this.config.replicas; r++) await this.regs.write('PLACE', r, r);
    await this.regs.write('SWAP', swapEvery);
  }

  /** Swaps accepted per pair (counted in each pair's sign entry), rounds done, each replica's slot. */
  async exchangeState(): Promise<ExchangeState> {
    const R = this.config.replicas;
    const accepted: number[] = [];
    for (let i = 0; i + 1 < R; i++) accepted.push((await this.regs.read('EXCHANGE', signEntry(i))) >>> 1);
    return {
      accepted,
      rounds: await this.regs.read('ROUNDS'),
      slotOf: await this.regs.readRange('PLACE', R),
    };
  }

  async counters(): Promise<EngineCounters> {
    const [clocks, tieClocks, sweeps, , elapsed] = await this.regs.readRange('CLOCKS', 5);
    return { clocks: clocks!, tieClocks: tieClocks!, sweeps: sweeps!, elapsed: elapsed! };
  }
}

/** A decoded stream record (slot, sweeps, bit planes) as a BinRecord. */
function toBinRecord(fields: Record<string, bigint>, size: number): BinRecord {
  const field = (name: string) => {
    const value = fields[name];
    if (value === undefined) throw new Error(`bin record without field ${name}`);
    return value;
  };
  return planesToBin(Number(field('slot')), Number(field('sweeps')), field('planes'), size);
}
