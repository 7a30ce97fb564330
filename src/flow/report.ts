/** report.json: what a build produced, parsed from yosys's `stat -json` and nextpnr's `--report`. */
import type { ClockPlan } from '../boards/wrapper.ts';

export interface Use {
  used: number;
  total: number;
}

export interface ResourceUse {
  lc: Use;
  ebr: Use;
  spram: Use;
  dsp: Use;
}

export interface ClockTiming {
  name: string;
  achievedMHz: number;
  constraintMHz: number;
}

export interface BuildReport {
  design: string;
  board: string;
  device: string;
  package: string;
  config_hash: string;
  config: unknown;
  clock: ClockPlan;
  /** How long the wrapper holds the core in reset (hdl/reset_sync.v): after configuration, and after PLL lock. */
  reset: ResetReport;
  toolchain: string;
  tool_versions: Record<string, string>;
  /** nextpnr's placement seed. */
  seed: number;
  resources: ResourceUse;
  target_mhz: number;
  /** Lowest achieved Fmax over all clocks. */
  fmax_mhz: number;
  timing_ok: boolean;
  clocks: ClockTiming[];
  seconds: Record<string, number>;
  bitstream: string;
  bitstream_sha256: string;
  cache_key: string;
}

export interface ResetReport {
  /** The hold the wrapper must give (15 µs; 100 µs from the internal oscillator). */
  required_us: number;
  /** The hold it gives: a power-of-two count of core clocks (plus two synchronizer clocks with a PLL). */
  hold_us: number;
  cycles: number;
  after: 'configuration' | 'configuration and PLL lock';
}

/**
 * Resource use as far as yosys can tell (totals unknown here: 0). A logic cell holds one LUT4, one
 * flip-flop and one carry, so max(LUTs, flip-flops, carries) is a lower bound on logic cells.
 */
export function parseYosysStat(statJson: string): ResourceUse {
  const stat = JSON.parse(statJson) as { design?: { num_cells_by_type?: Record<string, number> } };
  const cells = stat.design?.num_cells_by_type ?? {};
  let luts = 0;
  let flipFlops = 0;
  for (const [type, count] of Object.entries(cells)) {
    if (type === 'SB_LUT4') luts += count;
    else if (type.startsWith('SB_DFF')) flipFlops += count;
  }
  const use = (used: number): Use => ({ used, total: 0 });
  return {
    lc: use(Math.max(luts, flipFlops, cells.SB_CARRY ?? 0)),
    ebr: use(cells.SB_RAM40_4K ?? 0),
    spram: use(cells.SB_SPRAM256KA ?? 0),
    dsp: use(cells.SB_MAC16 ?? 0),
  };
}

export function parseNextpnrReport(reportJson: string): { resources: ResourceUse; clocks: ClockTiming[] } {
  const report = JSON.parse(reportJson) as {
    utilization: Record<string, { used: number; available: number }>;
    fmax?: Record<string, { achieved: number; constraint: number }>;
  };
  const use = (key: string): Use => {
    const entry = report.utilization[key];
    return { used: entry?.used ?? 0, total: entry?.available ?? 0 };
  };
  const clocks = Object.entries(report.fmax ?? {})
    .map(([name, f]) => ({
      name,
      achievedMHz: Math.round(f.achieved * 100) / 100,
      constraintMHz: Math.round(f.constraint * 100) / 100,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    resources: {
      lc: use('ICESTORM_LC'),
      ebr: use('ICESTORM_RAM'),
      spram: use('ICESTORM_SPRAM'),
      dsp: use('ICESTORM_DSP'),
    },
    clocks,
  };
}
