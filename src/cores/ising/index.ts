/**
 * The Ising design: hdl/ising_engine.v behind the link, with the lane generator and the statistics adder
 * trees generated here. Options are validated against the board before anything is generated: a lattice
 * that does not fit the block RAM fails with the numbers.
 */
import type { Board } from '../../boards/index.ts';
import { Module } from '../../hdl/module.ts';
import { UserError } from '../../errors.ts';
import {
  linkEbrBlocks,
  declareLinkCore,
  identityBytes,
  instantiateLink,
  LINK_CELLS,
  linkConfig,
  DEFAULT_BAUD,
  type LinkConfig,
} from '../../link/generate.ts';
import type { Design, DesignOptions } from '../../design/design.ts';
import { packFields, verilogInclude } from '../../link/contract.ts';
import { busConnections } from '../../link/bus.ts';
import { isingContract } from './contract.ts';
import { validateIsingConfig, type IsingConfig } from './config.ts';
import { laneRngModule, rngBankModule } from './rng-rtl.ts';
import { CHUNK_CHOICES, lanesPerBank } from './rng.ts';
import {
  isingEngineCell,
  isingExchangeCell,
  dspAccumulatorCell,
  isingMeasureCell,
  serialMultiplierCell,
  statsLatency,
  statsModule,
} from './rtl.ts';

export interface IsingDesignConfig extends IsingConfig {
  /** Thresholds stored per replica: metropolis (2, no field), symmetric (5, no field) or full (10, field). */
  mode: IsingMode;
  field: boolean;
  chunkBits: number;
  link: LinkConfig;
}

export type IsingMode = 'metropolis' | 'symmetric' | 'full';
export const MODE_CODES: Record<IsingMode, number> = { metropolis: 0, symmetric: 1, full: 2 };

export { isingContract } from './contract.ts';

/** The SHAPE register's value for a config: the contract's fields, packed (the engine gets it as a parameter). */
export function shapeValue(config: IsingDesignConfig): number {
  return packFields(isingContract.fields.SHAPE, {
    L_LOG2: Math.log2(config.size),
    P_LOG2: Math.log2(config.lanes),
    R: config.replicas,
    MODE: MODE_CODES[config.mode],
    CHUNK: config.chunkBits,
  });
}

/** Spins per host word of the lattice memory. */
export function hostWordBits(lanes: number): number {
  return Math.min(lanes, 16);
}

/** Block RAMs (4 Kbit: 256×16, 512×8, 1024×4, 2048×2) for a memory of `depth` words of `width` bits. */
export function ebrBlocks(width: number, depth: number): number {
  const shapes = [
    [16, 256],
    [8, 512],
    [4, 1024],
    [2, 2048],
  ] as const;
  return Math.min(...shapes.map(([w, d]) => Math.ceil(width / w) * Math.ceil(depth / d)));
}

/** Words of the replica-exchange memory (hdl/ising_exchange.v): 32 per neighbouring pair, one energy per replica. */
export function exchangeWords(replicas: number): number {
  return replicas > 1 ? 32 * (replicas - 1) + replicas : 0;
}

/** Byte-wide bit planes of bin sums per temperature slot in the measurement unit (hdl/ising_measure.v). */
export const MEASURE_PLANES_PER_SLOT = 128;

/**
 * Block RAMs of the engine: two colour memories, the window's two delay lines when a row is ≥ 2 words, and the
 * measurement unit's bin sums.
 */
export function latticeEbrBlocks(config: IsingConfig): number {
  const wordsPerColour = (config.replicas * config.size * config.size) / 2 / config.lanes;
  const wordsPerRow = config.size / 2 / config.lanes;
  return (
    2 * ebrBlocks(config.lanes, wordsPerColour) +
    (wordsPerRow >= 2 ? 2 * ebrBlocks(config.lanes, wordsPerRow) : 0) +
    ebrBlocks(8, config.replicas * MEASURE_PLANES_PER_SLOT) +
    (config.replicas > 1 ? ebrBlocks(32, exchangeWords(config.replicas)) : 0)
  );
}

export const ising: Design<IsingDesignConfig> = {
  name: 'ising',
  summary: 'checkerboard Metropolis / heat-bath engine for the 2D Ising model: P lanes, runtime flip tables, replicas',
  exampleOptions: '--board icebreaker --L 256 --lanes 32 --rng-bits 8 --clock-mhz 16',
  options: [
    { name: 'L', type: 'integer', description: 'lattice side, a power of two from 8 to 1024', defaultValue: 64 },
    {
      name: 'lanes',
      type: 'integer',
      description: 'spin updates per clock, a power of two from 2 to L/2 (default min(16, L/2))',
    },
    {
      name: 'algorithm',
      type: 'choice',
      choices: ['metropolis', 'heatbath'],
      description: 'update rule the engine is built for',
      defaultValue: 'metropolis',
    },
    {
      name: 'field',
      type: 'choice',
      choices: ['off', 'on'],
      description: 'external field support (stores all 10 thresholds per replica: more logic)',
      defaultValue: 'off',
    },
    {
      name: 'replicas',
      type: 'integer',
      description: 'lattices swept in turn, each with its own table (replica exchange)',
      defaultValue: 1,
    },
    {
      name: 'rng-bits',
      type: 'choice',
      choices: CHUNK_CHOICES.map(String),
      description:
        'random bits per lane per clock: 12 (two comparison levels) ' +
        'or 8 (three levels, fewer logic cells, more tie clocks)',
      defaultValue: '12',
    },
    {
      name: 'clock-mhz',
      type: 'number',
      description: 'core clock in MHz; a PLL makes it when it differs from the board clock (default: board clock)',
    },
    { name: 'baud', type: 'integer', description: 'UART baud rate', defaultValue: DEFAULT_BAUD },
  ],

  coreClockMHz(options: DesignOptions, board: Board): number {
    return (options['clock-mhz'] as number | undefined) ?? board.clock.mhz;
  },

  configure(options, board, clock): IsingDesignConfig {
    const base = validateIsingConfig({
      size: options.L as number | undefined,
      lanes: options.lanes as number | undefined,
      algorithm: options.algorithm as string | undefined,
      replicas: options.replicas as number | undefined,
    });
    if (base.lanes < 2) throw new UserError(`--lanes must be at least 2, got ${base.lanes}`);
    const chunkBits = Number((options['rng-bits'] as string | undefined) ?? '12');
    if (base.lanes > 32 * lanesPerBank(chunkBits)) {
      throw new UserError(
        `--lanes ${base.lanes} exceeds ${32 * lanesPerBank(chunkBits)}, ` +
          `what the generator serves with ${chunkBits}-bit chunks`,
      );
    }
    if (base.replicas > 255) throw new UserError(`--replicas must be at most 255, got ${base.replicas}`);
    const field = ((options.field as string | undefined) ?? 'off') === 'on';
    const mode: IsingMode = field ? 'full' : base.algorithm === 'heatbath' ? 'symmetric' : 'metropolis';
    const baud = (options.baud as number | undefined) ?? DEFAULT_BAUD;
    const hostBits = hostWordBits(base.lanes);
    const lattice = {
      wordBytes: (hostBits > 8 ? 2 : 1) as 1 | 2,
      depth: (base.replicas * base.size * base.size) / hostBits,
    };
    const table = isingContract.registers.TABLE;
    const link = linkConfig(
      clock,
      baud,
      isingContract,
      { lattice },
      { TABLE: table.stride * base.replicas, PLACE: base.replicas, EXCHANGE: exchangeWords(base.replicas) },
    );
    const needed = latticeEbrBlocks(base);
    const available = board.resources.ebr - linkEbrBlocks(link);
    if (needed > available) {
      const bits = base.replicas * base.size * base.size;
      throw new UserError(
        `L=${base.size} × ${base.replicas} replica(s) with ${base.lanes} lanes needs ${needed} block RAMs ` +
          `(lattice: ${bits} bits, plus the neighbour window and the bin sums) but ` +
          `${board.title} has ${available} left after the link (${board.resources.ebr} × 4 Kbit): ` +
          `over by ${needed - available} blocks ` +
          `(${(needed - available) * 4096} bits)`,
      );
    }
    return { ...base, mode, field, chunkBits, link };
  },

  generate(config, board, context) {
    const identity = identityBytes('ising', context.configHash, context.clock, config.link);
    const bank = rngBankModule();
    const rng = laneRngModule(config.lanes, bank, config.chunkBits);
    const stats = statsModule(config.lanes);
    const core = new Module('ising_core', [
      `ising_core: L = ${config.size}, ${config.lanes} lanes, ${config.replicas} replica(s), ` +
        `${config.mode} table, ${config.chunkBits}-bit chunks.`,
      'The engine (hdl/ising_engine.v) behind the serial link: registers, the lattice as memory 0, a stream of',
      'per-sweep records. leds[0] lights while the engine runs, leds[1] latches a link line error.',
    ]);
    declareLinkCore(
      core,
      {
        leds: '[0] running, [1] link line error (active high)',
        idle: 'nothing in flight and the engine stopped: the virtual board may stop the clock',
      },
      config.link,
      [],
    );
    core.wire('busy').wire('running').blank();
    const rom = instantiateLink(core, config.link, identity, 'busy');
    core.blank();
    core.instance(
      isingEngineCell,
      'u_engine',
      { clk: 'clk', rst: 'rst', ...busConnections(isingEngineCell, 'core'), busy: 'busy', running: 'running' },
      {
        L_LOG2: Math.log2(config.size),
        P_LOG2: Math.log2(config.lanes),
        R: config.replicas,
        R_BITS: Math.max(1, Math.ceil(Math.log2(config.replicas))),
        MODE: MODE_CODES[config.mode],
        CHUNK: config.chunkBits,
        STATS_LATENCY: statsLatency(config.lanes),
        // The UP5K's DSP blocks hold the four 32-bit counters and the two sweep sums; the HX parts have none.
        DSP_COUNTERS: board.device === 'up5k' ? 1 : 0,
        SHAPE: `32'h${shapeValue(config).toString(16)}`,
      },
    );
    core.blank();
    core.assign('leds', '{line_error, running}');
    core.assign('idle', 'link_idle && !busy');
    core.body("wire unused_bits = &{1'b0, mem_sel};");
    return {
      core,
      submodules: [rom, bank, rng, stats],
      cells: [
        ...LINK_CELLS,
        isingEngineCell,
        isingMeasureCell,
        serialMultiplierCell,
        isingExchangeCell,
        dspAccumulatorCell,
      ],
      includes: { 'ising_map.vh': verilogInclude(isingContract, 'src/cores/ising/contract.ts') },
    };
  },
};
