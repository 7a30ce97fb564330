/**
 * npm run bench: speed figures measured on this machine, written to bench/results.json (and printed).
 * Tests assert correctness only; every time figure lives here.
 *
 * Spine (issue 2): loopback on iCEBreaker — YoWASP cold build, cached rebuild (whole CLI process), native
 * yosys/nextpnr build when they are on PATH, and Verilator co-simulation speed.
 * Link (issue 3): payload bytes/s and protocol efficiency through the virtual board, link-core size.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBoard } from '../src/boards/index.ts';
import { elaborate } from '../src/design/design.ts';
import { testBytes } from '../src/cores/loopback/check.ts';
import { checkEcho, type EchoConfig } from '../src/cores/loopback/echo.ts';
import { loopback, type LinkLoopbackConfig } from '../src/cores/loopback/index.ts';
import { BuildFailure, buildBitstream } from '../src/flow/build.ts';
import type { BuildReport } from '../src/flow/report.ts';
import { UserError } from '../src/errors.ts';
import type { Elaborated } from '../src/design/design.ts';
import { onPath } from '../src/tools/tools.ts';
import { LINK_CELLS, linkParams } from '../src/link/generate.ts';
import { cellSources } from '../src/hdl/cells.ts';
import { SpinbitBoard } from '../host/board.ts';
import { validateIsingConfig } from '../src/cores/ising/config.ts';
import { ReferenceEngine, scan } from '../src/cores/ising/scan.ts';
import { plainCheckerboard } from './plain-checkerboard.ts';
import { benchIsingRates } from './ising-rates.ts';
import { benchLaneDesigns } from './lane-designs.ts';
import { type CellCounts, synthCells } from './synth.ts';
import { up5kEnergy } from './energy.ts';
import { laneRngModule, rngBankModule } from '../src/cores/ising/rng-rtl.ts';
import { emitVerilog } from '../src/hdl/emit.ts';
import { ising, type IsingDesignConfig } from '../src/cores/ising/index.ts';
import { IsingBoard } from '../src/cores/ising/driver.ts';
import { flipThresholds } from '../src/cores/ising/tables.ts';
import { THRESHOLD_BITS } from '../src/cores/ising/rng.ts';
import { VirtualBoard } from '../sim/virtual-board.ts';
import { routedNetlistOf } from '../src/flow/netlist.ts';
import { netlistModelSpec } from '../sim/netlist.ts';
import { VectorSim } from '../sim/vectors.ts';
import { checkLoopback } from '../src/cores/loopback/check.ts';
import type { BoardTarget } from '../src/run/target.ts';

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
    const native = Array.from({ length: REPEATS }, () =>
      timeCli([...build.slice(0, -1), nativeOut, '--toolchain', 'native', '--force']),
    );
    const nativeReport = JSON.parse(readFileSync(join(nativeOut, 'report.json'), 'utf8'));
    result.native_build_s = round(median(native));
    result.native_tool_versions = nativeReport.tool_versions;
    result.native_stage_s = nativeReport.seconds;
  } else {
    result.native_build_s = null;
    result.native_note = 'native yosys / nextpnr-ice40 / icepack not on PATH';
  }

  // Co-simulation speed: the echo-mode core echoing 20 000 bytes at 1 Mbaud (model build excluded: cached).
  const echo = (await elaborate(loopback, getBoard('icebreaker'), { mode: 'echo' })) as Elaborated<EchoConfig>;
  await checkEcho(echo, { bytes: 100, rateError: 0 });
  const started = performance.now();
  const check = await checkEcho(echo, { bytes: 20_000, rateError: 0 });
  const seconds = (performance.now() - started) / 1000;
  result.verilator_echo_cycles_per_s = Math.round(check.cycles / seconds);
  return result;
}

/** Link (issue 3): throughput through the virtual board, protocol efficiency, link-core size. */
async function benchLink(): Promise<Record<string, unknown>> {
  const rates: Record<string, Record<string, number>> = {};
  let design: Elaborated<LinkLoopbackConfig> | undefined;
  for (const [name, options] of [
    ['3Mbaud_12MHz', { baud: 3_000_000 }],
    ['12Mbaud_48MHz', { baud: 12_000_000, 'clock-mhz': 48 }],
  ] as const) {
    design = (await elaborate(loopback, getBoard('icebreaker'), options)) as Elaborated<LinkLoopbackConfig>;
    rates[name] = await linkRate(design);
  }
  return {
    rates,
    link_core_icebreaker: await linkCoreSize(design!),
    loopback_with_link: await loopbackBuilds(),
  };
}

/**
 * loopback in link mode, built with YoWASP at the link's target clocks (issue 14: 48 MHz on the UP5K, 100 MHz
 * on the HX8K; the iCEstick at its board clock): logic cells and achieved Fmax, or the reason timing failed —
 * the link is most of this design, so its Fmax is the link's.
 */
async function loopbackBuilds(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const [name, mhz] of [
    ['icebreaker', 48],
    ['icestick', 12],
    ['hx8k', 100],
  ] as const) {
    const elaborated = await elaborate(loopback, getBoard(name), { mode: 'link', 'clock-mhz': mhz });
    const outDir = join(mkdtempSync(join(tmpdir(), 'spinbit-bench-')), `loopback-${name}`);
    try {
      const { report } = await buildBitstream(elaborated, { outDir });
      results[name] = {
        clock_mhz: report.target_mhz,
        logic_cells: report.resources.lc,
        fmax_mhz: report.fmax_mhz,
        timing_ok: report.timing_ok,
      };
    } catch (error) {
      if (!(error instanceof BuildFailure)) throw error;
      results[name] = { clock_mhz: mhz, timing_ok: false, reason: error.message };
    }
  }
  return results;
}

/**
 * Bulk transfer through the virtual board: payload bytes per wire byte in the direction that carries the data
 * (host → board for writes, board → host for reads; the line is full duplex), and what that gives on hardware
 * at the build's baud (10 bits per byte on the wire).
 */
async function linkRate(design: Elaborated<LinkLoopbackConfig>): Promise<Record<string, number>> {
  const virtual = await VirtualBoard.start(design);
  const board = await SpinbitBoard.open(virtual.path, {
    expect: { design: design.design, configHash: design.configHash },
  });
  const lineBytesPerS = design.config.link.baud / 10;
  const data = testBytes(5, 65536);
  try {
    const before = { ...board.link.stats };
    await board.writeMemory(0, 0, data);
    const middle = { ...board.link.stats };
    await board.readMemory(0, 0, 32768);
    const after = board.link.stats;
    const writeEfficiency = data.length / (middle.bytesOut - before.bytesOut);
    const readEfficiency = data.length / (after.bytesIn - middle.bytesIn);
    return {
      baud: design.config.link.baud,
      clocks_per_bit: design.config.link.clocksPerBit,
      write_efficiency: round(writeEfficiency, 4),
      read_efficiency: round(readEfficiency, 4),
      write_payload_bytes_per_s_on_hardware: Math.round(lineBytesPerS * writeEfficiency),
      read_payload_bytes_per_s_on_hardware: Math.round(lineBytesPerS * readEfficiency),
      retries: board.link.stats.retries,
    };
  } finally {
    await board.close();
    await virtual.stop();
  }
}

/** link_core alone, with the loopback design's parameters. */
async function linkCoreSize(design: Elaborated<LinkLoopbackConfig>): Promise<CellCounts> {
  const sources = cellSources(LINK_CELLS);
  const chparam = Object.entries(linkParams(design.config.link, 64))
    .map(([k, v]) => `-set ${k} ${v}`)
    .join(' ');
  return synthCells(sources, 'link_core', `chparam ${chparam} link_core;`);
}

/**
 * What one more lane costs: yosys (YoWASP) on the whole Ising core (engine, generator, statistics, link) at
 * 16 and 32 lanes, L = 256, 8-bit chunks, differenced — the link and the control cancel out.
 */
async function laneCost(): Promise<Record<string, number>> {
  const counts: CellCounts[] = [];
  for (const lanes of [16, 32]) {
    const elaborated = await elaborate(ising, getBoard('icebreaker'), { L: 256, lanes, 'rng-bits': '8' });
    counts.push(await synthCells(elaborated.coreSources, elaborated.coreTop));
  }
  const [p16, p32] = counts as [CellCounts, CellCounts];
  return {
    lut4_per_lane: round((p32.lut4 - p16.lut4) / 16, 1),
    flip_flops_per_lane: round((p32.flip_flops - p16.flip_flops) / 16, 1),
    carry_per_lane: round((p32.carry - p16.carry) / 16, 1),
    core_lut4_at_32_lanes: p32.lut4,
  };
}

/** One engine build (YoWASP, through the library) and its report, or the reason it does not build. */
async function buildEngine(
  board: string,
  options: Record<string, string | number>,
): Promise<{ ok: true; report: BuildReport; seconds: number } | { ok: false; reason: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'spinbit-bench-ising-')), 'engine');
  const started = performance.now();
  try {
    const { report } = await buildBitstream(await elaborate(ising, getBoard(board), options), { outDir: out });
    return { ok: true, report, seconds: round((performance.now() - started) / 1000, 1) };
  } catch (error) {
    if (error instanceof UserError) return { ok: false, reason: error.message.replace(/ \(logs: .*\)$/, '') };
    throw error;
  }
}

/** Clocks per sweep of an engine configuration on the virtual board at T = 2.269 (after a short burn-in). */
async function engineEfficiency(board: string, options: Record<string, string | number>, sweeps: number) {
  const design = (await elaborate(ising, getBoard(board), options)) as Elaborated<IsingDesignConfig>;
  const virtual = await VirtualBoard.start(design);
  const link = await SpinbitBoard.open(virtual.path, { expect: { design: 'ising', configHash: design.configHash } });
  try {
    const engine = new IsingBoard(link, design.config);
    await engine.seed(1);
    await engine.setTable(0, flipThresholds(design.config.algorithm, 2.269, THRESHOLD_BITS));
    await engine.run(5);
    await engine.seed(1);
    const started = performance.now();
    await engine.run(sweeps);
    const seconds = (performance.now() - started) / 1000;
    const counters = await engine.counters();
    const ideal = (design.config.size * design.config.size) / design.config.lanes;
    const clocksPerSweep = counters.clocks / counters.sweeps;
    return {
      clocks_per_sweep: round(clocksPerSweep, 1),
      ideal_clocks_per_sweep: ideal,
      tie_clocks_per_sweep: round(counters.tieClocks / counters.sweeps, 2),
      efficiency: round(ideal / clocksPerSweep, 4),
      verilator_engine_cycles_per_s: Math.round(counters.clocks / seconds),
    };
  } finally {
    await link.close();
    await virtual.stop();
  }
}

/**
 * Post-route simulation speed: clocks per second in Verilator of the loopback design's RTL core against the
 * routed netlist of its build (the whole chip), both free-running for 2·10⁶ clocks; and the link self-check's
 * wall time on each behind the virtual board.
 */
async function benchNetlist(): Promise<Record<string, unknown>> {
  const design = (await elaborate(loopback, getBoard('icebreaker'), {})) as Elaborated<LinkLoopbackConfig>;
  const netlist = await routedNetlistOf(design, () => {});
  const cycles = 2_000_000;
  const timed = async (sim: VectorSim, values: number[]) => {
    const started = performance.now();
    await sim.run([{ cycles, values }]);
    return Math.round(cycles / ((performance.now() - started) / 1000));
  };
  const rtl = await VectorSim.create({
    sources: design.coreSources,
    top: design.coreTop,
    inputs: [
      { name: 'rst', width: 1 },
      { name: 'uart_rx', width: 1 },
    ],
    outputs: [{ name: 'uart_tx', width: 1 }],
  });
  const spec = netlistModelSpec(netlist.verilog, '');
  const chip = await VectorSim.create({
    sources: spec.sources,
    top: 'netlist_board',
    inputs: [
      { name: 'rst', width: 1 },
      { name: 'uart_rx', width: 1 },
    ],
    outputs: [{ name: 'uart_tx', width: 1 }],
    flags: spec.flags,
    trace: spec.trace,
  });
  const rtlRate = await timed(rtl, [0, 1]);
  const netlistRate = await timed(chip, [0, 1]);
  const check = async (target: BoardTarget) => {
    const started = performance.now();
    await checkLoopback(design, { seed: 1 }, target);
    return round((performance.now() - started) / 1000, 1);
  };
  return {
    design: 'loopback, iCEBreaker 12 MHz',
    rtl_clocks_per_s: rtlRate,
    netlist_clocks_per_s: netlistRate,
    netlist_slowdown: round(rtlRate / netlistRate, 1),
    self_check_seconds_rtl: await check({ kind: 'virtual' }),
    self_check_seconds_netlist: await check({ kind: 'virtual', netlist }),
  };
}

/** Ising engine: builds that prove fit and timing, efficiency from simulation, flips/ns; reference speed. */
async function benchIsing(): Promise<Record<string, unknown>> {
  const config = validateIsingConfig({ size: 64, lanes: 16 });
  const sweeps = 2000;
  const t0 = performance.now();
  await scan(new ReferenceEngine(config, 1), config, { temperatures: [2.269], sweeps, burnIn: 0, seed: 1 });
  const seconds = (performance.now() - t0) / 1000;
  const updates = sweeps * 64 * 64;
  // The ceiling for that figure: a plain JS checkerboard loop, timed after warm-up (the reference model's
  // figure is a whole scan from a cold start, compilation and statistics included).
  const plain = plainCheckerboard(64, sweeps);
  const bank = rngBankModule();
  const rng = laneRngModule(64, bank, 8);
  const rngCells = await synthCells({ 'rng_bank.v': emitVerilog(bank), 'lane_rng.v': emitVerilog(rng) }, 'lane_rng');

  const engines: Record<string, unknown> = {};
  for (const target of ISING_TARGETS) {
    const built = await buildEngine(target.board, target.options);
    const efficiency = await engineEfficiency(target.board, target.options, 20);
    const entry: Record<string, unknown> = { board: target.board, options: target.options, simulation: efficiency };
    if (built.ok) {
      const r = built.report;
      const clockMHz: number = r.target_mhz;
      entry.build = {
        seconds: built.seconds,
        logic_cells: r.resources.lc,
        ebr: r.resources.ebr,
        fmax_mhz: r.fmax_mhz,
        timing_ok: r.timing_ok,
        clock_mhz: clockMHz,
        seed: r.seed,
      };
      entry.flips_per_ns = round((Number(target.options.lanes) * clockMHz * efficiency.efficiency) / 1000, 3);
      entry.flips_per_ns_at_fmax = round((Number(target.options.lanes) * r.fmax_mhz * efficiency.efficiency) / 1000, 3);
      if (getBoard(target.board).device === 'up5k') {
        entry.energy = up5kEnergy({
          logicCells: r.resources.lc.used,
          clockMHz,
          pll: clockMHz !== getBoard(target.board).clock.mhz,
          flipsPerNs: entry.flips_per_ns as number,
        });
      }
    } else {
      entry.build = { failed: built.reason };
    }
    engines[target.name] = entry;
  }
  // How far the lanes go on the iCEBreaker at L = 256: the first count that does not build, and why.
  const push: Record<string, string> = {};
  for (const lanes of [64]) {
    const built = await buildEngine('icebreaker', { L: 256, lanes, 'rng-bits': '8' });
    push[`lanes_${lanes}`] = built.ok
      ? `fits: ${built.report.resources.lc.used} of ${built.report.resources.lc.total} logic cells, ` +
        `Fmax ${built.report.fmax_mhz} MHz`
      : built.reason;
  }
  return {
    reference_model: {
      L: 64,
      lanes: 16,
      sweeps,
      seconds: round(seconds),
      flips_per_ns: round(updates / seconds / 1e9, 5),
    },
    plain_js_checkerboard: {
      L: 64,
      sweeps,
      seconds: round(plain.seconds),
      flips_per_ns: round(plain.flips_per_ns, 5),
    },
    lane_rng_64_lanes_8_bit: { lut4: rngCells.lut4, lut4_per_lane: round(rngCells.lut4 / 64, 1) },
    per_lane_icebreaker_L256: await laneCost(),
    // The engine's lane against a top-bit-first lane (issue 24): the generator's cost per random bit from the
    // lane_rng figure above, the chunk lane's stall clocks per step from the iCEBreaker flagship's simulation.
    lane_designs: await benchLaneDesigns(rngCells.lut4 / (64 * 8), stallPerStep(engines.icebreaker_L256_P32)),
    engines,
    icebreaker_L256_lane_push: push,
  };
}

/** Tie stall clocks per lockstep step of a flagship's simulation (bench `ising` engines entry). */
function stallPerStep(entry: unknown): number {
  const simulation = (entry as { simulation?: { tie_clocks_per_sweep: number; ideal_clocks_per_sweep: number } })
    ?.simulation;
  return simulation ? simulation.tie_clocks_per_sweep / simulation.ideal_clocks_per_sweep : 0;
}

/**
 * B-DCGAN: the iCEBreaker build (fit, timing), clocks per image measured on the RTL (the CLOCKS register, virtual
 * board), images/s on the board at the built clock (compute) and at the baud (link), weight upload time, and
 * the integer reference's speed. No board here: hardware rates are computed from measured clocks and the
 * link's framing, not timed on hardware.
 */
async function benchBdcgan(): Promise<Record<string, unknown>> {
  // The default build: mnist-up5k at the UP5K's default core clock (18 MHz from the PLL).
  return benchBdcganBuild('mnist-up5k');
}

async function benchBdcganBuild(preset: string): Promise<Record<string, unknown>> {
  const { PRESETS } = await import('../src/cores/bdcgan/arch.ts');
  const { generate, quantizeLatent } = await import('../src/cores/bdcgan/reference.ts');
  const { decodeModel, encodeModel } = await import('../src/cores/bdcgan/format.ts');
  const { bdcgan, IMAGE_BYTES } = await import('../src/cores/bdcgan/index.ts');
  const { BdcganBoard } = await import('../src/cores/bdcgan/driver.ts');
  const { randomModel } = await import('../src/cores/bdcgan/random.ts');
  const { FRAME_OVERHEAD } = await import('../src/link/protocol.ts');
  const arch = PRESETS[preset]!;
  const { model, hash } = decodeModel(encodeModel(randomModel(arch, 7)));
  const zs = Array.from({ length: 32 }, (_, n) =>
    quantizeLatent(Array.from({ length: arch.latent }, (_, i) => Math.sin(7.1 * n + 1.3 * i))),
  );
  const t0 = performance.now();
  for (const [i, z] of zs.entries()) generate(model, z, i % 10);
  const referenceSeconds = (performance.now() - t0) / 1000;

  // the build that proves fit and timing
  const out = join(mkdtempSync(join(tmpdir(), 'spinbit-bench-bdcgan-')), 'bdcgan');
  const started = performance.now();
  const design = await elaborate(bdcgan, getBoard('icebreaker'), { preset });
  const { report } = await buildBitstream(design, { outDir: out });
  const buildSeconds = (performance.now() - started) / 1000;

  const virtual = await VirtualBoard.start(design);
  const link = await SpinbitBoard.open(virtual.path, { expect: { design: 'bdcgan', configHash: design.configHash } });
  try {
    const board = new BdcganBoard(link, design.config);
    await board.verify();
    const upload = await board.upload(model, hash);
    const t1 = performance.now();
    await board.generateMany(zs.map((z, i) => ({ z, label: i % 10 })));
    const simSeconds = (performance.now() - t1) / 1000;
    const clocksPerImage = (await board.clocks()) / zs.length;
    const { baud, maxPayload } = design.config.link;
    const clockMHz: number = report.target_mhz;
    // link: 10 bits per byte on the wire, stream replies of up to maxPayload bytes each with its frame overhead
    const wireBytesPerImage = IMAGE_BYTES * (1 + FRAME_OVERHEAD / maxPayload);
    const linkImagesPerS = baud / 10 / wireBytesPerImage;
    const computeImagesPerS = (clockMHz * 1e6) / clocksPerImage;
    const uploadWireBytes = upload.bytes * 2 * (1 + FRAME_OVERHEAD / maxPayload); // written, then read back
    return {
      preset,
      width: design.config.width,
      reference_images_per_s: round(zs.length / referenceSeconds, 1),
      build: {
        seconds: round(buildSeconds, 1),
        logic_cells: report.resources.lc,
        ebr: report.resources.ebr,
        spram: report.resources.spram,
        clock_mhz: clockMHz,
        fmax_mhz: report.fmax_mhz,
        timing_ok: report.timing_ok,
      },
      clocks_per_image: Math.round(clocksPerImage),
      icebreaker: {
        baud,
        compute_images_per_s: round(computeImagesPerS, 1),
        compute_images_per_s_at_fmax: round((report.fmax_mhz * 1e6) / clocksPerImage, 1),
        link_images_per_s: round(linkImagesPerS, 1),
        end_to_end_images_per_s_estimate: round(Math.min(computeImagesPerS, linkImagesPerS), 1),
        upload_bytes: upload.bytes,
        upload_seconds_estimate: round((uploadWireBytes * 10) / baud, 2),
        note:
          'no board: rates from measured clocks per image and the link framing; the 512-pixel FIFO and the link ' +
          'stream buffer let the link drain one image while the next is computed',
      },
      virtual_board: {
        upload_seconds: round(upload.seconds, 2),
        images_per_s_in_simulation: round(zs.length / simSeconds, 2),
      },
    };
  } finally {
    await link.close();
    await virtual.stop();
  }
}

/**
 * B-DCGAN training on this machine: samples/s of the binarized and full-precision trainers over 30 steps, time per
 * epoch.
 */
async function benchTraining(): Promise<Record<string, unknown>> {
  const { Trainer } = await import('../src/train/trainer.ts');
  const { loadMnist } = await import('../src/train/mnist.ts');
  const data = loadMnist('train');
  const result: Record<string, unknown> = {};
  for (const fullPrecision of [false, true]) {
    const batch = 64;
    const trainer = await Trainer.create(
      {
        preset: 'mnist-up5k',
        fullPrecision,
        batch,
        learningRate: 2e-4,
        beta1: 0.5,
        seed: 1,
        images: batch * 30,
        binaryLrScale: 10,
      },
      data,
    );
    const log = await trainer.runEpoch();
    result[fullPrecision ? 'full_precision' : 'binarized'] = {
      batch,
      samples_per_s: round(log.samplesPerS, 1),
      epoch_minutes_60k: round(60000 / log.samplesPerS / 60, 1),
    };
  }
  return { ...result, note: 'one process per run, single-threaded wasm backend; two runs in parallel use both cores' };
}

/**
 * `npm run demo`, cold (no bitstreams, no Verilator models: as on a fresh clone after `npm run setup`) and warm
 * (everything cached), as a user runs it: one `spinbit demo` process each.
 */
async function benchDemo(): Promise<Record<string, unknown>> {
  const { rmSync } = await import('node:fs');
  const { SIM_CACHE_DIR } = await import('../sim/verilator.ts');
  const out = join(mkdtempSync(join(tmpdir(), 'spinbit-bench-demo-')), 'demo');
  for (const dir of ['build/ising-icebreaker', 'build/bdcgan-icebreaker', SIM_CACHE_DIR])
    rmSync(dir, { recursive: true, force: true });
  const cold = timeCli(['demo', '--out', out]);
  const warm = timeCli(['demo', '--out', out]);
  return { cold_seconds: round(cold, 1), warm_seconds: round(warm, 1), goals: { cold_seconds: 300, warm_seconds: 30 } };
}

/** The engine builds the bench proves (fit, timing) and measures (efficiency in simulation). */
const ISING_TARGETS: { name: string; board: string; options: Record<string, string | number> }[] = [
  {
    name: 'icebreaker_L256_P32',
    board: 'icebreaker',
    // 30 MHz (10 clocks a bit at 3 Mbaud): the tie resolver in groups of 16 lanes reaches 30.11 MHz here
    // (one chain across 32 lanes held it at 27.6–28.8 MHz).
    options: { L: 256, lanes: 32, 'rng-bits': '8', 'clock-mhz': 30, baud: 3_000_000 },
  },
  // 57 MHz (19 clocks a bit): grouped, the 64-lane tie resolver reaches 60.43 MHz at a 50 MHz target and 59.05 MHz
  // at 60 (one chain held it at 38.1–46.6 MHz).
  {
    name: 'hx8k_L256_P64',
    board: 'hx8k',
    options: { L: 256, lanes: 64, 'rng-bits': '8', 'clock-mhz': 57, baud: 3_000_000 },
  },
];

/**
 * `npm run bench -- ising` runs only the named sections (spine, link, ising, ising-rates, bdcgan, netlist, training,
 * demo); results of the others are kept.
 */
const only = new Set(process.argv.slice(2));
const want = (section: string) => only.size === 0 || only.has(section);

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
  ...(want('spine') ? { spine: await benchSpine() } : {}),
  ...(want('link') ? { link: await benchLink() } : {}),
  ...(want('ising') ? { ising: await benchIsing() } : {}),
  ...(want('ising-rates') ? { ising_rates: await benchIsingRates() } : {}),
  ...(want('bdcgan') ? { bdcgan: await benchBdcgan() } : {}),
  ...(want('netlist') ? { netlist: await benchNetlist() } : {}),
  ...(want('training') ? { training: await benchTraining() } : {}),
  ...(want('demo') ? { demo: await benchDemo() } : {}),
};
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
console.log(`written to ${RESULTS}`);
