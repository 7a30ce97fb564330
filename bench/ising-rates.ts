/**
 * Ising at every lattice size (issue 24): the engine's flips/ns and the end-to-end flips/ns (the waits for the link
 * included) on the virtual board, whose UART runs at 3 Mbaud in simulated clocks, at each board's flagship clock,
 * for L = 16 … 256; replica exchange with 8 replicas; and the logic cells of the iCEBreaker flagship by block
 * (yosys without flattening: one line per module).
 */
import { getBoard } from '../src/boards/index.ts';
import { elaborate } from '../src/design/design.ts';
import { ising } from '../src/cores/ising/index.ts';
import { flipsPerNs, runIsing } from '../src/cores/ising/run.ts';
import { fileText, getToolchain } from '../src/tools/tools.ts';

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/**
 * Each board at its flagship build's clock (bench `ising`: timing met at L = 256; 30 MHz: 10 clocks a bit at
 * 3 Mbaud, 57 MHz: 19), with its most lanes.
 */
const BOARDS = [
  { board: 'icebreaker', mhz: 30, maxLanes: 32 },
  { board: 'hx8k', mhz: 57, maxLanes: 64 },
];

async function rates(
  board: string,
  design: Record<string, string | number>,
  scan: Parameters<typeof runIsing>[0]['scan'],
) {
  const run = await runIsing({ target: { kind: 'virtual' }, board, design, scan });
  const point = run.scan.points[0]!;
  const rate = flipsPerNs(run, point);
  return {
    bin: point.binSize,
    clocks_per_sweep: round(point.clocksPerSweep, 1),
    elapsed_clocks_per_sweep: round(point.elapsedClocksPerSweep, 1),
    ideal_clocks_per_sweep: point.idealClocksPerSweep,
    engine_flips_per_ns: round(rate.engine, 4),
    end_to_end_flips_per_ns: round(rate.endToEnd, 4),
    end_to_end_share: round(rate.endToEnd / rate.engine, 3),
  };
}

/**
 * Cells per module of an engine's core (synth_ice40 -noflatten, as the build reads it: SYNTHESIS defined, so the
 * UP5K's counters and sums are DSP blocks): link, engine, generator, statistics, measurement.
 */
async function cellsByBlock(board: string, options: Record<string, string | number>) {
  const design = await elaborate(ising, getBoard(board), options);
  const files = Object.keys(design.coreSources).filter((f) => f.endsWith('.v'));
  const script =
    `read_verilog -DSYNTHESIS ${files.join(' ')}; synth_ice40 -noflatten -top ${design.coreTop}; ` +
    'tee -q -o stat.json stat -json';
  const result = await getToolchain('yowasp').run('yosys', ['-p', script], design.coreSources);
  if (result.code !== 0) throw new Error(`synthesis of ${design.coreTop} failed:\n${result.log.slice(-2000)}`);
  const modules: Record<string, { num_cells_by_type?: Record<string, number> }> =
    JSON.parse(fileText(result.files, 'stat.json') ?? '{}').modules ?? {};
  const out: Record<string, { lut4: number; flip_flops: number; carry: number; ebr: number; dsp: number }> = {};
  for (const [name, stat] of Object.entries(modules)) {
    const cells = stat.num_cells_by_type ?? {};
    const flipFlops = Object.entries(cells)
      .filter(([t]) => t.startsWith('SB_DFF'))
      .reduce((n, [, c]) => n + c, 0);
    // One line per module; a module built with several parameter sets (the three rng_bank variants) adds up.
    const key = name.replace(/^\\/, '').replace(/^\$paramod(?:\$[0-9a-f]+)?\\(\w+).*/, '$1');
    const before = out[key] ?? { lut4: 0, flip_flops: 0, carry: 0, ebr: 0, dsp: 0 };
    out[key] = {
      lut4: before.lut4 + (cells.SB_LUT4 ?? 0),
      flip_flops: before.flip_flops + flipFlops,
      carry: before.carry + (cells.SB_CARRY ?? 0),
      ebr: before.ebr + (cells.SB_RAM40_4K ?? 0),
      dsp: before.dsp + (cells.SB_MAC16 ?? 0),
    };
  }
  return out;
}

export async function benchIsingRates(): Promise<Record<string, unknown>> {
  const sizes: Record<string, unknown>[] = [];
  for (const { board, mhz, maxLanes } of BOARDS) {
    for (const L of [16, 32, 64, 128, 256]) {
      const lanes = Math.min(maxLanes, L / 2);
      // About 4·10⁶ engine clocks a run: long enough for bins the link keeps up with (the default bin).
      const sweeps = Math.max(1000, Math.ceil(4e6 / ((L * L) / lanes)));
      const design = { L, lanes, 'rng-bits': '8', 'clock-mhz': mhz, baud: 3_000_000 };
      const scan = { temperatures: [2.269185314], sweeps, burnIn: 0, seed: 1 };
      sizes.push({ board, L, lanes, clock_mhz: mhz, sweeps, ...(await rates(board, design, scan)) });
    }
  }
  const temperatures = Array.from({ length: 8 }, (_, i) => Number((2.0 + 0.08 * i).toFixed(2)));
  const exchange = {
    board: 'icebreaker',
    L: 32,
    lanes: 16,
    replicas: 8,
    swap_every: 1,
    clock_mhz: 30,
    ...(await rates(
      'icebreaker',
      { L: 32, lanes: 16, replicas: 8, 'rng-bits': '8', 'clock-mhz': 30, baud: 3_000_000 },
      { temperatures, sweeps: 20_000, burnIn: 0, seed: 1, swapEvery: 1 },
    )),
    note: 'swaps decided on the engine every sweep; bins per temperature',
  };
  return {
    link: '3 Mbaud, virtual board (UART in simulated clocks); T = 2.269185314; 8-bit chunks',
    sizes,
    replica_exchange: exchange,
    cells_by_block_icebreaker_L256_P32: await cellsByBlock('icebreaker', {
      L: 256,
      lanes: 32,
      'rng-bits': '8',
      'clock-mhz': 30,
    }),
  };
}
