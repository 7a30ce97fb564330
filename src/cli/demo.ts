/**
 * `npm run demo` (`spinbit demo`): the main job end to end on the iCEBreaker configurations — build both
 * bitstreams (in parallel; cached after the first run), run both designs on the virtual board (or a board with
 * --port) with --check against the reference models, and write build/demo/: the Ising lattice, the e(T) and
 * |m|(T) scan plot with the exact curves, the B-DCGAN digit grid from the shipped model, and report.md.
 *
 * Each step is the `spinbit` command a user would type (printed as it starts), so the demo shows the CLI and
 * exercises exactly its code paths.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';

const BIN = fileURLToPath(new URL('../../bin/spinbit.mjs', import.meta.url));
export const DEMO_MODEL = fileURLToPath(new URL('../../models/mnist-up5k.sbgan', import.meta.url));

/** The iCEBreaker configurations the demo builds and runs. */
export const DEMO_ISING = ['--L', '128', '--lanes', '32', '--rng-bits', '8', '--clock-mhz', '16'];
const ISING_SCAN = ['--T', '1.8:3.0:0.2', '--sweeps', '400', '--burn-in', '100', '--seed', '1'];

interface Step {
  title: string;
  args: string[];
}

/** Runs one spinbit command, its output indented under a title; resolves to its stdout. */
function runStep(step: Step, log: (line: string) => void): Promise<string> {
  log(`$ spinbit ${step.args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...step.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const relay = (prefix: string) => (chunk: Buffer) => {
      for (const line of chunk.toString().split(/\r|\n/)) if (line.trim()) log(`  ${prefix}${line.trim()}`);
    };
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      relay('')(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      relay('')(b);
    });
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new UserError(`${step.title} failed: ${err.trim().split('\n').pop() ?? `exit ${code}`}`))));
  });
}

export async function runDemo(flags: { port?: string; out?: string } = {}): Promise<void> {
  const started = performance.now();
  const out = flags.out ?? join('build', 'demo');
  if (!existsSync(DEMO_MODEL)) throw new UserError(`the shipped model ${DEMO_MODEL} is missing (git checkout models/)`);
  mkdirSync(out, { recursive: true });
  const log = (line: string) => console.log(line);
  const where = flags.port ? ['--port', flags.port] : ['--sim'];
  log(`spinbit demo: both accelerators for the iCEBreaker, ${flags.port ? `on the board at ${flags.port}` : 'on the virtual board (Verilator)'}; output in ${out}/`);

  // 1. bitstreams, in parallel (YoWASP yosys/nextpnr; cached by config)
  const isingBuild = join('build', 'ising-icebreaker');
  const bdcganBuild = join('build', 'bdcgan-icebreaker');
  log('[1/3] bitstreams');
  await Promise.all([
    runStep({ title: 'Ising build', args: ['build', 'ising', '--board', 'icebreaker', ...DEMO_ISING, '--out', isingBuild] }, (l) => log(`  ising  | ${l}`)),
    runStep({ title: 'B-DCGAN build', args: ['build', 'bdcgan', '--board', 'icebreaker', '--out', bdcganBuild] }, (l) => log(`  bdcgan | ${l}`)),
  ]);
  const isingReport = JSON.parse(readFileSync(join(isingBuild, 'report.json'), 'utf8'));
  const bdcganReport = JSON.parse(readFileSync(join(bdcganBuild, 'report.json'), 'utf8'));

  // 2. Ising scan on the engine, checked against the reference model record by record
  log('[2/3] Ising: temperature scan on the engine, every record checked against the reference model');
  const isingOut = await runStep(
    {
      title: 'Ising run',
      args: ['run', 'ising', ...where, '--check', '--board', 'icebreaker', ...DEMO_ISING, ...ISING_SCAN, '--plot', join(out, 'ising-scan.png'), '--lattice', join(out, 'ising-lattice.png'), '--json', join(out, 'ising-scan.json')],
    },
    log,
  );

  // 3. B-DCGAN digits from the shipped model, each image checked against the integer reference
  log('[3/3] B-DCGAN: digits 0-9 from the shipped model, every image checked against the integer reference');
  const bdcganOut = await runStep(
    { title: 'B-DCGAN run', args: ['run', 'bdcgan', ...where, '--check', '--model', DEMO_MODEL, '--labels', '0-9', '--n', '100', '--seed', '7', '--out', join(out, 'bdcgan-digits.png')] },
    log,
  );

  // report
  const scan = JSON.parse(readFileSync(join(out, 'ising-scan.json'), 'utf8'));
  const pick = (text: string, pattern: RegExp) => text.match(pattern)?.[0] ?? '(not reported)';
  const isingCheck = pick(isingOut, /check: .*/);
  const bdcganCheck = pick(bdcganOut, /check: .*/);
  const bdcganRate = pick(bdcganOut, /\d+ images from the (virtual board|board) in .*/);
  const bench = (() => {
    try {
      return JSON.parse(readFileSync(fileURLToPath(new URL('../../bench/results.json', import.meta.url)), 'utf8'));
    } catch {
      return {};
    }
  })();
  // flips/ns: spin updates per clock-sweep at the built clock, from the engine's own clock counters
  const clocksPerSweep = scan.results.reduce((sum: number, r: { clocksPerSweep: number }) => sum + r.clocksPerSweep, 0) / scan.results.length;
  const sites = scan.config.size * scan.config.size;
  const flipsPerNs = (sites / clocksPerSweep) * isingReport.target_mhz * 1e-3;
  const lcs = (r: { resources: { lc: { used: number; total: number } } }) => `${r.resources.lc.used}/${r.resources.lc.total}`;
  const seconds = (performance.now() - started) / 1000;
  const report = [
    '# spinbit demo report',
    '',
    `Run ${new Date().toISOString()} ${flags.port ? `on the board at ${flags.port}` : 'on the virtual board (the same core RTL in Verilator, behind a pty)'}; ${seconds.toFixed(0)} s.`,
    '',
    '| accelerator | config | logic cells | EBR | SPRAM | clock / Fmax | bit-exact |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| Ising MCMC | ${DEMO_ISING.join(' ')} | ${lcs(isingReport)} | ${isingReport.resources.ebr.used}/${isingReport.resources.ebr.total} | ${isingReport.resources.spram.used}/${isingReport.resources.spram.total} | ${isingReport.target_mhz} / ${isingReport.fmax_mhz} MHz | ${isingCheck.includes('pass') ? 'pass' : 'FAIL'} |`,
    `| B-DCGAN | mnist-up5k, width 64 | ${lcs(bdcganReport)} | ${bdcganReport.resources.ebr.used}/${bdcganReport.resources.ebr.total} | ${bdcganReport.resources.spram.used}/${bdcganReport.resources.spram.total} | ${bdcganReport.target_mhz} / ${bdcganReport.fmax_mhz} MHz | ${bdcganCheck.includes('pass') ? 'pass' : 'FAIL'} |`,
    '',
    '## Ising',
    '',
    `- ${isingCheck}`,
    `- engine clocks per sweep (its counters, mean over T): ${clocksPerSweep.toFixed(1)} (ideal ${scan.results[0].idealClocksPerSweep}) — ` +
      `**${flipsPerNs.toFixed(3)} flips/ns** on the iCEBreaker at ${isingReport.target_mhz} MHz (${(flipsPerNs * isingReport.fmax_mhz / isingReport.target_mhz).toFixed(3)} at Fmax)`,
    ...(bench.ising?.engines?.icebreaker_L256_P32 ? [`- the bench's L = 256, 32 lanes at 16 MHz: ${bench.ising.engines.icebreaker_L256_P32.flips_per_ns} flips/ns`] : []),
    '- pictures: ising-scan.png (e(T), |m|(T) with Onsager / Yang), ising-lattice.png (final lattice at the last T)',
    '',
    '## B-DCGAN',
    '',
    `- ${bdcganCheck}`,
    `- ${bdcganRate}`,
    ...(bench.bdcgan?.icebreaker ? [`- on the iCEBreaker (bench): ${bench.bdcgan.clocks_per_image} clocks per image, ${bench.bdcgan.icebreaker.compute_images_per_s} images/s compute at ${bench.bdcgan.build.clock_mhz} MHz, link ${bench.bdcgan.icebreaker.link_images_per_s} images/s at ${bench.bdcgan.icebreaker.baud} baud`] : []),
    '- picture: bdcgan-digits.png (10 per label, drawn by the generator hardware)',
    '',
  ].join('\n');
  const temporary = join(out, 'report.md.partial');
  writeFileSync(temporary, report);
  renameSync(temporary, join(out, 'report.md'));

  log('');
  log('summary');
  log(`  Ising   ${lcs(isingReport)} LCs, Fmax ${isingReport.fmax_mhz} MHz, ${flipsPerNs.toFixed(3)} flips/ns at ${isingReport.target_mhz} MHz — ${isingCheck}`);
  log(`  B-DCGAN ${lcs(bdcganReport)} LCs, Fmax ${bdcganReport.fmax_mhz} MHz — ${bdcganCheck}`);
  log(`  ${bdcganRate}`);
  log(`  written: ${['ising-scan.png', 'ising-lattice.png', 'bdcgan-digits.png', 'report.md'].map((f) => join(out, f)).join(', ')}`);
  log(`  demo took ${seconds.toFixed(0)} s`);
}
