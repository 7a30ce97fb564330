/**
 * The Ising design's library entry point: a temperature scan (or replica exchange) on any target — the
 * reference model, the virtual board or a board — with typed results and, with `check`, the bit-exact
 * comparison against the reference model. The CLI, the demo, the bench and the examples all call this.
 *
 *   const run = await runIsing({ target: { kind: 'virtual' }, design: { L: 16, lanes: 4 },
 *                                scan: { temperatures: [2.0, 2.5], sweeps: 100, burnIn: 0, seed: 1 }, check: true });
 */
import { getBoard } from '../../boards/index.ts';
import { UserError } from '../../errors.ts';
import { withBoard, type Target } from '../../run/target.ts';
import { elaborate, type DesignOptions, type Elaborated, type SelfCheckOptions } from '../../design/design.ts';
import { CheckedEngine, type CheckReport } from './check.ts';
import { validateIsingConfig, type IsingConfig } from './config.ts';
import { ising, type IsingDesignConfig } from './index.ts';
import { IsingLattice } from './reference.ts';
import { chooseBin, ReferenceEngine, scan, type ScanOptions, type ScanPoint, type ScanResult } from './scan.ts';

export interface IsingRunRequest {
  target: Target;
  /** Board the engine is built for (virtual board and port; default icebreaker). */
  board?: string;
  /**
   * The engine's build options (`spinbit build ising` flags by name: L, lanes, algorithm, field, replicas,
   * rng-bits, clock-mhz, baud).
   */
  design?: DesignOptions;
  scan: ScanOptions;
  /** Replay on the reference model and require every record, the tie count and the final lattices to match. */
  check?: boolean;
}

export interface IsingRunResult {
  target: Target;
  /** What ran: lattice size, lanes, algorithm, replicas, chunk bits (and the engine's full config on a board). */
  config: IsingConfig & { chunkBits: number };
  scan: ScanResult;
  /** Replica 0's spins at the end. */
  lattice: Int8Array;
  check?: CheckReport;
  /** Wall-clock seconds of the scan (building and starting a virtual board excluded). */
  seconds: number;
  /** The engine's clock (virtual board and board; the counters count its cycles). */
  clockMHz?: number;
}

/**
 * Spin flips (updates) per nanosecond at a point: `engine` from the engine's own clocks (CLOCKS), `endToEnd` with
 * the waits for the link included (ELAPSED: on the virtual board the link runs at its baud in simulated time).
 * The reference model has no clock: both are its wall-clock rate over the whole run.
 */
export function flipsPerNs(run: IsingRunResult, point: ScanPoint): { engine: number; endToEnd: number } {
  const N = run.config.size * run.config.size;
  if (run.clockMHz === undefined) {
    const rate = (N * run.scan.replicaSweeps) / run.seconds / 1e9;
    return { engine: rate, endToEnd: rate };
  }
  const perClock = (clocks: number) => (N / clocks) * run.clockMHz! * 1e-3;
  return { engine: perClock(point.clocksPerSweep), endToEnd: perClock(point.elapsedClocksPerSweep) };
}

/** Checks the scan options a user gives; the messages name the CLI flags. */
export function validateScan(options: ScanOptions, replicas: number): void {
  const { sweeps, burnIn, seed, temperatures } = options;
  if (!(Number.isInteger(sweeps) && sweeps >= 64))
    throw new UserError(`--sweeps must be an integer ≥ 64 (error bars need bins), got ${sweeps}`);
  if (!(Number.isInteger(burnIn) && burnIn >= 0))
    throw new UserError(`--burn-in must be an integer ≥ 0, got ${burnIn}`);
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32))
    throw new UserError(`--seed must be an integer in 0 … 2^32 − 1, got ${seed}`);
  chooseBin(options, replicas);
  if (replicas > 1 && temperatures.length !== replicas) {
    throw new UserError(
      `--replicas ${replicas} needs ${replicas} temperatures (one per replica), got ${temperatures.length}`,
    );
  }
}

/** The engine's build options with the field support a non-zero h needs. */
function designOptions(request: IsingRunRequest): DesignOptions {
  const options = { ...request.design };
  options.field ??= (request.scan.field ?? 0) !== 0 ? 'on' : 'off';
  return options;
}

export async function runIsing(request: IsingRunRequest): Promise<IsingRunResult> {
  const options = designOptions(request);
  const { target } = request;
  if (target.kind === 'reference') {
    if (request.check)
      throw new UserError('--check compares an engine with the reference model: use it with --sim or --port');
    const base = validateIsingConfig({
      size: options.L as number | undefined,
      lanes: options.lanes as number | undefined,
      algorithm: options.algorithm as string | undefined,
      replicas: options.replicas as number | undefined,
    });
    const config = { ...base, chunkBits: Number(options['rng-bits'] ?? 12) };
    validateScan(request.scan, config.replicas);
    const started = performance.now();
    const engine = new ReferenceEngine(config, request.scan.seed);
    const result = await scan(engine, config, request.scan);
    return {
      target,
      config,
      scan: result,
      lattice: engine.lattices[0]!.spins,
      seconds: (performance.now() - started) / 1000,
    };
  }
  const elaborated = await elaborate(ising, getBoard(request.board ?? 'icebreaker'), options);
  validateScan(request.scan, elaborated.config.replicas);
  return runIsingOnBoard(elaborated, target, request.scan, request.check ?? false);
}

/** A scan on a board (virtual or real) running `elaborated`: seeded, every replica starting from all spins +1. */
export async function runIsingOnBoard(
  elaborated: Elaborated<IsingDesignConfig>,
  target: Exclude<Target, { kind: 'reference' }>,
  options: ScanOptions,
  check: boolean,
): Promise<IsingRunResult> {
  const { IsingBoard } = await import('./driver.ts');
  const config = elaborated.config;
  return withBoard(elaborated, target, async (link) => {
    const engine = new IsingBoard(link, config);
    await engine.verify();
    await engine.seed(options.seed);
    for (let r = 0; r < config.replicas; r++) await engine.writeLattice(r, new IsingLattice(config.size));
    // With check, the reference model runs in lockstep and every record is compared as it arrives.
    const checked = check ? new CheckedEngine(engine, config, options.seed) : undefined;
    const started = performance.now();
    const result = await scan(checked ?? engine, config, options);
    const seconds = (performance.now() - started) / 1000;
    const { spins } = await engine.readLattice(0);
    // An interrupted run checks what ran (every record so far was compared): the final state matches too.
    const report = checked ? await checked.finish() : undefined;
    return { target, config, scan: result, lattice: spins, check: report, seconds, clockMHz: elaborated.clock.mhz };
  });
}

/** `spinbit sim ising`: a short scan on the virtual board, checked bit for bit against the reference model. */
export async function selfCheckIsing(
  elaborated: Elaborated<IsingDesignConfig>,
  options: SelfCheckOptions,
): Promise<Record<string, unknown>> {
  const config = elaborated.config;
  const seed = options.seed ?? 1;
  const temperatures =
    config.replicas > 1
      ? Array.from({ length: config.replicas }, (_, i) => 1.5 + (1.5 * i) / Math.max(1, config.replicas - 1))
      : [1.5, 2.269, 3.0];
  const run = await runIsingOnBoard(
    elaborated,
    { kind: 'virtual', netlist: options.netlist },
    { temperatures, sweeps: 100, burnIn: 0, seed },
    true,
  );
  const clocks = run.scan.points.reduce((sum, p) => sum + p.clocksPerSweep, 0) / run.scan.points.length;
  return {
    ...run.check,
    temperatures,
    clocksPerSweep: Number(clocks.toFixed(1)),
    idealClocksPerSweep: (config.size * config.size) / config.lanes,
    seconds: Number(run.seconds.toFixed(2)),
  };
}
