/**
 * `npm run demo` (`spinbit demo`): the main job end to end on the iCEBreaker configurations — build both
 * bitstreams (in parallel; cached after the first run), run both designs on the virtual board (or a board with
 * --port) with the bit-exact check against the reference models, and write build/demo/: the Ising lattice, the
 * e(T) and |m|(T) scan plot with the exact curves, the B-DCGAN digit grid from the shipped model, and report.md.
 *
 * Every step calls the library (the same functions the `spinbit` commands call, and prints the same lines);
 * each is shown with the command that does it by hand.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBoard } from '../boards/index.ts';
import { imageRequests } from '../cores/bdcgan/latent.ts';
import type { DesignOptions } from '../design/design.ts';
import { DESIGNS } from '../cores/index.ts';
import { parseTemperatures } from '../cores/ising/config.ts';
import { runIsing } from '../cores/ising/run.ts';
import type { ScanOptions } from '../cores/ising/scan.ts';
import { UserError } from '../errors.ts';
import { buildBitstream, type BuildEvent } from '../flow/build.ts';
import type { BuildReport } from '../flow/report.ts';
import type { BoardTarget } from '../run/target.ts';
import { writeFileAtomic } from '../util/files.ts';
import { formatReport } from './progress.ts';
import { generationLines, writeDigitOutputs } from './run-bdcgan.ts';
import { scanLines, writeIsingOutputs } from './run-ising.ts';

export const DEMO_MODEL = fileURLToPath(new URL('../../models/mnist-up5k.sbgan', import.meta.url));

/**
 * The iCEBreaker Ising configuration the demo builds and runs (its build options, and as flags). 16 lanes: with the
 * on-chip measurements 32 lanes at L = 128 need 5408 of the UP5K's 5280 logic cells (the L = 256 flagship fits with
 * 3 to spare, at 22 MHz); a smaller lane is the next step (issue 24).
 */
export const DEMO_ISING: DesignOptions = { L: 128, lanes: 16, 'rng-bits': '8', 'clock-mhz': 16 };
const DEMO_SCAN: ScanOptions = { temperatures: parseTemperatures('1.8:3.0:0.2'), sweeps: 400, burnIn: 100, seed: 1 };
const DEMO_DIGITS = { labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], n: 100, seed: 7 };

const asFlags = (options: DesignOptions) =>
  Object.entries(options)
    .map(([k, v]) => `--${k} ${v}`)
    .join(' ');

/** A build's progress as plain lines (stage, seconds), for a log shared by two parallel builds. */
function buildEventLine(event: BuildEvent): string | undefined {
  if (event.kind === 'cached') return `up to date (cached build in ${event.outDir})`;
  if (event.kind === 'stage-done') return `${event.stage} ${event.seconds.toFixed(1)} s`;
  return undefined;
}

async function buildFor(design: string, options: DesignOptions, log: (line: string) => void): Promise<BuildReport> {
  const { elaborated } = await DESIGNS[design]!.elaborate(getBoard('icebreaker'), options);
  const outDir = join('build', `${design}-icebreaker`);
  log(`$ spinbit build ${design} --board icebreaker ${asFlags(options)} --out ${outDir}`.replace(/ +/g, ' '));
  const result = await buildBitstream(elaborated, {
    outDir,
    onEvent: (event) => void (buildEventLine(event) && log(`  ${buildEventLine(event)}`)),
  });
  for (const line of formatReport(result.report, result.outDir, result.cached).split('\n')) log(`  ${line.trim()}`);
  return result.report;
}

export async function runDemo(flags: { port?: string; out?: string } = {}): Promise<void> {
  const started = performance.now();
  const out = flags.out ?? join('build', 'demo');
  if (!existsSync(DEMO_MODEL)) throw new UserError(`the shipped model ${DEMO_MODEL} is missing (git checkout models/)`);
  mkdirSync(out, { recursive: true });
  const log = (line: string) => console.log(line);
  const target: BoardTarget = flags.port ? { kind: 'port', path: flags.port } : { kind: 'virtual' };
  const where = flags.port ? `--port ${flags.port}` : '--sim';
  log(
    'spinbit demo: both accelerators for the iCEBreaker, ' +
      `${flags.port ? `on the board at ${flags.port}` : 'on the virtual board (Verilator)'}; output in ${out}/`,
  );

  // 1. bitstreams, in parallel (YoWASP yosys/nextpnr run in worker threads; cached by config)
  log('[1/3] bitstreams');
  const [isingReport, bdcganReport] = await Promise.all([
    buildFor('ising', DEMO_ISING, (l) => log(`  ising  | ${l}`)),
    buildFor('bdcgan', {}, (l) => log(`  bdcgan | ${l}`)),
  ]);

  // 2. Ising scan on the engine, checked against the reference model record by record
  log('[2/3] Ising: temperature scan on the engine, every record checked against the reference model');
  const files = {
    plot: join(out, 'ising-scan.png'),
    lattice: join(out, 'ising-lattice.png'),
    json: join(out, 'ising-scan.json'),
  };
  log(
    `$ spinbit run ising ${where} --check --board icebreaker ${asFlags(DEMO_ISING)} ` +
      '--T 1.8:3.0:0.2 --sweeps 400 --burn-in 100 --seed 1 ' +
      `--plot ${files.plot} --lattice ${files.lattice} --json ${files.json}`,
  );
  const isingRun = await runIsing({ target, board: 'icebreaker', design: DEMO_ISING, scan: DEMO_SCAN, check: true });
  const isingLines = scanLines(isingRun, DEMO_SCAN);
  for (const line of [...isingLines, ...(await writeIsingOutputs(isingRun, DEMO_SCAN, files))]) log(`  ${line}`);

  // 3. B-DCGAN digits from the shipped model, each image checked against the integer reference
  log('[3/3] B-DCGAN: digits 0-9 from the shipped model, every image checked against the integer reference');
  const grid = join(out, 'bdcgan-digits.png');
  log(
    `$ spinbit run bdcgan ${where} --check --model ${DEMO_MODEL} --labels 0-9 ` +
      `--n ${DEMO_DIGITS.n} --seed ${DEMO_DIGITS.seed} --grid ${grid}`,
  );
  const { readModelFile } = await import('../cores/bdcgan/format.ts');
  const { runBdcgan } = await import('../cores/bdcgan/run.ts');
  const { model, hash } = readModelFile(DEMO_MODEL);
  const requests = imageRequests(DEMO_DIGITS.n, model.arch.latent, DEMO_DIGITS.labels, DEMO_DIGITS.seed);
  const digits = await runBdcgan({ target, model, modelHash: hash, requests, check: true });
  const digitLines = generationLines(digits, { n: DEMO_DIGITS.n, arch: model.arch.name, hash });
  for (const line of [...digitLines, ...(await writeDigitOutputs(digits.images, DEMO_DIGITS.labels, { grid }))])
    log(`  ${line}`);

  // report
  // The check lines exactly as printed above (runIsing / runBdcgan threw if a check failed).
  const checkLine = (lines: string[]) => lines.find((l) => l.startsWith('check: ')) ?? '(not reported)';
  const isingCheck = checkLine(isingLines);
  const bdcganCheck = checkLine(digitLines);
  const bdcganRate = digitLines.find((l) => / images from the (virtual board|board) in /.test(l)) ?? '(not reported)';
  const bench = readBench();
  // flips/ns: spin updates per clock-sweep at the built clock, from the engine's own clock counters
  const points = isingRun.scan.points;
  const clocksPerSweep = points.reduce((sum, p) => sum + p.clocksPerSweep, 0) / points.length;
  const sites = isingRun.config.size * isingRun.config.size;
  const flipsPerNs = (sites / clocksPerSweep) * isingReport.target_mhz * 1e-3;
  const lcs = (r: BuildReport) => `${r.resources.lc.used}/${r.resources.lc.total}`;
  const seconds = (performance.now() - started) / 1000;
  const row = (r: BuildReport) =>
    `${lcs(r)} | ${r.resources.ebr.used}/${r.resources.ebr.total} | ` +
    `${r.resources.spram.used}/${r.resources.spram.total} | ${r.target_mhz} / ${r.fmax_mhz} MHz`;
  const runPlace = flags.port
    ? `on the board at ${flags.port}`
    : 'on the virtual board (the same core RTL in Verilator, behind a pty)';
  const report = [
    '# spinbit demo report',
    '',
    `Run ${new Date().toISOString()} ${runPlace}; ${seconds.toFixed(0)} s.`,
    '',
    '| accelerator | config | logic cells | EBR | SPRAM | clock / Fmax | bit-exact |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| Ising MCMC | ${asFlags(DEMO_ISING)} | ${row(isingReport)} | pass |`,
    `| B-DCGAN | mnist-up5k, width 64 | ${row(bdcganReport)} | pass |`,
    '',
    '## Ising',
    '',
    `- ${isingCheck}`,
    `- engine clocks per sweep (its counters, mean over T): ${clocksPerSweep.toFixed(1)} ` +
      `(ideal ${points[0]!.idealClocksPerSweep}) — ` +
      `**${flipsPerNs.toFixed(3)} flips/ns** on the iCEBreaker at ${isingReport.target_mhz} MHz ` +
      `(${((flipsPerNs * isingReport.fmax_mhz) / isingReport.target_mhz).toFixed(3)} at Fmax)`,
    ...(bench.ising?.engines?.icebreaker_L256_P32
      ? [`- the bench's L = 256, 32 lanes at 16 MHz: ${bench.ising.engines.icebreaker_L256_P32.flips_per_ns} flips/ns`]
      : []),
    '- pictures: ising-scan.png (e(T), |m|(T) with Onsager / Yang), ising-lattice.png (final lattice at the last T)',
    '',
    '## B-DCGAN',
    '',
    `- ${bdcganCheck}`,
    `- ${bdcganRate}`,
    ...(bench.bdcgan?.icebreaker
      ? [
          `- on the iCEBreaker (bench): ${bench.bdcgan.clocks_per_image} clocks per image, ` +
            `${bench.bdcgan.icebreaker.compute_images_per_s} images/s compute ` +
            `at ${bench.bdcgan.build.clock_mhz} MHz, ` +
            `link ${bench.bdcgan.icebreaker.link_images_per_s} images/s at ${bench.bdcgan.icebreaker.baud} baud`,
        ]
      : []),
    '- picture: bdcgan-digits.png (10 per label, drawn by the generator hardware)',
    '',
  ].join('\n');
  writeFileAtomic(join(out, 'report.md'), report);

  log('');
  log('summary');
  log(
    `  Ising   ${lcs(isingReport)} LCs, Fmax ${isingReport.fmax_mhz} MHz, ` +
      `${flipsPerNs.toFixed(3)} flips/ns at ${isingReport.target_mhz} MHz — ${isingCheck}`,
  );
  log(`  B-DCGAN ${lcs(bdcganReport)} LCs, Fmax ${bdcganReport.fmax_mhz} MHz — ${bdcganCheck}`);
  log(`  ${bdcganRate}`);
  const written = ['ising-scan.png', 'ising-lattice.png', 'bdcgan-digits.png', 'report.md'].map((f) => join(out, f));
  log(`  written: ${written.join(', ')}`);
  log(`  demo took ${seconds.toFixed(0)} s`);
}

/** The bench's last results, for context in the report (absent before the first `npm run bench`). */
// biome-ignore lint/suspicious/noExplicitAny: bench/results.json is free-form JSON written by bench/run.ts
function readBench(): any {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL('../../bench/results.json', import.meta.url)), 'utf8'));
  } catch {
    return {};
  }
}
