/**
 * What every design (loopback, ising, bdcgan) provides, and `elaborate`, which turns a design + board +
 * user options into the validated config, its hash and the Verilog files — the one source the flow,
 * the simulator and (later) the host all derive from.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Board } from '../boards/index.ts';
import { planPll } from '../boards/pll.ts';
import { boardTop, TOP_NAME, type ClockPlan } from '../boards/wrapper.ts';
import { cellSources, leafCellSource, resetSync, type LeafCell } from '../hdl/cells.ts';
import { emitVerilog } from '../hdl/emit.ts';
import type { Module } from '../hdl/module.ts';
import { UserError } from '../errors.ts';
import { canonicalJson } from '../util/canonical-json.ts';

export { canonicalJson };

export const SPINBIT_VERSION = '0.1.0';

export interface DesignOption {
  /** Option name without dashes, e.g. 'fifo-depth'. */
  name: string;
  description: string;
  /** Shown in --help; absent means "derived" (described in the text). */
  defaultValue?: number | string;
  type: 'integer' | 'number' | 'choice';
  /** For type 'choice'. */
  choices?: string[];
}

/** Parsed CLI / library options: option name → value. */
export type DesignOptions = Record<string, number | string | undefined>;

export interface CoreModules {
  /** The core: standard ports clk, rst, uart_rx, uart_tx, leds. */
  core: Module;
  /** Generated submodules of the core, if any. */
  submodules: Module[];
  /** Leaf cells from hdl/ that the core instantiates. */
  cells: LeafCell[];
  /** Generated Verilog include files (e.g. a hand-written engine's register map), by file name. */
  includes?: Record<string, string>;
}

export interface GenerateContext {
  /** sha256 of the config (hex): goes into the identity block so the host can check what it talks to. */
  configHash: string;
  clock: ClockPlan;
}

export interface Design<Config> {
  name: string;
  summary: string;
  options: DesignOption[];
  /** Options shown in the --help examples (default: --board icebreaker). */
  exampleOptions?: string;
  /** Validates options for a board; throws UserError with the numbers when something cannot work. */
  configure(options: DesignOptions, board: Board, clock: ClockPlan): Config;
  generate(config: Config, board: Board, context: GenerateContext): CoreModules;
  /** Core clock the design wants (MHz), from its options; the board clock when absent. */
  coreClockMHz(options: DesignOptions, board: Board): number;
}

/**
 * A design in the registry (src/cores/index.ts): its generator and its self-check (`spinbit sim`), bound
 * together so the CLI can handle every design alike without knowing its config type.
 */
export interface RegisteredDesign {
  readonly design: Pick<Design<unknown>, 'name' | 'summary' | 'options' | 'exampleOptions'>;
  elaborate(board: Board, options: DesignOptions, context?: ElaborateContext): Promise<ElaboratedDesign>;
}

/** An elaborated design with its self-check bound to it. */
/** How `spinbit sim` checks a design: a stimulus seed; `netlist` runs the routed netlist instead of the RTL. */
export interface SelfCheckOptions {
  seed?: number;
  netlist?: boolean;
}

export interface ElaboratedDesign {
  elaborated: Elaborated;
  /** Co-simulation self-check (Verilator): resolves to a summary of what was checked, rejects naming what differed. */
  selfCheck(options: SelfCheckOptions): Promise<Record<string, unknown>>;
}

export function registerDesign<Config>(
  design: Design<Config>,
  selfCheck: (elaborated: Elaborated<Config>, options: SelfCheckOptions) => Promise<Record<string, unknown>>,
): RegisteredDesign {
  return {
    design,
    async elaborate(board, options, context) {
      const elaborated = await elaborate(design, board, options, context);
      return { elaborated, selfCheck: (checkOptions) => selfCheck(elaborated, checkOptions) };
    },
  };
}

export interface Elaborated<Config = unknown> {
  design: string;
  board: Board;
  config: Config;
  clock: ClockPlan;
  /** sha256 (hex) of the canonical JSON of {design, board, clock, config}. */
  configHash: string;
  /**
   * Core-level sources (what Verilator simulates): generated modules, leaf cells and include files (.vh, read
   * through `include only), by file name.
   */
  coreSources: Record<string, string>;
  coreTop: string;
  /** Board wrapper and the cells only it uses; the full synthesis input is coreSources + these. */
  topSource: Record<string, string>;
  topName: string;
}

export interface ElaborateContext {
  /** Where small caches (PLL answers) live: build/.cache by default. */
  cacheDir?: string;
}

export async function elaborate<Config>(
  design: Design<Config>,
  board: Board,
  options: DesignOptions,
  context: ElaborateContext = {},
): Promise<Elaborated<Config>> {
  for (const [name, value] of Object.entries(options)) {
    const spec = design.options.find((o) => o.name === name);
    if (!spec) {
      throw new UserError(
        `design ${design.name} has no option '--${name}'; ` +
          `options: ${design.options.map((o) => `--${o.name}`).join(', ')}`,
      );
    }
    if (value === undefined) continue;
    if (spec.type === 'choice') {
      if (typeof value !== 'string' || !spec.choices?.includes(value)) {
        throw new UserError(`--${name} must be one of: ${spec.choices?.join(', ')}; got ${value}`);
      }
    } else if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (spec.type === 'integer' && !Number.isInteger(value))
    ) {
      throw new UserError(`--${name} must be ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${value}`);
    }
  }
  const requestedMHz = design.coreClockMHz(options, board);
  const clock: ClockPlan =
    requestedMHz === board.clock.mhz
      ? { boardMHz: board.clock.mhz, mhz: board.clock.mhz }
      : await pllClock(board, requestedMHz, context.cacheDir ?? join('build', '.cache'));
  const config = design.configure(options, board, clock);
  const configHash = hashConfig({ design: design.name, board: board.name, clock, config });
  const header = [
    `Generated by spinbit ${SPINBIT_VERSION}: design ${design.name}, board ${board.name}, ` +
      `config ${configHash.slice(0, 16)}.`,
    'Do not edit: change the design options and regenerate.',
  ];
  const { core, submodules, cells, includes } = design.generate(config, board, { configHash, clock });
  const coreSources: Record<string, string> = { ...includes };
  for (const module of [core, ...submodules]) coreSources[`${module.name}.v`] = emitVerilog(module, { header });
  Object.assign(coreSources, cellSources(new Set(cells)));
  const top = boardTop(board, core, clock);
  return {
    design: design.name,
    board,
    config,
    clock,
    configHash,
    coreSources,
    coreTop: core.name,
    topSource: { [`${TOP_NAME}.v`]: emitVerilog(top, { header }), [resetSync.file]: leafCellSource(resetSync) },
    topName: TOP_NAME,
  };
}

async function pllClock(board: Board, requestedMHz: number, cacheDir: string): Promise<ClockPlan> {
  const pll = await planPll(board.clock.mhz, requestedMHz, cacheDir);
  return { boardMHz: board.clock.mhz, mhz: pll.achievedMHz, pll };
}

export function hashConfig(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
