/**
 * The routed netlist of a build as Verilog, for post-route simulation (`--netlist`): nextpnr's JSON
 * (routed.json, written by every build) → yosys `write_verilog`. The result instantiates packed iCE40 cells
 * (ICESTORM_LC, ICESTORM_RAM, SB_IO, …) that sim/netlist simulates with the models yosys ships.
 *
 * Three changes on the way, all what the silicon does:
 * - a carry input nextpnr left unconnected is wired to the carry-out of the logic cell below it (see
 *   chainCarryInputs: without it, carries brought out to the fabric read 0);
 * - nextpnr leaves unused cell inputs unconnected, and the models give those their default by testing for `z`
 *   (`I0 === 1'bz`), which Verilator cannot simulate, so every unconnected input is tied to the value the
 *   model would pull it to;
 * - undefined bits of a parameter (block-RAM contents nobody wrote) become 0, as icepack writes them.
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
  attributes?: Record<string, unknown>;
  port_directions?: Record<string, string>;
  connections: Record<string, (number | string)[]>;
}

type JsonModule = { cells: Record<string, JsonCell> };

/**
 * In the silicon a carry-enabled logic cell whose carry-in is not a constant takes the carry-out of the cell
 * below it in the chain: lc z−1 of its tile, or lc 7 of the tile below for lc 0 (the chain runs up a column).
 * nextpnr's JSON shows that link only where the synthesized netlist had a net for it. The cells nextpnr adds
 * to bring a carry out to the fabric have none: their LUT passes the carry through (I3), and where their own
 * COUT feeds a LUT further up, it is that carry passed on — which reads 0 unless the link is made here.
 * Found by comparing this netlist's simulation with the synthesized one's, net by net (the first difference
 * was a block RAM's read enable fed from such a COUT).
 */
export function chainCarryInputs(module: JsonModule): number {
  const atBel = new Map<string, JsonCell>();
  for (const cell of Object.values(module.cells)) {
    const bel = cell.attributes?.NEXTPNR_BEL;
    if (typeof bel === 'string') atBel.set(bel, cell);
  }
  let nextBit = 2; // yosys numbers net bits from 2 (0 and 1 are constants)
  for (const cell of Object.values(module.cells)) {
    for (const bits of Object.values(cell.connections)) {
      for (const bit of bits) if (typeof bit === 'number' && bit >= nextBit) nextBit = bit + 1;
    }
  }
  let linked = 0;
  for (const cell of Object.values(module.cells)) {
    if (cell.type !== 'ICESTORM_LC' || Number(cell.parameters.CARRY_ENABLE) !== 1) continue;
    if (Number(cell.parameters.CIN_CONST) === 1 || (cell.connections.CIN?.length ?? 0) > 0) continue;
    const place = /^X(\d+)\/Y(\d+)\/lc(\d)$/.exec(String(cell.attributes?.NEXTPNR_BEL ?? ''));
    if (!place) throw new Error(`carry cell without a logic-cell placement (${cell.attributes?.NEXTPNR_BEL})`);
    const [x, y, z] = place.slice(1).map(Number) as [number, number, number];
    const below = atBel.get(z > 0 ? `X${x}/Y${y}/lc${z - 1}` : `X${x}/Y${y - 1}/lc7`);
    if (below?.type !== 'ICESTORM_LC' || Number(below.parameters.CARRY_ENABLE) !== 1) continue;
    if ((below.connections.COUT?.length ?? 0) === 0) below.connections.COUT = [nextBit++];
    cell.connections.CIN = [below.connections.COUT![0]!];
    linked++;
  }
  return linked;
}

/**
 * nextpnr's routed JSON made simulatable: carry inputs linked as placed (chainCarryInputs), floating inputs
 * tied to their pull values, undefined parameter bits 0.
 */
export function tieFloatingInputs(routed: string): string {
  const netlist = JSON.parse(routed) as { modules: Record<string, JsonModule> };
  for (const module of Object.values(netlist.modules)) {
    chainCarryInputs(module);
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
