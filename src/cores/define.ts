/**
 * `defineDesign`: a design of your own on spinbit's spine. You write the engine in Verilog — a module with clk,
 * rst and the link-bus ports it serves (src/link/bus.ts: registers, memories, the stream) — a contract
 * (src/link/contract.ts) and a check against your reference model; spinbit generates the core around it (the
 * link, the identity block with the config hash, the register map as an include file, tie-offs for the bus
 * signals the engine leaves out), and gives it the same build, cache, lint, virtual board, typed host access
 * and `--check` runs as its own designs. `spinbit build ./my-design.ts` loads such a module by path.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Board } from '../boards/index.ts';
import type { ClockPlan } from '../boards/wrapper.ts';
import {
  registerDesign,
  type Design,
  type DesignOption,
  type DesignOptions,
  type Elaborated,
  type RegisteredDesign,
} from '../design/design.ts';
import { UserError } from '../errors.ts';
import { leafCellAt, type LeafCell } from '../hdl/cells.ts';
import { Module } from '../hdl/module.ts';
import { busConnections, LINK_BUS, type LinkBusSignal } from '../link/bus.ts';
import { verilogInclude, type Contract } from '../link/contract.ts';
import {
  declareLinkCore,
  DEFAULT_BAUD,
  identityBytes,
  instantiateLink,
  LINK_CELLS,
  linkConfig,
  type LinkConfig,
  type MemorySizes,
} from '../link/generate.ts';
import { TypedBoard } from '../../host/typed-board.ts';
import { withBoard, type BoardTarget } from '../run/target.ts';

/** What a design of your own declares. `Config` is what `configure` makes of its options (default: none). */
export interface DesignSpec<C extends Contract, Config extends object = Record<string, never>> {
  /** Lower case, digits and dashes: the build folder, the identity block, `spinbit designs`. */
  name: string;
  summary: string;
  contract: C;
  /**
   * The engine: a Verilog file (path, or a file: URL such as `new URL('./engine.v', import.meta.url)`) whose
   * module is named like the file. Ports: clk, rst, any link-bus signals (by their bus names), and optionally
   * `busy` (memory commands answer BUSY while it is high; the virtual board also keeps the clock running) and
   * `led` (LED 0; LED 1 shows a link line error). The register map is in `<contract.design>_map.vh`.
   */
  engine: string | URL;
  /** More Verilog files the engine instantiates. */
  sources?: (string | URL)[];
  /** Options beyond --clock-mhz and --baud, each turned into the config by `configure`. */
  options?: DesignOption[];
  /** Validates the options for a board (throw a UserError with the numbers) and returns the config. */
  configure?(options: DesignOptions, board: Board): Config;
  /** The engine's Verilog parameters for a config. */
  parameters?(config: Config): Record<string, number | string>;
  /** Word size and depth of each memory of the contract for a config (none when the contract has none). */
  memories?(config: Config): MemorySizes<C>;
  /**
   * The bit-exact check: drive the engine through its registers and compare with your reference model. It runs
   * on the virtual board for `spinbit sim`, on any target for `spinbit run`. Resolve to a summary of what was
   * checked; throw (naming what differed and the seed) when something differs.
   */
  check(board: TypedBoard<C>, context: { config: Config; seed: number }): Promise<Record<string, unknown>>;
}

/** The config of a design of your own: yours, plus the link's. */
export type OwnConfig<Config> = Config & { link: LinkConfig };

/** A design made by `defineDesign`: registered like the built-in ones, and runnable on any target. */
export interface OwnDesign<C extends Contract = Contract> extends RegisteredDesign {
  readonly contract: C;
  /** Runs the design's check on a target: the virtual board (RTL or routed netlist) or a board on a port. */
  runCheck(elaborated: Elaborated, target: BoardTarget, seed: number): Promise<Record<string, unknown>>;
}

/** Marks what defineDesign made (a registry symbol: a design module may load another copy of spinbit). */
const OWN_DESIGN = Symbol.for('spinbit.ownDesign');

const COMMON_OPTIONS: DesignOption[] = [
  {
    name: 'clock-mhz',
    type: 'number',
    description: 'core clock in MHz; a PLL makes it when it differs from the board clock (default: board clock)',
  },
  { name: 'baud', type: 'integer', description: 'UART baud rate', defaultValue: DEFAULT_BAUD },
];

/** Ports of the engine that are not link-bus signals, and what the generated core does with them. */
const EXTRA_PORTS: Record<string, string> = {
  clk: 'the core clock',
  rst: 'synchronous reset, active high',
  busy: 'output: memory commands answer BUSY while high',
  led: 'output: LED 0',
};

const pathOf = (where: string | URL): string => (where instanceof URL ? fileURLToPath(where) : resolve(where));

export function defineDesign<const C extends Contract, Config extends object = Record<string, never>>(
  spec: DesignSpec<C, Config>,
): OwnDesign<C> {
  if (!/^[a-z][a-z0-9-]*$/.test(spec.name))
    throw new Error(`design name '${spec.name}': lower case letters, digits and dashes, starting with a letter`);
  const clash = (spec.options ?? []).find((o) => COMMON_OPTIONS.some((c) => c.name === o.name));
  if (clash) throw new Error(`design ${spec.name}: option --${clash.name} is spinbit's own; name it otherwise`);
  const enginePath = pathOf(spec.engine);
  const sourcePaths = (spec.sources ?? []).map(pathOf);
  const coreName = `${spec.name.replaceAll('-', '_')}_core`;
  const mapFile = `${spec.contract.design}_map.vh`;
  const withoutCommon = (options: DesignOptions): DesignOptions =>
    Object.fromEntries(Object.entries(options).filter(([name]) => !COMMON_OPTIONS.some((c) => c.name === name)));

  const design: Design<OwnConfig<Config>> = {
    name: spec.name,
    summary: spec.summary,
    options: [...COMMON_OPTIONS, ...(spec.options ?? [])],
    coreClockMHz: (options, board) => (options['clock-mhz'] as number | undefined) ?? board.clock.mhz,

    configure(options: DesignOptions, board: Board, clock: ClockPlan): OwnConfig<Config> {
      const config = spec.configure ? spec.configure(withoutCommon(options), board) : ({} as Config);
      if ('link' in config) throw new Error(`design ${spec.name}: configure() must not return a 'link' field`);
      const sizes = spec.memories?.(config) ?? ({} as MemorySizes<C>);
      for (const name of Object.keys(spec.contract.memories)) {
        if (!(name in sizes)) throw new Error(`design ${spec.name}: memories() gives no size for memory ${name}`);
      }
      const baud = (options.baud as number | undefined) ?? DEFAULT_BAUD;
      return { ...config, link: linkConfig(clock, baud, spec.contract, sizes) };
    },

    generate(config, _board, context) {
      const engine = leafCellAt(enginePath);
      const cells: LeafCell[] = [...LINK_CELLS, engine, ...sourcePaths.map(leafCellAt)];
      for (const port of Object.keys(engine.ports)) {
        if (!(port in LINK_BUS) && !(port in EXTRA_PORTS)) {
          throw new UserError(
            `${engine.name} (${enginePath}): port '${port}' is neither a link-bus signal nor one of ` +
              `${Object.keys(EXTRA_PORTS).join(', ')}`,
          );
        }
      }
      for (const port of ['clk', 'rst']) {
        if (!(port in engine.ports)) throw new UserError(`${engine.name} (${enginePath}): needs a '${port}' input`);
      }
      const identity = identityBytes(spec.name, context.configHash, context.clock, config.link);
      const core = new Module(coreName, [
        `${coreName}: ${spec.summary}`,
        `The engine ${engine.name} (${engine.file}) behind spinbit's serial link; its registers: ${mapFile}.`,
        "leds[0] is the engine's led (or off), leds[1] latches a link line error.",
      ]);
      declareLinkCore(
        core,
        {
          leds: "[0] the engine's led, [1] link line error (active high)",
          idle: 'nothing in flight and the engine not busy: the virtual board may stop the clock',
        },
        config.link,
        [],
      );
      core.wire('busy', 1, 'the engine holds memory commands off').wire('engine_led').blank();
      const rom = instantiateLink(core, config.link, identity, 'busy');
      core.blank();
      const has = (port: string) => port in engine.ports;
      core.instance(
        engine,
        'u_engine',
        {
          clk: 'clk',
          rst: 'rst',
          ...busConnections(engine, 'core'),
          ...(has('busy') ? { busy: 'busy' } : {}),
          ...(has('led') ? { led: 'engine_led' } : {}),
        },
        spec.parameters?.(config) ?? {},
      );
      core.blank();
      // Bus signals the engine leaves out: what the core would drive reads 0, what the link drives is unused.
      const unused: string[] = [];
      for (const [name, signal] of Object.entries(LINK_BUS) as [LinkBusSignal, { width: number; driver: string }][]) {
        if (name === 'id_addr' || name === 'id_data' || name === 'line_error' || name === 'link_idle' || has(name))
          continue;
        if (signal.driver === 'core') core.assign(name, `${signal.width}'d0`);
        else unused.push(name);
      }
      if (!has('busy')) core.assign('busy', "1'b0");
      if (!has('led')) core.assign('engine_led', "1'b0");
      core.assign('leds', '{line_error, engine_led}');
      core.assign('idle', 'link_idle && !busy');
      if (unused.length) core.body(`wire unused_bits = &{1'b0, ${unused.join(', ')}};`);
      return {
        core,
        submodules: [rom],
        cells,
        includes: { [mapFile]: verilogInclude(spec.contract, `the ${spec.name} contract`) },
      };
    },
  };

  const runCheck = async (elaborated: Elaborated, target: BoardTarget, seed: number) => {
    const ownElaborated = elaborated as Elaborated<OwnConfig<Config>>;
    return withBoard(ownElaborated, target, async (session) => {
      const board = new TypedBoard(session, spec.contract);
      await board.checkId();
      return spec.check(board, { config: ownElaborated.config, seed });
    });
  };
  const registered = registerDesign(design, (elaborated, options) =>
    runCheck(elaborated, { kind: 'virtual', netlist: options.netlist }, options.seed ?? 1),
  );
  return { ...registered, contract: spec.contract, runCheck, [OWN_DESIGN]: true } as OwnDesign<C>;
}

/** Whether a module's export is a design made by `defineDesign` (of this or another copy of spinbit). */
export function isOwnDesign(value: unknown): value is OwnDesign {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[OWN_DESIGN] === true;
}
