/**
 * A temperature scan on any Ising engine — the reference model on this machine, the virtual board or a
 * board: the same sequence of table uploads, runs and (with replicas) swap decisions, so a board's records
 * can be compared with the reference bit for bit (`--check`).
 *
 * One replica: temperatures run in the order given, each starting from the previous one's lattice; per
 * temperature a burn-in, then the measured sweeps. Several replicas (replica exchange): one temperature per
 * replica; after every `swapEvery` sweeps neighbouring temperature pairs (even pairs, then odd pairs next
 * time) try to swap with the exchange Monte Carlo acceptance min(1, exp((β_i − β_j)(H_i − H_j))), H = E − hM,
 * decided on the host from the streamed energies with its own seeded generator; a swap exchanges the two
 * replicas' tables, never their lattices.
 *
 * Measurements come from the engine as bin records (bins.ts: exact sums over B sweeps per temperature slot), so
 * the link carries one record per bin, not per sweep: B defaults to the analysis bin (sweeps / 32), `bin` sets
 * it, and per-sweep records (B = 1) are used where the host needs every sweep: `onRecords` (the .npy file) and
 * the host-decided replica exchange, which reads each replica's energy after the sweep before a swap.
 *
 * Runs of any length: the engine runs in chunks of whole bins (about CHUNK_SWEEPS sweeps, at least one bin),
 * statistics accumulate in analysis bins (stats.ts BinnedSeries) and records go to `onRecords` as they arrive —
 * nothing grows with the run. An abort signal stops the scan at the next chunk; the temperatures finished by
 * then are returned.
 */
import { UserError } from '../../errors.ts';
import type { IsingConfig } from './config.ts';
import { finiteEnergy, finiteSpecificHeat, onsagerEnergy, yangMagnetization } from './exact.ts';
import { type BinRecord, Binner, MAX_BIN, sweepOfBin } from './bins.ts';
import {
  attemptsAfter,
  Exchange,
  type ExchangeState,
  exchangeTables,
  type PairTable,
  replicasAt,
  SwapRandom,
} from './exchange.ts';
import { engineSweep, IsingLattice, type LaneStreams, type SweepCounts, type SweepRecord } from './reference.ts';
import { CHUNK_BITS, laneStreams, THRESHOLD_BITS } from './rng.ts';
import { BinnedSeries, type Observables } from './stats.ts';
import { flipThresholds } from './tables.ts';
import { mulberry32 } from '../../util/random.ts';

export interface EngineCounters {
  /** Engine clocks while running (waits for the link to take records excluded). */
  clocks: number;
  /** Clocks while running, link waits included: the end-to-end time. */
  elapsed: number;
  /** Extra clocks spent on comparison ties. */
  tieClocks: number;
  /** Replica sweeps completed. */
  sweeps: number;
}

/** What a scan needs from an engine. */
export interface IsingEngine {
  readonly replicas: number;
  setTable(replica: number, table: ArrayLike<number>): Promise<void>;
  /** Sweeps per bin for the runs that follow (1 … MAX_BIN). */
  setBin(sweeps: number): Promise<void>;
  /** Runs `sweeps` engine sweeps; the bin records, in stream order (bins counted from this run's start). */
  run(sweeps: number): Promise<BinRecord[]>;
  /** The smallest bin whose records the link carries in less time than the engine takes to sweep it (1: no link). */
  readonly linkBin?: number;
  /**
   * Replica exchange on the engine (exchange.ts), where it has it: the pairs' tables and the sweeps between
   * rounds (0: none). Replica r then sweeps with the table of slot `slotOf[r]`, and bins are per slot.
   */
  setExchange?(tables: PairTable[], swapEvery: number): Promise<void>;
  exchangeState?(): Promise<ExchangeState>;
  counters(): Promise<EngineCounters>;
}

/** The reference model as an engine: R lattices (all spins +1) and the lane streams of the given seed. */
export class ReferenceEngine implements IsingEngine {
  readonly lattices: IsingLattice[];
  readonly tables: number[][];
  private readonly streams: LaneStreams;
  private readonly count: SweepCounts = { steps: 0, tieClocks: 0 };
  private sweepsDone = 0;
  private binSize = 1;
  readonly exchange: Exchange;

  constructor(
    /** With `field: false` (an engine built without field support) ΣE·M stays 0, as the engine leaves it. */
    readonly config: IsingConfig & { field?: boolean },
    seed: number,
    /** Every swap attempt with its exact acceptance (tests compare the rates). */
    onSwapAttempt?: (pair: number, exact: number, accepted: boolean) => void,
    temperatures?: readonly number[],
  ) {
    this.lattices = Array.from({ length: config.replicas }, () => new IsingLattice(config.size));
    this.tables = Array.from({ length: config.replicas }, () => new Array(10).fill(0));
    this.streams = laneStreams(config.lanes, seed, config.chunkBits ?? CHUNK_BITS);
    this.exchange = new Exchange(config.replicas, new SwapRandom(seed), onSwapAttempt, temperatures);
  }

  get replicas(): number {
    return this.config.replicas;
  }

  async setTable(replica: number, table: ArrayLike<number>): Promise<void> {
    this.tables[replica] = Array.from(table);
  }

  async setBin(sweeps: number): Promise<void> {
    this.binSize = sweeps;
  }

  async setExchange(tables: PairTable[], swapEvery: number): Promise<void> {
    this.exchange.configure(tables, swapEvery);
  }

  async exchangeState(): Promise<ExchangeState> {
    return this.exchange.state();
  }

  /** Each engine sweep: replica r with its slot's table, its sums to that slot, then a round of swaps if due. */
  async run(sweeps: number): Promise<BinRecord[]> {
    const binner = new Binner(this.replicas, this.binSize, this.config.field ?? true);
    const records: BinRecord[] = [];
    const { slotOf } = this.exchange;
    for (let i = 0; i < sweeps; i++) {
      const tables = slotOf.map((slot) => this.tables[slot]!);
      const swept = engineSweep(this.lattices, tables, this.streams, this.config.lanes, this.count);
      records.push(...binner.add(swept.map((r) => ({ ...r, replica: slotOf[r.replica]! }))));
      this.exchange.afterSweep(swept.map((r) => r.energy));
    }
    records.push(...binner.endRun());
    this.sweepsDone += sweeps * this.replicas;
    return records;
  }

  /** Replica r's spins (a copy, as reading a board's lattice gives). */
  async readLattice(replica: number): Promise<IsingLattice> {
    return new IsingLattice(this.config.size, this.lattices[replica]!.spins);
  }

  /** The reference counts lockstep steps and tie clocks only: no pipeline fill or drain. */
  async counters(): Promise<EngineCounters> {
    const clocks = this.count.steps + this.count.tieClocks;
    return {
      clocks,
      elapsed: clocks,
      tieClocks: this.count.tieClocks,
      sweeps: this.sweepsDone,
    };
  }
}

export interface ScanOptions {
  temperatures: number[];
  sweeps: number;
  burnIn: number;
  field?: number;
  /** Replica exchange: sweeps between swap attempts (default 1). */
  swapEvery?: number;
  /** Seed of the host's swap decisions. */
  seed: number;
  /**
   * Sweeps per engine bin while measuring (default: the analysis bin, sweeps / 32, so the link carries 32 records
   * per temperature). 1 with `onRecords` or replicas, which need every sweep's record.
   */
  bin?: number;
  onProgress?: (done: number, total: number, what: string) => void;
  /**
   * Every record as the engine produces it (burn-in included), in stream order; `temperatureOf(replica)` is
   * the index of the temperature that replica ran at for these records, `measured` false during burn-in.
   */
  onRecords?: (
    records: SweepRecord[],
    temperatureOf: (replica: number) => number,
    measured: boolean,
  ) => void | Promise<void>;
  /** Stops the scan at the next chunk of sweeps (Ctrl-C): finished temperatures are kept (replica exchange: none). */
  signal?: AbortSignal;
}

/** Sweeps one engine.run() is asked for (rounded to whole bins, at least one): bounds what a run holds at once. */
export const CHUNK_SWEEPS = 1024;

/** Analysis bins for the jackknife, and the fewest a default bin size leaves. */
const ANALYSIS_BINS = 32;
const MIN_ANALYSIS_BINS = 8;

/**
 * The measurement's bin size: the given one (checked), else 1 where every sweep's record is needed, else the
 * analysis bin, so the link carries as few records as the analysis allows.
 */
export function chooseBin(options: ScanOptions, replicas: number, linkBin = 1): number {
  const perSweep = options.onRecords !== undefined || hostSwaps(options, replicas);
  const given = options.bin;
  if (given !== undefined) {
    if (!(Number.isInteger(given) && given >= 1 && given <= MAX_BIN))
      throw new UserError(`--bin must be an integer from 1 to ${MAX_BIN}, got ${given}`);
    if (perSweep && given !== 1)
      throw new UserError(
        `--bin ${given}: ${options.onRecords ? '--records' : 'replica exchange with a field (decided on the host)'} ` +
          `needs every ` +
          `sweep's record, so --bin 1 (or leave --bin out)`,
      );
    if (Math.floor(options.sweeps / given) < 2)
      throw new UserError(
        `--bin ${given} leaves fewer than 2 bins in --sweeps ${options.sweeps}: error bars need more`,
      );
    return given;
  }
  if (perSweep) return 1;
  // The analysis bin, or more where the link needs it — then fewer than 32 analysis bins, but never fewer than 8
  // (error bars need them; a run that short lets the link set its pace).
  const wanted = Math.max(linkBin, Math.floor(options.sweeps / ANALYSIS_BINS));
  return Math.max(1, Math.min(MAX_BIN, wanted, Math.floor(options.sweeps / MIN_ANALYSIS_BINS)));
}

/**
 * Replica exchange is decided on the host only with a field (the engine's swaps use ΔE alone) or when every
 * replica's per-sweep record is wanted (`onRecords`: the engine's bins are per temperature, not per replica).
 */
export function hostSwaps(options: ScanOptions, replicas: number): boolean {
  return replicas > 1 && ((options.field ?? 0) !== 0 || options.onRecords !== undefined);
}

/** Analysis bins for `sweeps` sweeps in engine bins of `binSize`. */
function analysisBins(sweeps: number, binSize: number): number {
  return binSize === 1
    ? Math.min(ANALYSIS_BINS, Math.floor(sweeps / 2))
    : Math.min(ANALYSIS_BINS, Math.floor(sweeps / binSize));
}

export interface ScanPoint {
  T: number;
  observables: Observables;
  /**
   * Exact values at h = 0: energy and specific heat of this L×L torus (Kaufman; Ferdinand & Fisher); |m| and
   * the energy at L = ∞ (Yang; Onsager) — there is no closed form for finite-L |m|.
   */
  exact: { energyPerSpin: number; specificHeat: number; absMagnetization: number; energyPerSpinInfinite: number };
  /** Engine clocks per replica sweep (measured on the engine; the reference counts steps and ties only). */
  clocksPerSweep: number;
  /** Clocks per replica sweep with the waits for the link: the end-to-end pace (ELAPSED). */
  elapsedClocksPerSweep: number;
  /** Sweeps per engine bin while measuring. */
  binSize: number;
  idealClocksPerSweep: number;
  tieClocksPerSweep: number;
}

export interface ScanResult {
  points: ScanPoint[];
  /** Bin records the engine produced, burn-in included (with bins of one sweep they went to onRecords). */
  records: number;
  /** Replica sweeps the engine ran, burn-in included. */
  replicaSweeps: number;
  /** The scan was stopped by its signal: `points` holds the temperatures finished before that. */
  interrupted: boolean;
  /** Replica exchange: per neighbouring pair (i, i+1), attempted and accepted swaps. */
  swaps?: { attempted: number[]; accepted: number[]; replicaAt: number[]; decidedOn: 'engine' | 'host' };
}

/** The exact values beside a point (engines take L ≤ 1024, where the finite-size formulas hold and are fast). */
export function exactValues(L: number, T: number): ScanPoint['exact'] {
  return {
    energyPerSpin: finiteEnergy(L, T),
    specificHeat: finiteSpecificHeat(L, T),
    absMagnetization: yangMagnetization(T),
    energyPerSpinInfinite: onsagerEnergy(T),
  };
}

/** The host's generator for swap decisions: seeded, the same in every replay. */
const hostRandom = (seed: number) => mulberry32(seed ^ 0x5eed5eed);

export async function scan(engine: IsingEngine, config: IsingConfig, options: ScanOptions): Promise<ScanResult> {
  const L = config.size;
  const N = L * L;
  const field = options.field ?? 0;
  const tables = options.temperatures.map((T) => flipThresholds(config.algorithm, T, THRESHOLD_BITS, field));
  const binSize = chooseBin(options, engine.replicas, engine.linkBin);
  const perSweep = binSize === 1;
  const bins = analysisBins(options.sweeps, binSize);
  const newSeries = () => new BinnedSeries({ sweeps: options.sweeps, spins: N, binSize, bins, field });
  let records = 0;
  let replicaSweeps = 0;
  const stopped = () => options.signal?.aborted ?? false;
  /**
   * Runs `sweeps` sweeps in bins of `size`, a chunk of whole bins per engine run, handing each chunk's records on
   * (and, per sweep, to onRecords); false when the signal stopped it.
   */
  const runChunked = async (
    sweeps: number,
    size: number,
    temperatureOf: (replica: number) => number,
    measured: boolean,
    take?: (chunk: BinRecord[]) => void,
  ): Promise<boolean> => {
    await engine.setBin(size);
    const chunkSweeps = size * Math.max(1, Math.floor(CHUNK_SWEEPS / size));
    for (let done = 0; done < sweeps; ) {
      if (stopped()) return false;
      // A turn of the event loop per chunk: the reference model computes without ever waiting, and Ctrl-C
      // (the abort signal) and progress output need one.
      await new Promise((resolve) => setImmediate(resolve));
      if (stopped()) return false;
      const n = Math.min(chunkSweeps, sweeps - done);
      const chunk = await engine.run(n);
      records += chunk.length;
      replicaSweeps += n * engine.replicas;
      take?.(chunk);
      if (options.onRecords) await options.onRecords(chunk.map(sweepOfBin), temperatureOf, measured);
      done += n;
    }
    return true;
  };
  /** Burn-in: one bin for all of it unless every sweep's record is wanted (its records are not analysed). */
  const burnInBin = perSweep ? 1 : Math.max(1, Math.min(MAX_BIN, options.burnIn));
  const point = (T: number, series: BinnedSeries, before: EngineCounters, after: EngineCounters): ScanPoint => {
    const sweeps = Math.max(1, after.sweeps - before.sweeps);
    return {
      T,
      observables: series.observables(T),
      exact: exactValues(L, T),
      clocksPerSweep: (after.clocks - before.clocks) / sweeps,
      elapsedClocksPerSweep: (after.elapsed - before.elapsed) / sweeps,
      binSize,
      idealClocksPerSweep: N / config.lanes,
      tieClocksPerSweep: (after.tieClocks - before.tieClocks) / sweeps,
    };
  };
  const totalEnergy = (r: SweepRecord) => r.energy - field * r.magnetization;

  if (engine.replicas === 1) {
    const points: ScanPoint[] = [];
    for (const [index, T] of options.temperatures.entries()) {
      await engine.setTable(0, tables[index]!);
      const at = () => index;
      if (!(await runChunked(options.burnIn, burnInBin, at, false)))
        return { points, records, replicaSweeps, interrupted: true };
      const before = await engine.counters();
      const series = newSeries();
      const finished = await runChunked(options.sweeps, binSize, at, true, (chunk) => {
        for (const r of chunk) series.addBin(r);
      });
      if (!finished) return { points, records, replicaSweeps, interrupted: true };
      const after = await engine.counters();
      points.push(point(T, series, before, after));
      options.onProgress?.(index + 1, options.temperatures.length, `T = ${T}`);
    }
    return { points, records, replicaSweeps, interrupted: false };
  }

  const R = engine.replicas;
  if (options.temperatures.length !== R) {
    throw new UserError(
      `replica exchange needs one temperature per replica: ` +
        `${R} replicas, ${options.temperatures.length} temperatures given`,
    );
  }
  const swapEvery = options.swapEvery ?? 1;
  if (!(Number.isInteger(swapEvery) && swapEvery >= 1 && swapEvery < 2 ** 16))
    throw new UserError(`--swap-every must be an integer from 1 to 65535, got ${swapEvery}`);

  if (!hostSwaps(options, R) && engine.setExchange && engine.exchangeState) {
    // On the engine: tables per temperature slot, swaps every swapEvery sweeps, bins per slot (= temperature).
    for (let t = 0; t < R; t++) await engine.setTable(t, tables[t]!);
    await engine.setExchange(exchangeTables(options.temperatures), swapEvery);
    const bySlot = (slot: number) => slot;
    if (!(await runChunked(options.burnIn, burnInBin, bySlot, false)))
      return { points: [], records, replicaSweeps, interrupted: true };
    const before = await engine.counters();
    const series = options.temperatures.map(newSeries);
    const finished = await runChunked(options.sweeps, binSize, bySlot, true, (chunk) => {
      for (const r of chunk) series[r.slot]!.addBin(r);
    });
    const state = await engine.exchangeState();
    const swaps = {
      attempted: attemptsAfter(state.rounds, R - 1),
      accepted: state.accepted,
      replicaAt: replicasAt(state.slotOf),
      decidedOn: 'engine' as const,
    };
    if (!finished) return { points: [], records, replicaSweeps, interrupted: true, swaps };
    const after = await engine.counters();
    const points = options.temperatures.map((T, i) => point(T, series[i]!, before, after));
    options.onProgress?.(R, R, 'replica exchange');
    return { points, records, replicaSweeps, interrupted: false, swaps };
  }
  const random = hostRandom(options.seed);
  const replicaAt = Array.from({ length: R }, (_, i) => i); // temperature index → replica holding it
  const temperatureAt = Array.from({ length: R }, (_, i) => i); // replica → temperature index it runs at
  const temperatureOf = (replica: number) => temperatureAt[replica]!;
  for (let r = 0; r < R; r++) await engine.setTable(r, tables[r]!);
  const series = options.temperatures.map(newSeries);
  const attempted = new Array(R - 1).fill(0);
  const accepted = new Array(R - 1).fill(0);
  const betas = options.temperatures.map((T) => 1 / T);
  let before: EngineCounters | undefined;
  const total = options.burnIn + options.sweeps;
  let sweep = 0;
  while (sweep < total) {
    if (sweep === options.burnIn) before = await engine.counters();
    // Up to the next swap attempt, the end of burn-in or the end, whichever comes first.
    const nextSwap = (Math.floor(sweep / swapEvery) + 1) * swapEvery;
    const end = Math.min(nextSwap, sweep < options.burnIn ? options.burnIn : total, total, sweep + CHUNK_SWEEPS);
    const measured = sweep >= options.burnIn;
    let latest: SweepRecord[] = [];
    const finished = await runChunked(end - sweep, 1, temperatureOf, measured, (chunk) => {
      if (measured) for (const r of chunk) series[temperatureAt[r.slot]!]!.addBin(r);
      latest = chunk.slice(-R).map(sweepOfBin);
    });
    if (!finished)
      return {
        points: [],
        records,
        replicaSweeps,
        interrupted: true,
        swaps: { attempted, accepted, replicaAt, decidedOn: 'host' },
      };
    sweep = end;
    if (sweep % swapEvery === 0) {
      for (let i = (sweep / swapEvery) % 2; i + 1 < R; i += 2) {
        const a = replicaAt[i]!;
        const b = replicaAt[i + 1]!;
        const delta = (betas[i]! - betas[i + 1]!) * (totalEnergy(latest[a]!) - totalEnergy(latest[b]!));
        attempted[i]++;
        if (delta >= 0 || random() < Math.exp(delta)) {
          accepted[i]++;
          replicaAt[i] = b;
          replicaAt[i + 1] = a;
          temperatureAt[b] = i;
          temperatureAt[a] = i + 1;
          await engine.setTable(b, tables[i]!);
          await engine.setTable(a, tables[i + 1]!);
        }
      }
    }
    if (Math.floor(sweep / 100) !== Math.floor((sweep - 1) / 100) || sweep === total)
      options.onProgress?.(sweep, total, `sweep ${sweep}`);
  }
  const after = await engine.counters();
  const points = options.temperatures.map((T, i) => point(T, series[i]!, before!, after));
  return {
    points,
    records,
    replicaSweeps,
    interrupted: false,
    swaps: { attempted, accepted, replicaAt, decidedOn: 'host' },
  };
}
