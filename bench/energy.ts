/**
 * An energy estimate for an iCE40 UltraPlus (UP5K) build: core-rail power from a simple model, and flips per
 * joule from it. No board here measures power, so this is an estimate with its sources stated:
 *
 * - static: 86 µA on the 1.2 V core rail for a blank design;
 * - PLL: 2.03 mA (a PLL from 12 to 32 MHz with a small design, taken whole as the PLL's share);
 * - dynamic: 0.16 µA per logic cell per MHz — a busy 208-cell multiply datapath; wide counters measured 0.012,
 *   so for logic that toggles less than a multiplier this is an upper bound.
 * All three from Joulescope measurements on a UP5K breakout (tinyvision-ai-inc/ice40_power, as summarised in
 * the project's REFERENCES.md). Block RAM, I/O and the board (FTDI, regulators) are not included: this is the
 * FPGA core's power, the figure a GPU's board power is compared with only as a rough anchor.
 */

const CORE_VOLTS = 1.2;
const STATIC_AMPS = 86e-6;
const PLL_AMPS = 2.03e-3;
const AMPS_PER_LC_PER_MHZ = 0.16e-6;

/** NVIDIA ising-gpu (optimized multi-spin code) on a V100: 383 flips/ns at ~300 W board power. */
export const GPU_ANCHOR = { name: 'NVIDIA V100 (ising-gpu)', flipsPerNs: 383, watts: 300 };

export interface EnergyEstimate {
  core_watts: number;
  flips_per_joule: number;
  gpu_flips_per_joule: number;
  model: string;
}

export function up5kEnergy(options: {
  logicCells: number;
  clockMHz: number;
  pll: boolean;
  flipsPerNs: number;
}): EnergyEstimate {
  const amps = STATIC_AMPS + (options.pll ? PLL_AMPS : 0) + AMPS_PER_LC_PER_MHZ * options.logicCells * options.clockMHz;
  const watts = amps * CORE_VOLTS;
  return {
    core_watts: Number(watts.toPrecision(3)),
    flips_per_joule: Number(((options.flipsPerNs * 1e9) / watts).toPrecision(3)),
    gpu_flips_per_joule: Number(((GPU_ANCHOR.flipsPerNs * 1e9) / GPU_ANCHOR.watts).toPrecision(3)),
    model:
      'UP5K core rail 1.2 V: 86 µA static + 2.03 mA PLL + 0.16 µA per LC per MHz (upper bound; ' +
      'tinyvision-ai-inc/ice40_power Joulescope figures); block RAM, I/O and board not included',
  };
}
