/**
 * npm run bench: speed figures measured on this machine, written to bench/results.json (and printed).
 * Tests assert correctness only; every time figure lives here.
 *
 * Spine (issue 2): loopback on iCEBreaker — YoWASP cold build, cached rebuild (whole CLI process), native
 * yosys/nextpnr build when they are on PATH, and Verilator co-simulation speed of the loopback core.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBoard } from '../src/boards/index.ts';
import { elaborate } from '../src/cores/design.ts';
import { checkLoopback } from '../src/cores/loopback/check.ts';
import { loopback } from '../src/cores/loopback/index.ts';
import { onPath } from '../src/flow/tools.ts';

const BIN = fileURLToPath(new URL('../bin/spinbit.mjs', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const REPEATS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall-clock seconds of one `spinbit` process. */
function timeCli(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`spinbit ${args.join(' ')} failed:\n${result.stderr}`);
  return seconds;
}

function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits));
}

async function benchSpine(): Promise<Record<string, unknown>> {
  const out = join(mkdtempSync(join(tmpdir(), 'spinbit-bench-')), 'loopback-icebreaker');
  const build = ['build', 'loopback', '--board', 'icebreaker', '--out', out];
  const cold = Array.from({ length: REPEATS }, () => timeCli([...build, '--force']));
  const cached = Array.from({ length: REPEATS }, () => timeCli(build));
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const result: Record<string, unknown> = {
    design: 'loopback',
    board: 'icebreaker',
    yowasp_cold_build_s: round(median(cold)),
    yowasp_cold_build_runs_s: cold.map((s) => round(s)),
    yowasp_stage_s: report.seconds,
    cached_rebuild_s: round(median(cached)),
    logic_cells: report.resources.lc,
    fmax_mhz: report.fmax_mhz,
  };
  if (['yosys', 'nextpnr-ice40', 'icepack'].every(onPath)) {
    const nativeOut = `${out}-native`;
    const native = Array.from({ length: REPEATS }, () => timeCli([...build.slice(0, -1), nativeOut, '--toolchain', 'native', '--force']));
    const nativeReport = JSON.parse(readFileSync(join(nativeOut, 'report.json'), 'utf8'));
    result.native_build_s = round(median(native));
    result.native_tool_versions = nativeReport.tool_versions;
    result.native_stage_s = nativeReport.seconds;
  } else {
    result.native_build_s = null;
    result.native_note = 'native yosys / nextpnr-ice40 / icepack not on PATH';
  }

  // Co-simulation speed: the loopback core echoing 20 000 bytes at 1 Mbaud (model build excluded: cached).
  const elaborated = await elaborate(loopback, getBoard('icebreaker'), {});
  await checkLoopback(elaborated, { bytes: 100, rateError: 0 });
  const started = performance.now();
  const check = await checkLoopback(elaborated, { bytes: 20_000, rateError: 0 });
  const seconds = (performance.now() - started) / 1000;
  result.verilator_loopback_cycles_per_s = Math.round(check.cycles / seconds);
  return result;
}

const previous = (() => {
  try {
    return JSON.parse(readFileSync(RESULTS, 'utf8'));
  } catch {
    return {};
  }
})();
const results = {
  ...previous,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, date: new Date().toISOString() },
  spine: await benchSpine(),
};
writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
console.log(JSON.stringify(results, null, 2));
console.log(`written to ${RESULTS}`);
