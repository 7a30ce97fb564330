/**
 * iCE40 vendor primitives used by board wrappers. Their interfaces are read from the iCE40 cell models of the
 * yosys the flow synthesises with (@yowasp/yosys), so ports and parameters are the ones synthesis knows.
 * They appear only in the thin wrapper (never in a core), so Verilator co-simulation never needs them;
 * `lintStubs` gives Verilator just enough to lint a wrapper.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CellInterface } from '../hdl/module.ts';
import { readModuleInterface } from '../hdl/verilog-interface.ts';

/** yosys's iCE40 cell models; the package's entry point is gen/bundle.js, its share/ directory beside it. */
const YOSYS_ENTRY = createRequire(import.meta.url).resolve('@yowasp/yosys');
export const ICE40_CELLS_SIM = join(dirname(YOSYS_ENTRY), 'share', 'ice40', 'cells_sim.v');

/**
 * PLL pins a wrapper leaves unconnected: the external-feedback, dynamic-delay, low-power latch and test pins
 * (icepll's own instantiation template leaves them out as well; the tools tie them off), and the outputs it
 * does not use (the core clock leaves through PLLOUTGLOBAL onto the global network, not PLLOUTCORE).
 */
const PLL_UNUSED_PINS = ['PLLOUTCORE', 'EXTFEEDBACK', 'DYNAMICDELAY', 'LATCHINPUTVALUE', 'SDO', 'SDI', 'SCLK'];

function primitive(models: string, name: string, optional: string[]): CellInterface {
  const cell = readModuleInterface(models, name, ICE40_CELLS_SIM);
  for (const port of optional) {
    if (!(port in cell.ports)) throw new Error(`${ICE40_CELLS_SIM}: ${name} has no port ${port}`);
  }
  return { ...cell, optionalPorts: new Set(optional) };
}

const models = readFileSync(ICE40_CELLS_SIM, 'utf8');
export const SB_PLL40_PAD = primitive(models, 'SB_PLL40_PAD', PLL_UNUSED_PINS);
export const SB_PLL40_CORE = primitive(models, 'SB_PLL40_CORE', PLL_UNUSED_PINS);

/**
 * Behaviour-free stand-ins so `verilator --lint-only` can check a board wrapper: the parsed parameters, and
 * the ports a wrapper must connect (Verilator -Wall flags a declared port an instance leaves out).
 */
export function lintStubs(): string {
  return [SB_PLL40_PAD, SB_PLL40_CORE].map(lintStub).join('\n');
}

function lintStub(cell: CellInterface): string {
  const ports = Object.entries(cell.ports).filter(([port]) => !cell.optionalPorts?.has(port));
  const clockIn = 'PACKAGEPIN' in cell.ports ? 'PACKAGEPIN' : 'REFERENCECLK';
  const width = (port: string) => {
    const w = cell.ports[port]!.width;
    if (typeof w !== 'number') throw new Error(`${cell.name}.${port}: a parameter-dependent width needs a real stub`);
    return w;
  };
  // Clock outputs follow the reference clock and LOCK follows RESETB, so nothing in the stub is undriven.
  const driver = (port: string) =>
    port.startsWith('PLLOUT') ? clockIn : port === 'LOCK' ? 'RESETB' : `${width(port)}'d0`;
  const outputs = ports.filter(([, spec]) => spec.direction === 'output').map(([port]) => port);
  const range = (port: string) => (width(port) > 1 ? `[${width(port) - 1}:0] ` : '');
  return [
    '/* verilator lint_off DECLFILENAME */',
    '/* verilator lint_off UNUSEDPARAM */',
    '/* verilator lint_off UNUSEDSIGNAL */',
    `module ${cell.name} #(`,
    Object.entries(cell.params)
      .map(([name, value]) => `    parameter ${name} = ${value}`)
      .join(',\n'),
    ') (',
    ports.map(([port, spec]) => `    ${spec.direction} wire ${range(port)}${port}`).join(',\n'),
    ');',
    ...outputs.map((port) => `    assign ${port} = ${driver(port)};`),
    'endmodule',
    '/* verilator lint_on UNUSEDSIGNAL */',
    '/* verilator lint_on UNUSEDPARAM */',
    '/* verilator lint_on DECLFILENAME */',
    '',
  ].join('\n');
}
