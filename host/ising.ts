/**
 * IsingBoard: the Ising engine behind the link (a board or the virtual board). Seeds the generator, uploads
 * flip tables (checked against what the bitstream stores), writes and reads lattices, runs sweeps and
 * collects the per-sweep records from the stream. Register map and record format: docs/ising.md.
 */
import { UserError } from '../src/errors.ts';
import type { IsingDesignConfig } from '../src/cores/ising/index.ts';
import { ISING_ID, IsingRegister, LATTICE_MEMORY, MODE_CODES, RECORD_BYTES, REPLICA_BASE, REPLICA_STRIDE } from '../src/cores/ising/index.ts';
import { hostBits, hostWordsPerReplica, packLattice, unpackLattice } from '../src/cores/ising/layout.ts';
import { IsingLattice, type SweepRecord } from '../src/cores/ising/reference.ts';
import { checkTableFits } from '../src/cores/ising/tables.ts';
import type { SpinbitBoard } from './board.ts';

export interface EngineCounters {
  /** Engine clocks while running (waits for a full stream buffer excluded). */
  clocks: number;
  /** Extra clocks spent on comparison ties. */
  tieClocks: number;
  /** Replica sweeps completed. */
  sweeps: number;
}

export class IsingBoard {
  private readonly wordBytes: number;

  constructor(
    readonly board: SpinbitBoard,
    readonly config: IsingDesignConfig,
  ) {
    this.wordBytes = hostBits(config.lanes) > 8 ? 2 : 1;
  }

  get replicas(): number {
    return this.config.replicas;
  }

  /** Checks the ID and SHAPE registers against the config (the identity's config hash was checked on open). */
  async verify(): Promise<void> {
    const [id, shape] = await this.board.readRegisters(IsingRegister.ID, 2);
    if (id !== ISING_ID) throw new UserError(`${this.board.path}: not an Ising engine (ID register 0x${id!.toString(16)})`);
    const c = this.config;
    const expected = (c.chunkBits * 2 ** 26 + MODE_CODES[c.mode] * 2 ** 24 + c.replicas * 2 ** 16 + Math.log2(c.lanes) * 256 + Math.log2(c.size)) >>> 0;
    if (shape !== expected) throw new UserError(`${this.board.path}: engine shape register 0x${shape!.toString(16)} does not match the config (0x${expected.toString(16)})`);
  }

  async status(): Promise<{ running: boolean; seeding: boolean }> {
    const status = await this.board.readRegister(IsingRegister.STATUS);
    return { running: (status & 1) !== 0, seeding: (status & 2) !== 0 };
  }

  async waitIdle(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    for (;;) {
      const { running, seeding } = await this.status();
      if (!running && !seeding) return;
      if (Date.now() - started > timeoutMs) throw new UserError(`${this.board.path}: the engine is still busy after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Restarts the lane generator from `seed` (128 seeding clocks) and clears the counters. */
  async seed(seed: number): Promise<void> {
    await this.waitIdle();
    await this.board.writeRegister(IsingRegister.SEED, seed >>> 0);
    await this.waitIdle();
    await this.board.writeRegister(IsingRegister.CLOCKS, 0);
  }

  /** Uploads replica r's flip table (10 thresholds, tables.ts order); only the entries the engine stores. */
  async setTable(replica: number, table: ArrayLike<number>): Promise<void> {
    checkTableFits(this.config.mode, table);
    const first = this.config.mode === 'full' ? 0 : this.config.mode === 'symmetric' ? 5 : 8;
    for (let k = first; k < 10; k++) await this.board.writeRegister(REPLICA_BASE + REPLICA_STRIDE * replica + k, table[k]!);
  }

  async readTable(replica: number): Promise<number[]> {
    return this.board.readRegisters(REPLICA_BASE + REPLICA_STRIDE * replica, 10);
  }

  /** Writes replica r's spins (the engine recomputes E and M from the lattice every sweep). */
  async writeLattice(replica: number, lattice: IsingLattice): Promise<void> {
    const shape = { size: this.config.size, lanes: this.config.lanes };
    await this.board.writeMemory(LATTICE_MEMORY, replica * hostWordsPerReplica(shape), packLattice(shape, lattice.spins, this.wordBytes));
  }

  /** Reads replica r's spins (with E and M counted here). */
  async readLattice(replica: number): Promise<IsingLattice> {
    const shape = { size: this.config.size, lanes: this.config.lanes };
    const words = hostWordsPerReplica(shape);
    const bytes = await this.board.readMemory(LATTICE_MEMORY, replica * words, words);
    return new IsingLattice(this.config.size, unpackLattice(shape, bytes, this.wordBytes));
  }

  /** Runs `sweeps` engine sweeps (every replica once per sweep) and returns the records in stream order. */
  async run(sweeps: number): Promise<SweepRecord[]> {
    if (!(Number.isInteger(sweeps) && sweeps >= 1 && sweeps < 2 ** 32)) throw new UserError(`sweeps must be a positive integer, got ${sweeps}`);
    await this.waitIdle();
    await this.board.writeRegister(IsingRegister.RUN, sweeps);
    const count = sweeps * this.config.replicas;
    const bytes = await this.board.readStreamExactly(count * RECORD_BYTES, 10_000);
    const records: SweepRecord[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) {
      const at = i * RECORD_BYTES;
      const energy = view.getInt32(at, true);
      const magnetization = (view.getUint32(at + 4, true) << 8) >> 8; // int24
      const replica = bytes[at + 7]!;
      const expected = i % this.config.replicas;
      if (replica !== expected) throw new Error(`stream record ${i} is from replica ${replica}, expected ${expected}: the stream lost its place`);
      records.push({ replica, energy, magnetization });
    }
    return records;
  }

  async counters(): Promise<EngineCounters> {
    const [clocks, tieClocks, sweeps] = await this.board.readRegisters(IsingRegister.CLOCKS, 3);
    return { clocks: clocks!, tieClocks: tieClocks!, sweeps: sweeps! };
  }
}
