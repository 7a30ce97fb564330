/**
 * A routed netlist (src/flow/netlist.ts) as a Verilator model behind the virtual board's port list
 * (sim/netlist/netlist_board.v), simulated with the iCE40 cell models that ship with yosys
 * (@yowasp/yosys: share/ice40/cells_sim.v).
 *
 * Two things make the shipped models fit Verilator, both small and explicit:
 * - cells_sim.v is read with NO_ICE40_DEFAULT_ASSIGNMENTS (Verilator 5.006 rejects input port defaults) and
 *   with its floating-input pulls (`(I0 === 1'bz) ? 1'b0 : I0`) reduced to the plain input: a two-state
 *   simulator has no z, and the netlist ties every floating input to its pull value instead. The rewrite
 *   counts its matches, so a changed model fails loudly here rather than simulating something else.
 * - sim/netlist/ice40_fixes.v adds ICESTORM_SPRAM and ICESTORM_DSP (the placed UP5K SPRAM and DSP), which
 *   the shipped file lacks, as port mappings onto its SB_SPRAM256KA and SB_MAC16 models, and ICESTORM_PLL
 *   (the shipped SB_PLL40 models are empty) as a pass-through of the board clock with a lock delay.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ModelSpec } from './verilator.ts';

const require = createRequire(import.meta.url);
// The package's entry point is gen/bundle.js; its share folder sits beside it.
const SHIPPED_MODELS = join(dirname(require.resolve('@yowasp/yosys')), 'share/ice40/cells_sim.v');
const FIXES = readFileSync(new URL('./netlist/ice40_fixes.v', import.meta.url), 'utf8');
const BOARD = readFileSync(new URL('./netlist/netlist_board.v', import.meta.url), 'utf8');

/** Floating-input pulls in the shipped models: 8 in ICESTORM_LC / ICESTORM_RAM's pd/pu, 1 in SB_IO. */
const PULL_TERNARY = /\((\w+) === 1'bz\) \? 1'b[01] : \1/g;
const PULL_OR = /(\w+) \|\| \1 === 1'bz/g;
const EXPECTED_PULLS = { ternary: 8, or: 1 };

/** The shipped iCE40 cell models with their floating-input pulls reduced to the input itself. */
export function twoStateCellModels(): string {
  const shipped = readFileSync(SHIPPED_MODELS, 'utf8');
  const ternary = shipped.match(PULL_TERNARY)?.length ?? 0;
  const or = shipped.match(PULL_OR)?.length ?? 0;
  if (ternary !== EXPECTED_PULLS.ternary || or !== EXPECTED_PULLS.or) {
    throw new Error(
      `${SHIPPED_MODELS} has ${ternary}/${or} floating-input pulls where sim/netlist.ts expects ` +
        `${EXPECTED_PULLS.ternary}/${EXPECTED_PULLS.or}: the models changed, review the rewrite`,
    );
  }
  return shipped.replace(PULL_TERNARY, '$1').replace(PULL_OR, '$1');
}

/** Verilator model of a routed netlist (module `top`) on the virtual board's ports (module netlist_board). */
export function netlistModelSpec(netlistVerilog: string, harness: string): ModelSpec {
  return {
    sources: {
      'netlist.v': netlistVerilog,
      'cells_sim.v': twoStateCellModels(),
      'ice40_fixes.v': FIXES,
      'netlist_board.v': BOARD,
    },
    top: 'netlist_board',
    harness,
    trace: false,
    // Generated netlists are not lint-clean code (unused outputs, SB_IO's inout pins on top-level inputs).
    // -O0: a netlist model compiles several times faster, and the checks run on it are short.
    flags: [
      '-DNO_ICE40_DEFAULT_ASSIGNMENTS',
      '-Wno-lint',
      '-Wno-style',
      '-Wno-ASSIGNIN',
      '--no-timing',
      '-CFLAGS',
      '-O0',
    ],
  };
}
