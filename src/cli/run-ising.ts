/**
 * `spinbit run ising`: a temperature scan through the library (src/cores/ising/run.ts) on the reference model
 * (--ref), the virtual board (--sim) or a board (--port); `--check` requires every record, the tie count and the
 * final lattices to equal the reference model's. This file only parses flags, prints and writes files.
 */
import { type Command, Option } from 'commander';
import { parseTemperatures } from '../cores/ising/config.ts';
import { ising } from '../cores/ising/index.ts';
import { RecordsFile } from '../cores/ising/records-file.ts';
import { flipsPerNs, runIsing, type IsingRunResult } from '../cores/ising/run.ts';
import type { ScanOptions } from '../cores/ising/scan.ts';
import { targetFromFlags, targetMode } from '../run/target.ts';
import { checkWritable } from '../util/files.ts';
import {
  addDesignOptions,
  addTargetOptions,
  boardOption,
  deprecatedAlias,
  jsonOption,
  numberParser,
  pickDesignOptions,
  seedOption,
  warn,
  writeJson,
} from './options.ts';

/** The scan table as the CLI prints it (the demo prints the same lines). */
export function scanLines(run: IsingRunResult, options: ScanOptions): string[] {
  const { config, scan } = run;
  const pm = (e: { value: number; error: number }, digits = 5) =>
    `${e.value.toFixed(digits)} ± ${e.error.toFixed(digits)}`;
  const lines = [
    `Ising ${config.size}×${config.size}, ${config.lanes} lanes, ${config.algorithm}, ` +
      `${config.replicas} replica(s), h = ${options.field ?? 0}, ` +
      `${options.sweeps} sweeps after ${options.burnIn}, seed ${options.seed} (${targetMode(run.target)})`,
    [
      'T'.padEnd(8),
      `e (exact, L = ${config.size})`.padEnd(30),
      '|m| (exact, L = ∞)'.padEnd(30),
      'chi'.padEnd(15),
      'C (exact, same L)'.padEnd(26),
      'U4'.padEnd(15),
      'clocks/sweep'.padEnd(20),
      run.target.kind === 'reference' ? '' : 'flips/ns engine, end to end',
    ].join(' '),
  ];
  for (const p of scan.points) {
    const o = p.observables;
    lines.push(
      [
        p.T.toFixed(4).padEnd(8),
        `${pm(o.energyPerSpin)} (${p.exact.energyPerSpin.toFixed(5)})`.padEnd(30),
        `${pm(o.absMagnetization)} (${p.exact.absMagnetization.toFixed(5)})`.padEnd(30),
        pm(o.susceptibility, 3).padEnd(15),
        `${pm(o.specificHeat, 3)} (${p.exact.specificHeat.toFixed(3)})`.padEnd(26),
        pm(o.binder, 4).padEnd(15),
        `${p.clocksPerSweep.toFixed(1)} (ideal ${p.idealClocksPerSweep})`.padEnd(20),
        run.target.kind === 'reference' ? '' : rates(flipsPerNs(run, p)),
      ]
        .join(' ')
        .trimEnd(),
    );
  }
  if (scan.swaps) {
    const rates = scan.swaps.attempted.map(
      (a, i) => `${i}↔${i + 1}: ${a ? ((100 * scan.swaps!.accepted[i]!) / a).toFixed(0) : '–'} %`,
    );
    lines.push(`replica exchange acceptance (decided on the ${scan.swaps.decidedOn}): ${rates.join(', ')}`);
  }
  if (run.target.kind === 'reference') {
    const updates = spinUpdates(run);
    lines.push(
      `reference model: ${(updates / run.seconds / 1e9).toFixed(4)} flips/ns ` +
        `(${updates} spin updates in ${run.seconds.toFixed(1)} s)`,
    );
  } else {
    lines.push(`${run.target.kind === 'virtual' ? 'virtual board' : 'board'}: ${run.seconds.toFixed(1)} s`);
  }
  if (run.check) {
    const c = run.check;
    lines.push(
      `check: ${c.records} bin records (${binWords(scan.points[0]?.binSize)}), ${c.tieClocks} tie clocks and ` +
        `${c.replicas} final lattice(s) identical to the reference model — pass`,
    );
  }
  return lines;
}

const rates = (r: { engine: number; endToEnd: number }) => `${r.engine.toFixed(4)}, ${r.endToEnd.toFixed(4)}`;

const binWords = (size: number | undefined) =>
  size === undefined ? 'no bins' : size === 1 ? 'one per sweep' : `${size} sweeps each`;

/** Spin updates of a whole run: every replica's sweeps, burn-in included. */
function spinUpdates(run: IsingRunResult): number {
  return run.config.size * run.config.size * run.scan.replicaSweeps;
}

/** Writes the pictures and JSON a run asked for; returns what it wrote, as lines. */
export async function writeIsingOutputs(
  run: IsingRunResult,
  options: ScanOptions,
  files: { plot?: string; lattice?: string; json?: string },
): Promise<string[]> {
  const lines: string[] = [];
  if (files.plot) {
    // drawing libraries load only when a plot is asked for
    const { writeScanPlot } = await import('../cores/ising/plot.ts');
    await writeScanPlot(files.plot, run.scan.points, run.config.size);
    lines.push(`plot written to ${files.plot}`);
  }
  if (files.lattice) {
    const { writeLatticePng } = await import('../plot/png.ts');
    writeLatticePng(files.lattice, run.lattice, run.config.size);
    lines.push(`lattice picture written to ${files.lattice}`);
  }
  if (files.json) {
    const { scanDocument } = await import('../cores/ising/document.ts');
    await writeJson(files.json, scanDocument(run, options));
    if (files.json !== '-') lines.push(`results written to ${files.json}`);
  }
  return lines;
}

/**
 * Ctrl-C stops a run cleanly: the scan ends at its next chunk of sweeps, the finished temperatures are printed
 * and written, the records file is closed. A second Ctrl-C quits at once.
 */
function stopOnCtrlC(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping after the current chunk of sweeps (Ctrl-C again to quit at once)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}

/** `--field on|off` is the engine option; a number there is the old spelling of `--h`. */
function fieldArgument(text: string): string | number {
  if (text === 'on' || text === 'off') return text;
  const h = numberParser('--field', 'number')(text);
  warn(
    '--field <h> is deprecated and goes away in the next release; ' +
      'use --h (--field now means on|off field support, as on build)',
  );
  return h;
}

export function addRunIsing(run: Command): void {
  const command = run
    .command('ising')
    .description(
      'temperature scan of the 2D Ising model: energy, |m|, susceptibility, specific heat, ' +
        'Binder cumulant with error bars',
    );
  addTargetOptions(command, 'engine')
    .requiredOption(
      '--T <temperatures>',
      'temperatures: a list 1.5,2.27,3 or a range 2.0:2.6:0.1 (with replicas: one per replica)',
    )
    .addOption(boardOption('board the engine is built for (--sim, --port)'));
  addDesignOptions(command, ising.options, ['field']);
  const field = ising.options.find((o) => o.name === 'field')!;
  const fieldHelp = `${field.description} (default: on when h ≠ 0)`;
  command
    .addOption(new Option('--field <on|off>', fieldHelp).argParser(fieldArgument))
    .addOption(new Option('--h <h>', 'external field h').argParser(numberParser('--h')).default(0))
    .addOption(
      new Option('--swap-every <n>', 'replica exchange: sweeps between swap attempts')
        .argParser(numberParser('--swap-every', 'positive'))
        .default(1),
    )
    .addOption(
      new Option('--sweeps <n>', 'measured sweeps per temperature')
        .argParser(numberParser('--sweeps', 'integer'))
        .default(10_000),
    )
    .addOption(
      new Option(
        '--bin <B>',
        'sweeps per on-chip bin record (default: sweeps / 32, so the link never limits; 1 with --records or replicas)',
      ).argParser(numberParser('--bin', 'positive')),
    )
    .addOption(
      new Option('--burn-in <n>', 'sweeps discarded before measuring, per temperature')
        .argParser(numberParser('--burn-in', 'integer'))
        .default(1_000),
    )
    .addOption(seedOption('generator seed (32-bit)'))
    .addOption(jsonOption('the results (docs/ising.md)'))
    .option('--plot <file.png>', 'plot e(T) and |m|(T) with error bars and the exact Onsager / Yang curves')
    .option('--lattice <file.png>', 'picture of the final lattice (replica 0)')
    .option(
      '--records <file.npy>',
      'every per-sweep record, streamed to a NumPy int32 array (temperature index, replica, measured, E, M)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  spinbit run ising --ref --L 64 --T 2.0:2.6:0.1 --sweeps 20000 --burn-in 2000 --json scan.json\n' +
        '  spinbit run ising --sim --check --L 16 --lanes 4 --T 1.5,2.27,3 --sweeps 100 --burn-in 0\n' +
        '  spinbit run ising --port /dev/ttyUSB1 --L 256 --lanes 64 --clock-mhz 24 --T 2.0:2.6:0.1 --plot scan.png',
    );
  deprecatedAlias(command, '--field-support <on|off>', { flag: '--field', attribute: 'field' });
  command.action(async (flags: Record<string, unknown>) => {
    const target = targetFromFlags(flags);
    const files = {
      plot: flags.plot as string | undefined,
      lattice: flags.lattice as string | undefined,
      json: flags.json as string | undefined,
    };
    if (files.plot) checkWritable(files.plot, '--plot');
    if (files.lattice) checkWritable(files.lattice, '--lattice');
    if (files.json) checkWritable(files.json, '--json');
    const recordsPath = flags.records as string | undefined;
    if (recordsPath) checkWritable(recordsPath, '--records');
    const h = typeof flags.field === 'number' ? flags.field : (flags.h as number);
    const design = pickDesignOptions(flags, ising.options);
    if (typeof design.field === 'number') delete design.field;
    const progress = (done: number, total: number, what: string) =>
      process.stderr.write(`\r[${done}/${total}] ${what}`.padEnd(40) + (done === total ? '\n' : ''));
    const options: ScanOptions = {
      temperatures: parseTemperatures(String(flags.T)),
      sweeps: flags.sweeps as number,
      burnIn: flags.burnIn as number,
      seed: flags.seed as number,
      field: h,
      swapEvery: flags.swapEvery as number,
      ...(flags.bin !== undefined ? { bin: flags.bin as number } : {}),
      onProgress: progress,
      signal: stopOnCtrlC(),
    };
    const records = recordsPath ? new RecordsFile(recordsPath) : undefined;
    if (records) options.onRecords = records.sink;
    let result: IsingRunResult;
    try {
      result = await runIsing({
        target,
        board: flags.board as string,
        design,
        scan: options,
        check: Boolean(flags.check),
      });
    } finally {
      records?.close();
    }
    for (const line of scanLines(result, options)) console.log(line);
    for (const line of await writeIsingOutputs(result, options, files)) console.log(line);
    if (records) console.log(`${records.records} records written to ${records.file}`);
    if (result.scan.interrupted) {
      console.log(`interrupted: ${result.scan.points.length} of ${options.temperatures.length} temperatures finished`);
      process.exitCode = 130;
    }
  });
}
