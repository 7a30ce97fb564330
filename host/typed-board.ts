/**
 * Typed access to a design's registers and memories, by the names of its contract (src/link/contract.ts):
 * `regs.write('RUN', n)`, `regs.memory('lattice')`. A name the contract does not have is a type error, and no
 * address is typed out anywhere but the contract.
 */
import { UserError } from '../src/errors.ts';
import {
  decodeRecord,
  idValue,
  recordBytes,
  type Contract,
  type MemoryName,
  type RegisterName,
} from '../src/link/contract.ts';
import type { SpinbitBoard } from './board.ts';

export class TypedBoard<C extends Contract> {
  constructor(
    readonly board: SpinbitBoard,
    readonly contract: C,
  ) {}

  get path(): string {
    return this.board.path;
  }

  /** Address of a register, or of entry `offset` of a register block. */
  address(name: RegisterName<C>, offset = 0): number {
    return this.contract.registers[name]!.address + offset;
  }

  read(name: RegisterName<C>, offset = 0): Promise<number> {
    return this.board.readRegister(this.address(name, offset));
  }

  /** `count` consecutive registers from `name` (+ offset) on. */
  readRange(name: RegisterName<C>, count: number, offset = 0): Promise<number[]> {
    return this.board.readRegisters(this.address(name, offset), count);
  }

  write(name: RegisterName<C>, value: number, offset = 0): Promise<void> {
    return this.board.writeRegister(this.address(name, offset), value);
  }

  /** Index of a memory. */
  memory(name: MemoryName<C>): number {
    return this.contract.memories[name]!.index;
  }

  readMemory(name: MemoryName<C>, wordAddress: number, words: number): Promise<Uint8Array> {
    return this.board.readMemory(this.memory(name), wordAddress, words);
  }

  writeMemory(name: MemoryName<C>, wordAddress: number, data: Uint8Array): Promise<void> {
    return this.board.writeMemory(this.memory(name), wordAddress, data);
  }

  /** Fails unless the ID register reads the contract's ID (the identity said the design; this checks the engine). */
  async checkId(): Promise<void> {
    const id = await this.read('ID' as RegisterName<C>);
    const want = idValue(this.contract.id);
    if (id !== want) {
      throw new UserError(
        `${this.path}: not a ${this.contract.design} engine ` +
          `(ID register 0x${id.toString(16)}, expected 0x${want.toString(16)})`,
      );
    }
  }

  /** Decodes the stream's records (the contract's record layout) from `bytes`. */
  records(bytes: Uint8Array): Record<string, bigint>[] {
    const record = this.contract.stream.record;
    if (!record) throw new Error(`${this.contract.design}'s stream carries no fixed records`);
    const size = recordBytes(record);
    return Array.from({ length: bytes.length / size }, (_, i) => decodeRecord(record, bytes, i * size));
  }
}
