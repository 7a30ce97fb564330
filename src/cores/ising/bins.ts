/**
 * Bin records: the engine's on-chip measurements (hdl/ising_measure.v), and the same sums made from the reference
 * model's sweeps, so the two can be compared bit for bit. Per temperature slot and bin of B engine sweeps: the
 * number of sweeps and the exact integer sums ΣE, ΣE², ΣM, Σ|M|, ΣM², ΣE·M and ΣM⁴, E and M taken after each of
 * the slot's sweeps. Bins are counted from the start of each run (each RUN of the engine): a run of n sweeps
 * gives ⌊n / B⌋ full bins and, when B does not divide n, one more with the rest.
 */
import type { SweepRecord } from './reference.ts';

export interface BinRecord {
  /** Temperature slot (replica r sweeps with table r). */
  slot: number;
  /** Sweeps in the bin. */
  sweeps: number;
  sumE: bigint;
  sumE2: bigint;
  sumM: bigint;
  sumAbsM: bigint;
  sumM2: bigint;
  sumEM: bigint;
  sumM4: bigint;
}

/** The largest bin the engine's BIN register takes; every sum stays exact up to it for L ≤ 1024. */
export const MAX_BIN = 2 ** 22 - 1;

/** One slot's sums over the sweeps added since the last take(). */
class SlotSums {
  private sweeps = 0;
  // E, M and the products of one sweep fit a double exactly (|E| ≤ 2N ≤ 2^21, E² ≤ 2^42); the sums may not.
  private e = 0n;
  private e2 = 0n;
  private m = 0n;
  private absM = 0n;
  private m2 = 0n;
  private em = 0n;
  private m4 = 0n;

  add(energy: number, magnetization: number): void {
    const m2 = magnetization * magnetization;
    this.sweeps++;
    this.e += BigInt(energy);
    this.e2 += BigInt(energy * energy);
    this.m += BigInt(magnetization);
    this.absM += BigInt(Math.abs(magnetization));
    this.m2 += BigInt(m2);
    this.em += BigInt(energy * magnetization);
    this.m4 += BigInt(m2) * BigInt(m2);
  }

  /** The bin's record; the sums start again from zero. */
  take(slot: number): BinRecord {
    const record = {
      slot,
      sweeps: this.sweeps,
      sumE: this.e,
      sumE2: this.e2,
      sumM: this.m,
      sumAbsM: this.absM,
      sumM2: this.m2,
      sumEM: this.em,
      sumM4: this.m4,
    };
    this.sweeps = 0;
    this.e = this.e2 = this.m = this.absM = this.m2 = this.em = this.m4 = 0n;
    return record;
  }
}

/** Bins a run's sweep records as the engine does: R slots, B engine sweeps per bin, the rest at the run's end. */
export class Binner {
  private readonly slots: SlotSums[];
  private inBin = 0;

  /** `energyTimesMagnet`: engines built without field support leave ΣE·M at 0 (only the field's energy needs it). */
  constructor(
    readonly replicas: number,
    readonly binSize: number,
    readonly energyTimesMagnet = true,
  ) {
    if (!(Number.isInteger(binSize) && binSize >= 1 && binSize <= MAX_BIN))
      throw new RangeError(`bin size must be an integer from 1 to ${MAX_BIN}, got ${binSize}`);
    this.slots = Array.from({ length: replicas }, () => new SlotSums());
  }

  /** One engine sweep (a record per replica, in replica order); the bin's records when it ends with this sweep. */
  add(records: readonly SweepRecord[]): BinRecord[] {
    for (const r of records) this.slots[r.replica]!.add(r.energy, r.magnetization);
    this.inBin++;
    return this.inBin === this.binSize ? this.flush() : [];
  }

  /** The end of a run: the records of a bin left unfinished (none when the last bin was full). */
  endRun(): BinRecord[] {
    return this.inBin > 0 ? this.flush() : [];
  }

  private flush(): BinRecord[] {
    this.inBin = 0;
    return this.slots.map((sums, slot) => {
      const record = sums.take(slot);
      return this.energyTimesMagnet ? record : { ...record, sumEM: 0n };
    });
  }
}

/** A one-sweep bin record (B = 1) as the sweep record it holds. */
export function sweepOfBin(record: BinRecord): SweepRecord {
  if (record.sweeps !== 1) throw new Error(`a bin of ${record.sweeps} sweeps is not one sweep's record`);
  return { replica: record.slot, energy: Number(record.sumE), magnetization: Number(record.sumM) };
}

/** The sums of a bin record in plane order (bit a of plane j is bit j of SUM_ORDER[a]); which are signed. */
export const SUM_ORDER = ['sumE', 'sumE2', 'sumM', 'sumAbsM', 'sumM2', 'sumEM', 'sumM4'] as const;
const SIGNED = new Set<string>(['sumE', 'sumM', 'sumEM']);

/** Bit planes the engine adds for lattice side L (hdl/ising_measure.v PLANES): every sum fits for B ≤ MAX_BIN. */
export function planesFor(size: number): number {
  return 4 * Math.log2(size * size) + 24;
}

/** A bin record from the stream's fields: slot, sweeps and 128 bit planes (one byte each, plane 0 first). */
export function planesToBin(slot: number, sweeps: number, planes: bigint, size: number): BinRecord {
  const count = planesFor(size);
  const sums: bigint[] = SUM_ORDER.map(() => 0n);
  for (let j = count - 1; j >= 0; j--) {
    const plane = Number((planes >> BigInt(8 * j)) & 0xffn);
    for (let a = 0; a < SUM_ORDER.length; a++) sums[a] = (sums[a]! << 1n) | BigInt((plane >> a) & 1);
  }
  const record = { slot, sweeps } as BinRecord;
  SUM_ORDER.forEach((name, a) => {
    const value = sums[a]!;
    record[name] = SIGNED.has(name) && value >> BigInt(count - 1) === 1n ? value - (1n << BigInt(count)) : value;
  });
  return record;
}

/** Engine sweeps (per replica) of `sweeps` in bins of `binSize`: how many records a run streams per slot. */
export function binsOfRun(sweeps: number, binSize: number): number {
  return Math.ceil(sweeps / binSize);
}
