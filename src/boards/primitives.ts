/**
 * iCE40 vendor primitives used by board wrappers. They appear only in the thin wrapper (never in a core),
 * so Verilator co-simulation never needs them; `lintStubs` gives Verilator just enough to lint a wrapper.
 */
import type { CellInterface } from '../hdl/module.ts';

const pllParams = { FEEDBACK_PATH: '"SIMPLE"', DIVR: 0, DIVF: 0, DIVQ: 0, FILTER_RANGE: 0 };

export const SB_PLL40_PAD: CellInterface = {
  name: 'SB_PLL40_PAD',
  params: pllParams,
  ports: {
    PACKAGEPIN: { direction: 'input', width: 1 },
    PLLOUTGLOBAL: { direction: 'output', width: 1 },
    LOCK: { direction: 'output', width: 1 },
    RESETB: { direction: 'input', width: 1 },
    BYPASS: { direction: 'input', width: 1 },
  },
};

export const SB_PLL40_CORE: CellInterface = {
  name: 'SB_PLL40_CORE',
  params: pllParams,
  ports: {
    REFERENCECLK: { direction: 'input', width: 1 },
    PLLOUTGLOBAL: { direction: 'output', width: 1 },
    LOCK: { direction: 'output', width: 1 },
    RESETB: { direction: 'input', width: 1 },
    BYPASS: { direction: 'input', width: 1 },
  },
};

/** Behaviour-free stand-ins so `verilator --lint-only` can check a board wrapper. */
export function lintStubs(): string {
  return [SB_PLL40_PAD, SB_PLL40_CORE]
    .map((cell) => {
      const clockIn = 'PACKAGEPIN' in cell.ports ? 'PACKAGEPIN' : 'REFERENCECLK';
      return [
        '/* verilator lint_off DECLFILENAME */',
        '/* verilator lint_off UNUSEDPARAM */',
        '/* verilator lint_off UNUSEDSIGNAL */',
        `module ${cell.name} #(`,
        '    parameter FEEDBACK_PATH = "SIMPLE",',
        '    parameter [3:0] DIVR = 0, parameter [6:0] DIVF = 0, parameter [2:0] DIVQ = 0, parameter [2:0] FILTER_RANGE = 0',
        `) (input wire ${clockIn}, output wire PLLOUTGLOBAL, output wire LOCK, input wire RESETB, input wire BYPASS);`,
        `    assign PLLOUTGLOBAL = ${clockIn};`,
        '    assign LOCK = RESETB;',
        'endmodule',
        '/* verilator lint_on UNUSEDSIGNAL */',
        '/* verilator lint_on UNUSEDPARAM */',
        '/* verilator lint_on DECLFILENAME */',
        '',
      ].join('\n');
    })
    .join('\n');
}
