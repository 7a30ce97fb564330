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
 */
import { UserError } from '../../errors.ts';
import type { IsingConfig } from './config.ts';
import { onsagerEnergy, yangMagnetization } from './exact.ts';
import { engineSweep, IsingLattice, type LaneStreams, type SweepCounts, type SweepRecord } from './reference.ts';
import { CHUNK_BITS, laneStreams, THRESHOLD_BITS } from './rng.ts';
import { analyze, type Observables } from './stats.ts';
import { flipThresholds } from './tables.ts';
import { mulberry32 } from '../../util/random.ts';

export interface EngineCounters {
  /** Engine clocks while running (waits for a full stream buffer excluded). */
  clocks: number;
  /** Extra clocks spent on comparison ties. */
  tieClocks: number;
  /** Replica sweeps completed. */
  sweeps: number;
}

/** What a scan needs from an engine. */
export interface IsingEngine {
  readonly replicas: number;
  setTable(replica: number, table: ArrayLike<number>): Promise<void>;
  run(sweeps: number): Promise<SweepRecord[]>;
  counters(): Promise<EngineCounters>;
}

/** The reference model as an engine: R lattices (all spins +1) and the lane streams of the given seed. */
export class ReferenceEngine implements IsingEngine {
  readonly lattices: IsingLattice[];
  readonly tables: number[][];
  private readonly streams: LaneStreams;
  private readonly count: SweepCounts = { steps: 0, tieClocks: 0 };
  private sweepsDone = 0;

  constructor(
    readonly config: IsingConfig,
    seed: number,
  ) {
    this.lattices = Array.from({ length: config.replicas }, () => new IsingLattice(config.size));
    this.tables = Array.from({ length: config.replicas }, () => new Array(10).fill(0));
    this.streams = laneStreams(config.lanes, seed, config.chunkBits ?? CHUNK_BITS);
  }

  get replicas(): number {
    return this.config.replicas;
  }

  async setTable(replica: number, table: ArrayLike<number>): Promise<void> {
    this.tables[replica] = Array.from(table);
  }

  async run(sweeps: number): Promise<SweepRecord[]> {
    const records: SweepRecord[] = [];
    for (let i = 0; i < sweeps; i++)
      records.push(...engineSweep(this.lattices, this.tables, this.streams, this.config.lanes, this.count));
    this.sweepsDone += sweeps * this.replicas;
    return records;
  }

  /** The reference counts lockstep steps and tie clocks only: no pipeline fill or drain. */
  async counters(): Promise<EngineCounters> {
    return {
      clocks: this.count.steps + this.count.tieClocks,
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
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface ScanPoint {
  T: number;
  observables: Observables;
  exact: { energyPerSpin: number; absMagnetization: number };
  /** Engine clocks per replica sweep (measured on the engine; the reference counts steps and ties only). */
  clocksPerSweep: number;
  idealClocksPerSweep: number;
  tieClocksPerSweep: number;
}

export interface ScanResult {
  points: ScanPoint[];
  /** Every record the engine produced, burn-in included, in stream order. */
  records: SweepRecord[];
  /** Replica exchange: per neighbouring pair (i, i+1), attempted and accepted swaps. */
  swaps?: { attempted: number[]; accepted: number[]; replicaAt: number[] };
}

/** The host's generator for swap decisions: seeded, the same in every replay. */
const hostRandom = (seed: number) => mulberry32(seed ^ 0x5eed5eed);

export async function scan(engine: IsingEngine, config: IsingConfig, options: ScanOptions): Promise<ScanResult> {
  const L = config.size;
  const N = L * L;
  const field = options.field ?? 0;
  const tables = options.temperatures.map((T) => flipThresholds(config.algorithm, T, THRESHOLD_BITS, field));
  const bins = Math.min(32, Math.floor(options.sweeps / 2));
  const records: SweepRecord[] = [];
  const point = (
    T: number,
    energy: Float64Array,
    magnetization: Float64Array,
    before: EngineCounters,
    after: EngineCounters,
  ): ScanPoint => {
    const sweeps = Math.max(1, after.sweeps - before.sweeps);
    return {
      T,
      observables: analyze({ energy, magnetization }, N, T, bins),
      exact: { energyPerSpin: onsagerEnergy(T), absMagnetization: yangMagnetization(T) },
      clocksPerSweep: (after.clocks - before.clocks) / sweeps,
      idealClocksPerSweep: N / config.lanes,
      tieClocksPerSweep: (after.tieClocks - before.tieClocks) / sweeps,
    };
  };
  const totalEnergy = (r: SweepRecord) => r.energy - field * r.magnetization;

  if (engine.replicas === 1) {
    const points: ScanPoint[] = [];
    for (const [index, T] of options.temperatures.entries()) {
      await engine.setTable(0, tables[index]!);
      if (options.burnIn > 0) records.push(...(await engine.run(options.burnIn)));
      const before = await engine.counters();
      const measured = await engine.run(options.sweeps);
      const after = await engine.counters();
      records.push(...measured);
      points.push(
        point(
          T,
          Float64Array.from(measured, totalEnergy),
          Float64Array.from(measured, (r) => r.magnetization),
          before,
          after,
        ),
      );
      options.onProgress?.(index + 1, options.temperatures.length, `T = ${T}`);
    }
    return { points, records };
  }

  const R = engine.replicas;
  if (options.temperatures.length !== R) {
    throw new UserError(
      `replica exchange needs one temperature per replica: ` +
        `${R} replicas, ${options.temperatures.length} temperatures given`,
    );
  }
  const swapEvery = options.swapEvery ?? 1;
  if (!(Number.isInteger(swapEvery) && swapEvery >= 1))
    throw new UserError(`--swap-every must be a positive integer, got ${swapEvery}`);
  const random = hostRandom(options.seed);
  const replicaAt = Array.from({ length: R }, (_, i) => i); // temperature index → replica holding it
  for (let r = 0; r < R; r++) await engine.setTable(r, tables[r]!);
  const energy = options.temperatures.map(() => new Float64Array(options.sweeps));
  const magnetization = options.temperatures.map(() => new Float64Array(options.sweeps));
  const attempted = new Array(R - 1).fill(0);
  const accepted = new Array(R - 1).fill(0);
  const betas = options.temperatures.map((T) => 1 / T);
  let before: EngineCounters | undefined;
  const total = options.burnIn + options.sweeps;
  for (let sweep = 1; sweep <= total; sweep++) {
    if (sweep === options.burnIn + 1) before = await engine.counters();
    const latest = await engine.run(1);
    records.push(...latest);
    if (sweep > options.burnIn) {
      const at = sweep - options.burnIn - 1;
      for (let i = 0; i < R; i++) {
        const record = latest[replicaAt[i]!]!;
        energy[i]![at] = totalEnergy(record);
        magnetization[i]![at] = record.magnetization;
      }
    }
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
          await engine.setTable(b, tables[i]!);
          await engine.setTable(a, tables[i + 1]!);
        }
      }
    }
    if (sweep % 100 === 0 || sweep === total) options.onProgress?.(sweep, total, `sweep ${sweep}`);
  }
  const after = await engine.counters();
  const points = options.temperatures.map((T, i) => point(T, energy[i]!, magnetization[i]!, before!, after));
  return { points, records, swaps: { attempted, accepted, replicaAt } };
}
