/**
 * `spinbit run ising`: a temperature scan. `--ref` runs the bit-exact reference model on this machine (the
 * preview without a board), `--sim` the engine's RTL in Verilator behind a pty (the virtual board), `--port`
 * a board. `--check` replays the scan on the reference model and requires every record, the tie count and
 * the final lattices to be identical. JSON output: docs/ising.md.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UserError } from '../errors.ts';
import { parseTemperatures, validateIsingConfig } from '../cores/ising/config.ts';
import { ReferenceEngine, scan, type IsingEngine, type ScanPoint, type ScanResult } from '../cores/ising/scan.ts';
import type { CheckReport } from '../cores/ising/check.ts';
import { onsagerEnergy, yangMagnetization } from '../cores/ising/exact.ts';
import type { Panel } from '../plot/png.ts';

/** e(T) and |m|(T) panels: measured points with error bars over the exact infinite-lattice curves. */
async function writeScanPlot(file: string, points: ScanPoint[], size: number): Promise<void> {
  const temperatures = points.map((p) => p.T);
  const [low, high] = [Math.min(...temperatures), Math.max(...temperatures)];
  const span = high - low || 1;
  const grid = Array.from({ length: 200 }, (_, i) => low - 0.05 * span + (1.1 * span * i) / 199).filter((T) => T > 0);
  const { writePlotPng } = await import('../plot/png.ts'); // drawing libraries load only when a plot is asked for
  const panels: Panel[] = [
    {
      title: 'energy per spin e(T)',
      xLabel: 'T',
      series: [
        { label: 'Onsager (L = ∞)', color: '#1f77b4', curve: grid.map((T) => ({ x: T, y: onsagerEnergy(T) })) },
        { label: `simulated, L = ${size}`, color: '#d62728', points: points.map((p) => ({ x: p.T, y: p.observables.energyPerSpin.value, error: p.observables.energyPerSpin.error })) },
      ],
    },
    {
      title: 'magnetization |m|(T)',
      xLabel: 'T',
      series: [
        { label: 'Yang (L = ∞)', color: '#1f77b4', curve: grid.map((T) => ({ x: T, y: yangMagnetization(T) })) },
        { label: `simulated, L = ${size}`, color: '#d62728', points: points.map((p) => ({ x: p.T, y: p.observables.absMagnetization.value, error: p.observables.absMagnetization.error })) },
      ],
    },
  ];
  await writePlotPng(file, panels);
}

const number = (text: string) => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UserError(`expected a number, got '${text}'`);
  return value;
};

export function addRunIsing(run: Command): void {
  run
    .command('ising')
    .description('temperature scan of the 2D Ising model: energy, |m|, susceptibility, specific heat, Binder cumulant with error bars')
    .option('--ref', 'run the bit-exact reference model on this machine')
    .option('--sim', 'run the engine RTL on the virtual board (Verilator behind a pty)')
    .option('--port <path>', 'run on a board flashed with the matching `spinbit build ising` bitstream')
    .option('--check', 'with --sim / --port: replay on the reference model and require bit-identical records and lattices')
    .requiredOption('--T <temperatures>', 'temperatures: a list 1.5,2.27,3 or a range 2.0:2.6:0.1 (with replicas: one per replica)')
    .option('--L <n>', 'lattice side, a power of two', number, 64)
    .option('--lanes <n>', 'spin-update lanes, a power of two ≤ L/2 (default min(16, L/2))', number)
    .addOption(new Option('--algorithm <name>', 'update rule').choices(['metropolis', 'heatbath']).default('metropolis'))
    .option('--field <h>', 'external field h', number, 0)
    .addOption(new Option('--field-support <on|off>', 'engine built with field support (default: on when h ≠ 0)').choices(['on', 'off']))
    .option('--replicas <n>', 'replicas (replica exchange: one temperature each, swaps decided here)', number, 1)
    .option('--swap-every <n>', 'replica exchange: sweeps between swap attempts', number, 1)
    .addOption(new Option('--rng-bits <n>', 'random bits per lane per clock').choices(['8', '12']).default('12'))
    .option('--board <name>', 'board the engine is built for (--sim, --port)', 'icebreaker')
    .option('--clock-mhz <mhz>', 'engine clock the bitstream was built with (--port)', number)
    .option('--baud <n>', 'UART baud rate the bitstream was built with', number)
    .option('--sweeps <n>', 'measured sweeps per temperature', number, 10_000)
    .option('--burn-in <n>', 'sweeps discarded before measuring, per temperature', number, 1_000)
    .option('--seed <n>', 'generator seed (32-bit)', number, 1)
    .option('--json <file>', 'write the results as JSON (docs/ising.md)')
    .option('--plot <file.png>', 'plot e(T) and |m|(T) with error bars and the exact Onsager / Yang curves')
    .option('--lattice <file.png>', 'picture of the final lattice (replica 0)')
    .addHelpText(
      'after',
      '\nExamples:\n  spinbit run ising --ref --L 64 --T 2.0:2.6:0.1 --sweeps 20000 --burn-in 2000 --json scan.json\n' +
        '  spinbit run ising --sim --check --L 16 --lanes 4 --T 1.5,2.27,3 --sweeps 100 --burn-in 0\n' +
        '  spinbit run ising --port /dev/ttyUSB1 --L 256 --lanes 64 --clock-mhz 24 --T 2.0:2.6:0.1 --plot scan.png',
    )
    .action(async (flags: Record<string, unknown>) => {
      const where = [flags.ref && '--ref', flags.sim && '--sim', flags.port && '--port'].filter(Boolean);
      if (where.length !== 1) throw new UserError(`say where to run with exactly one of --ref, --sim, --port${where.length ? ` (got ${where.join(' ')})` : ''}`);
      if (flags.check && flags.ref) throw new UserError('--check compares an engine with the reference model: use it with --sim or --port');
      const temperatures = parseTemperatures(String(flags.T));
      const sweeps = flags.sweeps as number;
      const burnIn = flags.burnIn as number;
      if (!(Number.isInteger(sweeps) && sweeps >= 64)) throw new UserError(`--sweeps must be an integer ≥ 64 (error bars need bins), got ${sweeps}`);
      if (!(Number.isInteger(burnIn) && burnIn >= 0)) throw new UserError(`--burn-in must be an integer ≥ 0, got ${burnIn}`);
      const seed = flags.seed as number;
      if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new UserError(`--seed must be an integer in 0 … 2^32 − 1, got ${seed}`);
      const field = flags.field as number;
      const replicas = flags.replicas as number;
      const options = { temperatures, sweeps, burnIn, seed, field, swapEvery: flags.swapEvery as number };
      const base = validateIsingConfig({ size: flags.L as number, lanes: flags.lanes as number | undefined, algorithm: flags.algorithm as string, replicas });
      if (replicas > 1 && temperatures.length !== replicas) {
        throw new UserError(`--replicas ${replicas} needs ${replicas} temperatures (one per replica), got ${temperatures.length}`);
      }
      const progress = (done: number, total: number, what: string) => process.stderr.write(`\r[${done}/${total}] ${what}`.padEnd(40) + (done === total ? '\n' : ''));
      const started = performance.now();
      let result: ScanResult;
      let spins: Int8Array;
      let check: CheckReport | undefined;
      let mode: string;
      const config = { ...base, chunkBits: Number(flags.rngBits) };
      if (flags.ref) {
        mode = 'ref';
        const engine = new ReferenceEngine(config, seed);
        result = await scan(engine, config, { ...options, onProgress: progress });
        spins = engine.lattices[0]!.spins;
      } else {
        mode = flags.sim ? 'sim' : 'port';
        const outcome = await runOnEngine(flags, { ...options, onProgress: progress }, field);
        ({ result, spins, check } = outcome);
        Object.assign(config, outcome.config);
      }
      const seconds = (performance.now() - started) / 1000;
      printScan(config, result, { field, sweeps, burnIn, seed, mode });
      if (mode === 'ref') {
        const updates = temperatures.length * (sweeps + burnIn) * config.size * config.size;
        console.log(`reference model: ${(updates / seconds / 1e9).toFixed(4)} flips/ns (${updates} spin updates in ${seconds.toFixed(1)} s)`);
      } else {
        console.log(`${mode === 'sim' ? 'virtual board' : 'board'}: ${seconds.toFixed(1)} s`);
      }
      if (check) console.log(`check: ${check.records} records, ${check.tieClocks} tie clocks and ${check.replicas} final lattice(s) identical to the reference model — pass`);
      if (flags.plot) {
        await writeScanPlot(String(flags.plot), result.points, config.size);
        console.log(`plot written to ${String(flags.plot)}`);
      }
      if (flags.lattice) {
        const { writeLatticePng } = await import('../plot/png.ts');
        writeLatticePng(String(flags.lattice), spins, config.size);
        console.log(`lattice picture written to ${String(flags.lattice)}`);
      }
      if (flags.json) {
        const file = String(flags.json);
        const document = {
          schema: 'spinbit.ising.scan/1',
          mode,
          config: { size: config.size, lanes: config.lanes, algorithm: config.algorithm, replicas: config.replicas, chunkBits: config.chunkBits },
          field,
          sweeps,
          burnIn,
          seed,
          ...(result.swaps ? { swaps: result.swaps } : {}),
          ...(check ? { check: { ...check, verdict: 'pass' } } : {}),
          results: result.points.map((p) => ({
            T: p.T,
            energyPerSpin: p.observables.energyPerSpin,
            absMagnetization: p.observables.absMagnetization,
            susceptibility: p.observables.susceptibility,
            specificHeat: p.observables.specificHeat,
            binder: p.observables.binder,
            exact: p.exact,
            bins: p.observables.bins,
            clocksPerSweep: p.clocksPerSweep,
            idealClocksPerSweep: p.idealClocksPerSweep,
            tieClocksPerSweep: p.tieClocksPerSweep,
          })),
        };
        const temp = `${file}.tmp-${process.pid}`;
        writeFileSync(temp, JSON.stringify(document, null, 2) + '\n');
        renameSync(temp, file);
        console.log(`results written to ${file}`);
      }
    });
}

function printScan(config: { size: number; lanes: number; algorithm: string; replicas: number }, result: ScanResult, run: { field: number; sweeps: number; burnIn: number; seed: number; mode: string }): void {
  const pm = (e: { value: number; error: number }, digits = 5) => `${e.value.toFixed(digits)} ± ${e.error.toFixed(digits)}`;
  console.log(
    `Ising ${config.size}×${config.size}, ${config.lanes} lanes, ${config.algorithm}, ${config.replicas} replica(s), h = ${run.field}, ` +
      `${run.sweeps} sweeps after ${run.burnIn}, seed ${run.seed} (${run.mode})`,
  );
  console.log('T        e (exact)                     |m| (exact)                   chi            C              U4             clocks/sweep');
  for (const p of result.points) {
    const o = p.observables;
    console.log(
      [
        p.T.toFixed(4).padEnd(8),
        `${pm(o.energyPerSpin)} (${p.exact.energyPerSpin.toFixed(5)})`.padEnd(30),
        `${pm(o.absMagnetization)} (${p.exact.absMagnetization.toFixed(5)})`.padEnd(30),
        pm(o.susceptibility, 3).padEnd(15),
        pm(o.specificHeat, 3).padEnd(15),
        pm(o.binder, 4).padEnd(15),
        `${p.clocksPerSweep.toFixed(1)} (ideal ${p.idealClocksPerSweep})`,
      ].join(' '),
    );
  }
  if (result.swaps) {
    const rates = result.swaps.attempted.map((a, i) => `${i}↔${i + 1}: ${a ? ((100 * result.swaps!.accepted[i]!) / a).toFixed(0) : '–'} %`);
    console.log(`replica exchange acceptance: ${rates.join(', ')}`);
  }
}

/** --sim / --port: elaborate the engine the flags describe, connect, seed, start from all spins +1, scan. */
async function runOnEngine(flags: Record<string, unknown>, options: Parameters<typeof scan>[2], field: number) {
  const { getBoard } = await import('../boards/index.ts');
  const { elaborate } = await import('../cores/design.ts');
  const { ising } = await import('../cores/ising/index.ts');
  const { SpinbitBoard } = await import('../../host/board.ts');
  const { IsingBoard } = await import('../../host/ising.ts');
  const { IsingLattice } = await import('../cores/ising/reference.ts');
  const { compareWithReference } = await import('../cores/ising/check.ts');
  const board = getBoard(String(flags.board));
  const fieldSupport = (flags.fieldSupport as string | undefined) ?? (field !== 0 ? 'on' : 'off');
  const designOptions: Record<string, string | number | undefined> = {
    L: flags.L as number,
    lanes: flags.lanes as number | undefined,
    algorithm: flags.algorithm as string,
    field: fieldSupport,
    replicas: flags.replicas as number,
    'rng-bits': String(flags.rngBits),
    'clock-mhz': flags.clockMhz as number | undefined,
    baud: flags.baud as number | undefined,
  };
  const elaborated = await elaborate(ising, board, designOptions);
  const config = elaborated.config;
  let virtual: { path: string; stop(): Promise<void> } | undefined;
  let timeoutMs: number | undefined; // the link's default for hardware
  if (flags.sim) {
    const { VirtualBoard, VIRTUAL_BOARD_TIMEOUT_MS } = await import('../../sim/virtual-board.ts');
    timeoutMs = VIRTUAL_BOARD_TIMEOUT_MS;
    virtual = await VirtualBoard.start(elaborated);
  }
  const path = virtual ? virtual.path : String(flags.port);
  const { LinkError } = await import('../../host/link.ts');
  try {
    const link = await SpinbitBoard.open(path, { baud: config.link.baud, expect: { design: 'ising', configHash: elaborated.configHash }, timeoutMs }).catch((error: unknown) => {
      if (error instanceof LinkError) {
        throw new UserError(
          `${path} does not answer as a spinbit board: ${error.message.replace(`${path}: `, '')} ` +
            `(flashed with \`spinbit build ising\` and the same options? baud ${config.link.baud}?)`,
        );
      }
      throw error;
    });
    try {
      const engine = new IsingBoard(link, config);
      await engine.verify();
      await engine.seed(options.seed);
      for (let r = 0; r < config.replicas; r++) await engine.writeLattice(r, new IsingLattice(config.size));
      try {
        const result = await scan(engine as IsingEngine, config, options);
        const { spins } = await engine.readLattice(0);
        const check = flags.check ? await compareWithReference(engine, config, options, options.seed, result) : undefined;
        return { result, spins, check, config };
      } catch (error) {
        if (error instanceof LinkError) throw new UserError(error.message);
        throw error;
      }
    } finally {
      await link.close();
    }
  } finally {
    await virtual?.stop();
  }
}
