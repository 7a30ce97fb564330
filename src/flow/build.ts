/**
 * The bitstream flow: elaborated design → yosys (synth_ice40) → fit check → nextpnr-ice40 → timing check →
 * icepack → build/<design>-<board>/ with the .bin, report.json, the sources and every tool log.
 *
 * Nothing is half-written: the flow works in a staging folder and only a successful build replaces the
 * output folder (one rename). A failed build leaves the previous good output untouched and keeps its logs
 * in <out>.failed/ for inspection. Builds are cached by a content hash of (sources, constraints, tool
 * versions, tool arguments): an unchanged rebuild reads report.json and returns.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Board } from '../boards/index.ts';
import { pcfText } from '../boards/index.ts';
import { CORE_CLOCK_NET, resetHold } from '../boards/wrapper.ts';
import { canonicalJson, SPINBIT_VERSION, type Elaborated } from '../design/design.ts';
import { UserError } from '../errors.ts';
import { parseNextpnrReport, parseYosysStat, type BuildReport, type ResourceUse } from './report.ts';
import { fileText, getToolchain, type FileMap, type ToolchainKind, type ToolName } from '../tools/tools.ts';
import { verilogFiles } from '../hdl/sources.ts';

export type Stage = 'yosys' | 'nextpnr' | 'icepack';

/** nextpnr's routed netlist in a build folder (JSON; src/flow/netlist.ts turns it into Verilog). */
export const ROUTED_NETLIST = 'routed.json';

export type BuildEvent =
  | { kind: 'cached'; outDir: string }
  | { kind: 'stage-start'; stage: Stage }
  | { kind: 'stage-output'; stage: Stage; line: string }
  | { kind: 'stage-retry'; stage: Stage; reason: string }
  | { kind: 'stage-done'; stage: Stage; seconds: number };

export interface BuildOptions {
  outDir?: string;
  toolchain?: ToolchainKind;
  /** Rebuild even when the cache says the outputs are current. */
  force?: boolean;
  /**
   * nextpnr's placement seed. Placement is a randomized search: the same netlist routed with another seed can
   * reach a few MHz more or less (the Ising flagship spread 38–47 MHz on the HX8K), so a design near its limit
   * tries a few. Without one the flow starts at 1 and, when the placer finds no legal spot for every cell (a
   * nearly full device: the HX1K at 95 % fails with some seeds), tries up to PLACEMENT_SEEDS in turn; the report
   * records the seed that placed.
   */
  seed?: number;
  onEvent?: (event: BuildEvent) => void;
}

export interface BuildResult {
  outDir: string;
  report: BuildReport;
  cached: boolean;
  bitstreamPath: string;
}

/** A build that ran but whose result is unusable (does not fit, misses timing, tool error). */
export class BuildFailure extends UserError {
  constructor(
    message: string,
    readonly logDir: string,
  ) {
    super(message);
  }
}

/** Placement seeds a build tries in turn when none is given (see BuildOptions.seed). */
export const PLACEMENT_SEEDS = [1, 2, 3, 4];
const NO_LEGAL_PLACEMENT = /Unable to find legal placement/;

export function defaultOutDir(design: string, board: string): string {
  return join('build', `${design}-${board}`);
}

export async function buildBitstream(elaborated: Elaborated, options: BuildOptions = {}): Promise<BuildResult> {
  const { board, design } = elaborated;
  const outDir = options.outDir ?? defaultOutDir(design, board.name);
  const toolchain = getToolchain(options.toolchain ?? 'yowasp');
  const emit = options.onEvent ?? (() => {});
  const bitstreamName = `${design}-${board.name}.bin`;
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0 && options.seed < 2 ** 31))
    throw new UserError(`--seed must be a whole number from 0 to ${2 ** 31 - 1}, got ${options.seed}`);
  const seeds = options.seed === undefined ? PLACEMENT_SEEDS : [options.seed];
  let seed = seeds[0]!;

  const sources: Record<string, string> = { ...elaborated.coreSources, ...elaborated.topSource };
  const pcf = `${pcfText(board)}set_frequency ${CORE_CLOCK_NET} ${elaborated.clock.mhz}\n`;
  const yosysArgs = ['-p', yosysScript(verilogFiles(sources), elaborated.topName, board, sources)];
  const nextpnrArgs = [
    `--${board.device}`,
    '--package',
    board.package,
    '--json',
    'top.json',
    '--pcf',
    'board.pcf',
    '--asc',
    'top.asc',
    // The routed netlist, for post-route simulation (src/flow/netlist.ts, `--netlist`).
    '--write',
    'routed.json',
    '--freq',
    String(elaborated.clock.mhz),
    '--report',
    'nextpnr-report.json',
    // We judge timing ourselves from the report so that the failure message can quote the numbers.
    '--timing-allow-fail',
  ];
  const cacheKey = hash(
    canonicalJson({
      sources,
      pcf,
      yosysArgs,
      nextpnrArgs,
      seeds,
      versions: toolchain.versions(),
      spinbit: SPINBIT_VERSION,
    }),
  );

  if (!options.force) {
    const cached = readCachedReport(outDir, cacheKey, bitstreamName);
    if (cached) {
      emit({ kind: 'cached', outDir });
      return { outDir, report: cached, cached: true, bitstreamPath: join(outDir, bitstreamName) };
    }
  }

  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'rtl'), { recursive: true });
  mkdirSync(join(staging, 'logs'), { recursive: true });
  for (const [name, text] of Object.entries(sources)) writeFileSync(join(staging, 'rtl', name), text);
  writeFileSync(join(staging, 'board.pcf'), pcf);

  const fail = (message: string): never => {
    const failedDir = `${outDir}.failed`;
    rmSync(failedDir, { recursive: true, force: true });
    renameSync(staging, failedDir);
    throw new BuildFailure(`${message} (logs: ${failedDir}/logs)`, join(failedDir, 'logs'));
  };

  const seconds: Record<string, number> = {};
  /** Runs a tool; `retryable` names a failure the caller will retry (then: undefined instead of failing). */
  const tryStage = async (
    stage: Stage,
    tool: ToolName,
    args: string[],
    files: FileMap,
    retryable?: RegExp,
  ): Promise<FileMap | undefined> => {
    emit({ kind: 'stage-start', stage });
    const started = performance.now();
    let pending = '';
    const result = await toolchain.run(tool, args, files, (text) => {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) emit({ kind: 'stage-output', stage, line });
    });
    seconds[stage] = (performance.now() - started) / 1000;
    writeFileSync(join(staging, 'logs', `${stage}.log`), `$ ${tool} ${args.map(shellQuote).join(' ')}\n${result.log}`);
    emit({ kind: 'stage-done', stage, seconds: seconds[stage]! });
    if (result.code !== 0 && retryable?.test(result.log)) return undefined;
    if (result.code !== 0) {
      // nextpnr's way of saying the design has more logic cells than the device: say it with the numbers.
      const overfull = result.log.match(/Failed to expand region .* of (\d+) ICESTORM_LCs/);
      if (overfull) {
        const needed = Number(overfull[1]);
        fail(
          `design does not fit ${board.title}: needs ${needed} logic cells after packing, ` +
            `the ${board.device.toUpperCase()} has ${board.resources.lc} (over by ${needed - board.resources.lc})`,
        );
      }
      fail(`${tool} failed: ${lastError(result.log)}`);
    }
    return result.files;
  };

  const runStage = async (stage: Stage, tool: ToolName, args: string[], files: FileMap): Promise<FileMap> =>
    (await tryStage(stage, tool, args, files)) ?? fail(`${tool} produced nothing`);

  // 1. Synthesis, then a fit check on yosys's cell counts before spending time in place and route.
  const synthesized = await runStage('yosys', 'yosys', yosysArgs, sources);
  const netlist = synthesized['top.json'];
  const stat = fileText(synthesized, 'stat.json');
  if (netlist === undefined || stat === undefined) return fail('yosys produced no netlist');
  const estimate = parseYosysStat(stat);
  checkFit(estimate, board, fail);

  // 2. Place and route: the next seed when the placer finds no legal spot for every cell (unless a seed was given).
  let placed: FileMap | undefined;
  for (const [attempt, next] of seeds.entries()) {
    seed = next;
    const last = attempt === seeds.length - 1;
    placed = await tryStage(
      'nextpnr',
      'nextpnr-ice40',
      [...nextpnrArgs, '--seed', String(seed)],
      { 'top.json': netlist, 'board.pcf': pcf },
      last ? undefined : NO_LEGAL_PLACEMENT,
    );
    if (placed) break;
    emit({ kind: 'stage-retry', stage: 'nextpnr', reason: `no legal placement with seed ${seed}: trying the next` });
  }
  if (!placed) return fail('nextpnr produced no placement');
  const asc = placed['top.asc'];
  const nextpnrReport = fileText(placed, 'nextpnr-report.json');
  if (asc === undefined || nextpnrReport === undefined) return fail('nextpnr produced no placement');
  const { resources, clocks } = parseNextpnrReport(nextpnrReport);
  writeFileSync(join(staging, 'nextpnr-report.json'), nextpnrReport);

  // 3. Timing: every clock must reach its constraint.
  const targetMHz = elaborated.clock.mhz;
  const fmaxMHz = clocks.length ? Math.min(...clocks.map((c) => c.achievedMHz)) : Infinity;
  const timingOk = clocks.every((c) => c.achievedMHz >= c.constraintMHz);

  // 4. Bitstream.
  const packed = await runStage('icepack', 'icepack', ['top.asc', 'top.bin'], { 'top.asc': asc });
  const bitstream = packed['top.bin'];
  if (!(bitstream instanceof Uint8Array)) return fail('icepack produced no bitstream');

  const report: BuildReport = {
    design,
    board: board.name,
    device: board.device,
    package: board.package,
    config_hash: elaborated.configHash,
    config: elaborated.config,
    clock: elaborated.clock,
    reset: resetReport(elaborated),
    toolchain: toolchain.kind,
    tool_versions: toolchain.versions(),
    seed,
    resources,
    target_mhz: targetMHz,
    fmax_mhz: round2(fmaxMHz),
    timing_ok: timingOk,
    clocks,
    seconds: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, round2(v)])),
    bitstream: bitstreamName,
    bitstream_sha256: hash(bitstream),
    cache_key: cacheKey,
  };
  writeFileSync(join(staging, 'top.asc'), asc);
  const routed = placed['routed.json'];
  if (routed !== undefined) writeFileSync(join(staging, ROUTED_NETLIST), routed);
  writeFileSync(join(staging, bitstreamName), bitstream);
  writeFileSync(join(staging, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  // Exactly the bytes the config hash is taken over (docs/protocol.md): a client can check the identity's hash
  // against them without spinbit.
  writeFileSync(
    join(staging, 'config.json'),
    canonicalJson({ design, board: board.name, clock: elaborated.clock, config: elaborated.config }),
  );

  if (!timingOk) {
    const worst = clocks.reduce((a, b) => (b.achievedMHz / b.constraintMHz < a.achievedMHz / a.constraintMHz ? b : a));
    fail(
      `timing not met on ${board.title}: clock ${worst.name} reaches ${worst.achievedMHz.toFixed(2)} MHz, ` +
        `needs ${worst.constraintMHz.toFixed(2)} MHz (placement seed ${seed}); lower --clock-mhz or try another --seed`,
    );
  }

  // Swap the finished build into place: the old output stays complete until this point.
  mkdirSync(dirname(outDir), { recursive: true });
  const old = `${outDir}.old-${process.pid}`;
  if (existsSync(outDir)) renameSync(outDir, old);
  renameSync(staging, outDir);
  rmSync(old, { recursive: true, force: true });
  rmSync(`${outDir}.failed`, { recursive: true, force: true });
  return { outDir, report, cached: false, bitstreamPath: join(outDir, bitstreamName) };
}

function resetReport(elaborated: Elaborated): BuildReport['reset'] {
  const hold = resetHold({ mhz: elaborated.clock.mhz });
  return {
    required_us: hold.microseconds,
    hold_us: round2(hold.cycles / elaborated.clock.mhz),
    cycles: hold.cycles,
    after: elaborated.clock.pll ? 'configuration and PLL lock' : 'configuration',
  };
}

/**
 * A source that places its own SB_MAC16 cells. yosys's DSP inference (synth_ice40 -dsp, the ice40_dsp pass)
 * rewrites such cells as multipliers — clock and enables tied off, parameters replaced (YosysHQ/yosys#2922;
 * seen here on hdl/dsp_accumulator.v) — so those designs are synthesized without it.
 */
const PLACED_DSP = /^\s*(\(\*[^)]*\*\)\s*)?SB_MAC16\s*(#|\()/m;

function yosysScript(files: string[], top: string, board: Board, sources: Record<string, string>): string {
  const spram = board.resources.spram > 0 ? ' -spram' : '';
  const placesDsp = Object.values(sources).some((text) => PLACED_DSP.test(text));
  const dsp = board.resources.dsp > 0 && !placesDsp ? ' -dsp' : '';
  return [
    `read_verilog -DSYNTHESIS ${files.join(' ')}`,
    `synth_ice40 -top ${top}${spram}${dsp}`,
    'tee -q -o stat.json stat -json',
    'write_json top.json',
  ].join('; ');
}

/** Fails early, with numbers, when yosys's cell counts already exceed the device. */
function checkFit(estimate: ResourceUse, board: Board, fail: (message: string) => never): void {
  const limits: [keyof ResourceUse, string, number][] = [
    ['lc', 'logic cells (lower bound from LUT and flip-flop counts)', board.resources.lc],
    ['ebr', 'block RAMs (EBR)', board.resources.ebr],
    ['spram', 'SPRAMs', board.resources.spram],
    ['dsp', 'DSPs', board.resources.dsp],
  ];
  for (const [key, what, available] of limits) {
    const used = estimate[key].used;
    if (used > available) {
      fail(
        `design does not fit ${board.title}: needs ${used} ${what}, ` +
          `the ${board.device.toUpperCase()} has ${available} (over by ${used - available})`,
      );
    }
  }
}

function readCachedReport(outDir: string, cacheKey: string, bitstreamName: string): BuildReport | undefined {
  try {
    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as BuildReport;
    if (report.cache_key !== cacheKey) return undefined;
    const bitstream = readFileSync(join(outDir, bitstreamName));
    return hash(bitstream) === report.bitstream_sha256 ? report : undefined;
  } catch {
    return undefined;
  }
}

function lastError(log: string): string {
  const lines = log
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error =
    [...lines].reverse().find((l) => l.startsWith('ERROR:')) ?? [...lines].reverse().find((l) => /error/i.test(l));
  return (error ?? lines[lines.length - 1] ?? 'no output').replace(/^ERROR:\s*/, '');
}

function hash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function shellQuote(arg: string): string {
  return /^[\w./=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
