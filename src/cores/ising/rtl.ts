/**
 * The Ising engine's hardware pieces generated or described in TypeScript: the leaf cell interface of
 * hdl/ising_engine.v, and ising_stats — the pipelined adder trees that sum every step's per-lane energy and
 * magnetization units (exact widths per level, a register after every level; the registers share logic
 * cells with the adders that feed them, so the pipeline costs no extra cells).
 */
import { leafCell, type LeafCell } from '../../hdl/cells.ts';
import { Module } from '../../hdl/module.ts';

export const isingEngineCell: LeafCell = leafCell('ising_engine.v');
/** The engine's measurement unit (bin sums) and the multiplier it uses; instantiated inside the engine. */
export const isingMeasureCell: LeafCell = leafCell('ising_measure.v');
export const serialMultiplierCell: LeafCell = leafCell('serial_multiplier.v');
/** On-chip replica exchange (engines with R > 1). */
export const isingExchangeCell: LeafCell = leafCell('ising_exchange.v');

/** A 32-bit accumulator or counter, in an SB_MAC16 on the UP5K (hdl/dsp_accumulator.v). */
export const dspAccumulatorCell: LeafCell = leafCell('dsp_accumulator.v');

/** Clocks from `in_valid` to `out_valid` of ising_stats for `lanes` lanes: one per level (inputs come registered). */
export function statsLatency(lanes: number): number {
  return Math.max(1, Math.log2(lanes));
}

/** Lines of one registered balanced adder tree: `count` inputs of `width` bits → `${name}_sum`. */
function adderTree(module: Module, name: string, input: string, count: number, width: number): void {
  let level = 0;
  let items = count;
  let w = width;
  if (count === 1) {
    // One lane: no adder, just the register that gives the tree its clock of latency.
    module.reg(`${name}_l1`, width, `${name} units, registered`);
    module.body(`always @(posedge clk) ${name}_l1 <= ${input};`);
    module.assign(`${name}_sum`, `${name}_l1`);
    return;
  }
  module.wire(`${name}_l0`, count * width, `${name} units (the engine's registers)`);
  module.assign(`${name}_l0`, input);
  while (items > 1) {
    const next = items / 2;
    const nw = w + 1;
    module.reg(`${name}_l${level + 1}`, next * nw, `level ${level + 1}: ${next} sums of ${nw} bits`);
    const sums = Array.from({ length: next }, (_, i) => {
      const a = `${name}_l${level}[${2 * i * w + w - 1}:${2 * i * w}]`;
      const b = `${name}_l${level}[${(2 * i + 1) * w + w - 1}:${(2 * i + 1) * w}]`;
      return `        ${name}_l${level + 1}[${i * nw + nw - 1}:${i * nw}] <= {1'b0, ${a}} + {1'b0, ${b}};`;
    });
    module.body(`always @(posedge clk) begin\n${sums.join('\n')}\nend`);
    items = next;
    w = nw;
    level++;
  }
  module.assign(`${name}_sum`, `${name}_l${level}`);
}

export function statsModule(lanes: number): Module {
  const levels = Math.log2(lanes);
  const stats = new Module('ising_stats', [
    `ising_stats: per step, the sum of ${lanes} lanes' energy units (3 bits: neighbours equal to the new spin) and`,
    `the number of +1 spins in the new word, as balanced adder trees with a register after every level:`,
    `latency ${statsLatency(lanes)} clocks.`,
  ]);
  stats
    .input('clk')
    .input('in_valid', 1, 'a step was decided: its registers hold the final values')
    .input('energy_units', lanes * 3, 'per lane, registered: neighbours equal to the new spin')
    .input('new_spins', lanes, "the step's new word, registered (1 = spin +1)")
    .output('out_valid', 1, 'the sums below belong to a decided step')
    .output('energy_sum', levels + 3)
    .output('ones_sum', levels + 1)
    .blank();
  const latency = statsLatency(lanes);
  stats.reg('valid_pipe', latency, 'in_valid delayed along the tree');
  stats.body(
    `always @(posedge clk) valid_pipe <= ${latency === 1 ? 'in_valid' : `{valid_pipe[${latency - 2}:0], in_valid}`};`,
  );
  stats.assign('out_valid', latency === 1 ? 'valid_pipe' : `valid_pipe[${latency - 1}]`);
  adderTree(stats, 'energy', 'energy_units', lanes, 3);
  adderTree(stats, 'ones', 'new_spins', lanes, 1);
  return stats;
}
