/**
 * The routed netlist of a build as Verilog, for post-route simulation (`--netlist`): nextpnr's JSON
 * (routed.json, written by every build) → yosys `write_verilog`. The result instantiates packed iCE40 cells
 * (ICESTORM_LC, ICESTORM_RAM, SB_IO, …) that sim/netlist simulates with the models yosys ships.
 *
 * Four changes on the way, all what the silicon does:
 * - a carry input nextpnr left unconnected is wired to the carry-out of the logic cell below it (see
 *   chainCarryInputs: without it, carries brought out to the fabric read 0);
 * - a PLL's global output is wired to the global buffer it drives, and its reference to the board clock (see
 *   wirePllClock: without it the core clock is a constant);
 * - nextpnr leaves unused cell inputs unconnected, and the models give those their default by testing for `z`
 *   (`I0 === 1'bz`), which Verilator cannot simulate, so every unconnected input is tied to the value the
 *   model would pull it to;
 * - undefined bits of a parameter (block-RAM contents nobody wrote) become 0, as icepack writes them.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resetHold } from '../boards/wrapper.ts';
import type { Elaborated } from '../design/design.ts';
import { UserError } from '../errors.ts';
import { buildBitstream, ROUTED_NETLIST } from './build.ts';
import { fileText, getToolchain } from '../tools/tools.ts';

export const NETLIST_VERILOG = 'netlist.v';
/** First line of a converted netlist: a netlist.v converted by an earlier version of the changes below is redone. */
const CONVERSION_MARK = '// spinbit routed netlist, conversion 3 (carry chains, PLL clock, DSP CE)';

/**
 * Inputs the shipped models pull up when left floating (every other floating input is pulled down). The DSP's
 * CE too: nextpnr drops a constant-1 CE (as it does LC CEN) and routes a constant 0 to it explicitly, so an
 * unrouted CE is enabled on the chip.
 */
const PULLED_UP: Record<string, string[]> = {
  ICESTORM_LC: ['CEN'],
  ICESTORM_RAM: ['RCLKE', 'WCLKE'],
  ICESTORM_DSP: ['CE'],
  SB_IO: ['CLOCK_ENABLE'],
};

interface JsonCell {
  type: string;
  parameters: Record<string, unknown>;
  attributes?: Record<string, unknown>;
  port_directions?: Record<string, string>;
  connections: Record<string, (number | string)[]>;
}

type JsonModule = {
  cells: Record<string, JsonCell>;
  ports?: Record<string, { direction: string; bits: (number | string)[] }>;
};

/** One more than the highest net bit in use: a fresh net (yosys numbers bits from 2; 0 and 1 are constants). */
function freshBit(module: JsonModule): () => number {
  let next = 2;
  for (const cell of Object.values(module.cells)) {
    for (const bits of Object.values(cell.connections)) {
      for (const bit of bits) if (typeof bit === 'number' && bit >= next) next = bit + 1;
    }
  }
  return () => next++;
}

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
  const fresh = freshBit(module);
  let linked = 0;
  for (const cell of Object.values(module.cells)) {
    if (cell.type !== 'ICESTORM_LC' || Number(cell.parameters.CARRY_ENABLE) !== 1) continue;
    if (Number(cell.parameters.CIN_CONST) === 1 || (cell.connections.CIN?.length ?? 0) > 0) continue;
    const place = /^X(\d+)\/Y(\d+)\/lc(\d)$/.exec(String(cell.attributes?.NEXTPNR_BEL ?? ''));
    if (!place) throw new Error(`carry cell without a logic-cell placement (${cell.attributes?.NEXTPNR_BEL})`);
    const [x, y, z] = place.slice(1).map(Number) as [number, number, number];
    const below = atBel.get(z > 0 ? `X${x}/Y${y}/lc${z - 1}` : `X${x}/Y${y - 1}/lc7`);
    if (below?.type !== 'ICESTORM_LC' || Number(below.parameters.CARRY_ENABLE) !== 1) continue;
    if ((below.connections.COUT?.length ?? 0) === 0) below.connections.COUT = [fresh()];
    cell.connections.CIN = [below.connections.COUT![0]!];
    linked++;
  }
  return linked;
}

/**
 * A PLL reaches the global network through dedicated wiring that nextpnr's JSON does not show: the PLL's
 * PLLOUT_A_GLOBAL is unconnected and the global buffer it drives has no input, so every flip-flop on the core
 * clock would see a constant. With a pad PLL (SB_PLL40_PAD, the iCEBreaker's) the reference clock is implicit
 * too. The wrapper (src/boards/wrapper.ts) has one PLL, fed by the board clock `clk`, driving the core clock
 * through one global buffer: this makes those links (sim/netlist/ice40_fixes.v passes the reference through).
 */
export function wirePllClock(module: JsonModule): boolean {
  const plls = Object.values(module.cells).filter((cell) => cell.type === 'ICESTORM_PLL');
  if (plls.length === 0) return false;
  const idleBuffers = Object.values(module.cells).filter(
    (cell) => cell.type === 'SB_GB' && (cell.connections.USER_SIGNAL_TO_GLOBAL_BUFFER?.length ?? 0) === 0,
  );
  if (plls.length !== 1 || idleBuffers.length !== 1) {
    throw new Error(
      `expected one PLL driving one global buffer, found ${plls.length} PLL(s) and ${idleBuffers.length} ` +
        'global buffer(s) without an input',
    );
  }
  const pll = plls[0]!;
  const clk = module.ports?.clk?.bits;
  if (!clk) throw new Error('the routed netlist has no board clock port `clk`');
  if ((pll.connections.REFERENCECLK?.length ?? 0) === 0) pll.connections.REFERENCECLK = clk;
  if ((pll.connections.PLLOUT_A_GLOBAL?.length ?? 0) === 0) pll.connections.PLLOUT_A_GLOBAL = [freshBit(module)()];
  idleBuffers[0]!.connections.USER_SIGNAL_TO_GLOBAL_BUFFER = pll.connections.PLLOUT_A_GLOBAL!;
  return true;
}

/**
 * nextpnr's routed JSON made simulatable: carry inputs linked as placed (chainCarryInputs), the PLL's clock
 * wired (wirePllClock), floating inputs
 * tied to their pull values, undefined parameter bits 0.
 */
export function tieFloatingInputs(routed: string): string {
  const netlist = JSON.parse(routed) as { modules: Record<string, JsonModule> };
  for (const module of Object.values(netlist.modules)) {
    chainCarryInputs(module);
    wirePllClock(module);
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
  if (existsSync(cached)) {
    const text = readFileSync(cached, 'utf8');
    if (text.startsWith(CONVERSION_MARK)) return text; // else converted by an older spinbit: again
  }
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
  writeFileSync(`${cached}.tmp`, `${CONVERSION_MARK}\n${verilog}`);
  renameSync(`${cached}.tmp`, cached);
  return `${CONVERSION_MARK}\n${verilog}`;
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
