/**
 * The routed netlist of a build as Verilog, for post-route simulation (`--netlist`): nextpnr's JSON
 * (routed.json, written by every build) → yosys `write_verilog`. The result instantiates packed iCE40 cells
 * (ICESTORM_LC, ICESTORM_RAM, SB_IO, …) that sim/netlist simulates with the models yosys ships.
 *
 * Two changes on the way, both what the silicon does: nextpnr leaves unused cell inputs unconnected, and the
 * models give those their default by testing for `z` (`I0 === 1'bz`), which Verilator cannot simulate, so
 * every unconnected input is tied to the value the model would pull it to; and undefined bits of a parameter
 * (block-RAM contents nobody wrote) become 0, as icepack writes them into the bitstream.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resetHold } from '../boards/wrapper.ts';
import type { Elaborated } from '../cores/design.ts';
import { UserError } from '../errors.ts';
import { buildBitstream, ROUTED_NETLIST } from './build.ts';
import { fileText, getToolchain } from './tools.ts';

export const NETLIST_VERILOG = 'netlist.v';

/** Inputs the shipped models pull up when left floating (every other floating input is pulled down). */
const PULLED_UP: Record<string, string[]> = {
  ICESTORM_LC: ['CEN'],
  ICESTORM_RAM: ['RCLKE', 'WCLKE'],
  SB_IO: ['CLOCK_ENABLE'],
};

interface JsonCell {
  type: string;
  parameters: Record<string, unknown>;
  port_directions?: Record<string, string>;
  connections: Record<string, (number | string)[]>;
}

/** nextpnr's routed JSON with floating inputs tied to their pull values and undefined parameter bits 0. */
export function tieFloatingInputs(routed: string): string {
  const netlist = JSON.parse(routed) as { modules: Record<string, { cells: Record<string, JsonCell> }> };
  for (const module of Object.values(netlist.modules)) {
    for (const cell of Object.values(module.cells)) {
      for (const [name, value] of Object.entries(cell.parameters)) {
        if (typeof value === 'string' && /^[01x]+$/.test(value) && value.includes('x'))
          cell.parameters[name] = value.replaceAll('x', '0');
      }
      for (const [port, bits] of Object.entries(cell.connections)) {
        if (bits.length > 0 || cell.port_directions?.[port] !== 'input') continue;
        cell.connections[port] = [PULLED_UP[cell.type]?.includes(port) ? '1' : '0'];
      }
    }
  }
  return JSON.stringify(netlist);
}

/** The routed netlist of the build in `buildDir` as Verilog (module `top`), converted once and kept there. */
export async function routedNetlistVerilog(buildDir: string): Promise<string> {
  const cached = join(buildDir, NETLIST_VERILOG);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const routedPath = join(buildDir, ROUTED_NETLIST);
  if (!existsSync(routedPath)) {
    throw new UserError(`${buildDir} has no routed netlist (${ROUTED_NETLIST}): rebuild it with this spinbit`);
  }
  const result = await getToolchain('yowasp').run(
    'yosys',
    ['-q', '-p', `read_json ${ROUTED_NETLIST}; write_verilog -noattr ${NETLIST_VERILOG}`],
    { [ROUTED_NETLIST]: tieFloatingInputs(readFileSync(routedPath, 'utf8')) },
  );
  const verilog = fileText(result.files, NETLIST_VERILOG);
  if (result.code !== 0 || verilog === undefined) {
    throw new Error(`yosys could not turn ${routedPath} into Verilog:\n${result.log.slice(-2000)}`);
  }
  writeFileSync(`${cached}.tmp`, verilog);
  renameSync(`${cached}.tmp`, cached);
  return verilog;
}

/** What the virtual board needs to run a routed netlist (sim/virtual-board.ts). */
export interface NetlistSource {
  verilog: string;
  /** Clocks the board runs before a host may talk: the wrapper's reset hold, its synchronizer, a margin. */
  resetCycles: number;
}

/**
 * The routed netlist of the build that matches `elaborated` (same config hash: the build cache decides),
 * building it first when it is missing — or when it predates routed netlists — and saying so on stderr.
 */
export async function routedNetlistOf(
  elaborated: Elaborated,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<NetlistSource> {
  const announce = () =>
    say(`no ${elaborated.board.name} build of this ${elaborated.design} config yet: building it first (YoWASP)…`);
  const onEvent = (event: { kind: string; stage?: string }) => {
    if (event.kind === 'stage-start' && event.stage === 'yosys') announce();
  };
  let build = await buildBitstream(elaborated, { onEvent });
  if (!existsSync(join(build.outDir, ROUTED_NETLIST)))
    build = await buildBitstream(elaborated, { onEvent, force: true });
  return {
    verilog: await routedNetlistVerilog(build.outDir),
    resetCycles: resetHold({ mhz: elaborated.clock.mhz }).cycles + 2 + 16,
  };
}
