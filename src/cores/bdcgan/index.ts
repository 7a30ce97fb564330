/**
 * The bdcgan design: hdl/bdcgan_engine.v behind the link. Memory 0 is the model memory (the image of
 * image.ts, 16-bit words), memory 1 the sigmoid table and bias, memory 2 the job slots (z and label of up to 32
 * images); START(n) makes n images, whose 784 pixels each the stream carries. Batching keeps the link busy with
 * pixels instead of per-image register round trips. The model memory must hold the preset's image: `paper` does
 * not fit an iCE40 and the build stops with the number of bits it is over by.
 */
import { BOARDS, type Board } from '../../boards/index.ts';
import { Module } from '../../hdl/module.ts';
import { UserError } from '../../errors.ts';
import {
  declareLinkCore,
  identityBytes,
  instantiateLink,
  LINK_CELLS,
  linkConfig,
  type LinkConfig,
} from '../../link/generate.ts';
import type { Design } from '../../design/design.ts';
import { hitName, registerBank } from '../../link/register-bank.ts';
import { fieldsVerilog } from '../../link/contract.ts';
import { bdcganContract, JOB_SLOTS, JOB_WORDS } from './contract.ts';
import { getPreset, IMAGE_PIXELS, PRESETS, type Architecture } from './arch.ts';
import { imageLayout, TABLE_WORDS, WIDTHS } from './image.ts';
import { activationBits, bdcganEngineCell, layersModule, modelRowBits } from './rtl.ts';

export interface BdcganConfig {
  preset: string;
  arch: Architecture;
  /** Datapath width P: model row and activation word bits. */
  width: number;
  /** 16-bit words of the model memory image. */
  modelWords: number;
  rowBits: number;
  actBits: number;
  zWords: number;
  /** Images per START (job slots). */
  jobs: number;
  link: LinkConfig;
}

export { bdcganContract } from './contract.ts';
/** Pixels stream at 784 bytes per image: the link runs at 3 Mbaud (the FT2232H's safe fast rate) unless told. */
export const BDCGAN_BAUD = 3_000_000;
export const IMAGE_BYTES = IMAGE_PIXELS;
/**
 * The core clock on UP5K boards unless told: 18 MHz from the PLL. The mnist-up5k build closes timing at
 * 22.7 MHz on the iCEBreaker (bench/results.json), so 18 keeps a margin for placement variance, and 3 Mbaud
 * is exactly 6 clocks per bit. Other boards cannot hold a generator's weights; they keep their own clock.
 */
export const UP5K_CLOCK_MHZ = 18;
export { JOB_WORDS } from './contract.ts';
const JOB_BITS = Math.log2(JOB_SLOTS);

export const bdcgan: Design<BdcganConfig> = {
  name: 'bdcgan',
  summary: 'binarized DCGAN generator: XNOR-popcount datapath, threshold batch-norm, weights uploaded over the link',
  exampleOptions: '--board icebreaker --preset mnist-up5k',
  options: [
    {
      name: 'preset',
      type: 'choice',
      choices: Object.keys(PRESETS),
      description: 'generator architecture',
      defaultValue: 'mnist-up5k',
    },
    {
      name: 'width',
      type: 'choice',
      choices: WIDTHS.map(String),
      description: 'datapath width P (weight bits per clock)',
      defaultValue: '64',
    },
    {
      name: 'fit',
      type: 'choice',
      choices: ['check', 'simulation'],
      description: 'simulation: skip the model-memory fit check (to simulate presets too large for the board)',
      defaultValue: 'check',
    },
    {
      name: 'clock-mhz',
      type: 'number',
      description: `core clock in MHz (default: ${UP5K_CLOCK_MHZ} from the PLL on UP5K boards, else the board clock)`,
    },
    { name: 'baud', type: 'integer', description: 'UART baud rate', defaultValue: BDCGAN_BAUD },
  ],
  coreClockMHz: (options, board) =>
    (options['clock-mhz'] as number | undefined) ?? (board.device === 'up5k' ? UP5K_CLOCK_MHZ : board.clock.mhz),

  configure(options, board: Board, clock) {
    const preset = (options.preset as string | undefined) ?? 'mnist-up5k';
    const arch = getPreset(preset);
    const width = Number(options.width ?? 64);
    const layout = imageLayout(arch, width);
    const capacityRows = board.resources.spram > 0 ? (board.resources.spram * 16384 * 16) / width : 0;
    if (layout.rows > capacityRows && options.fit !== 'simulation') {
      const needs =
        `the ${preset} generator's weights need ${layout.rows * width} bits of model memory ` +
        `(${layout.rows} rows of ${width})`;
      if (board.resources.spram === 0) {
        const withSpram = Object.values(BOARDS)
          .filter((b) => b.resources.spram > 0)
          .map((b) => b.name);
        throw new UserError(
          `${needs}, kept in SPRAM, which ${board.title} does not have ` +
            `(its ${board.resources.ebr} block RAMs hold ${board.resources.ebr * 4096} bits): ` +
            `over by ${layout.rows * width} bits — use --board ${withSpram.join(' or ')}, ` +
            'or simulate (spinbit run bdcgan --ref)',
        );
      }
      throw new UserError(
        `${needs} but ${board.title} has ${capacityRows * width} (${board.resources.spram} SPRAM × 256 Kbit): ` +
          `over by ${(layout.rows - capacityRows) * width} bits — ` +
          'use --preset mnist-up5k, or simulate (spinbit run bdcgan --ref)',
      );
    }
    const zWords = Math.ceil(arch.latent / 16);
    if (2 * zWords + 1 > JOB_WORDS)
      throw new UserError(`a latent of ${arch.latent} values does not fit a ${JOB_WORDS}-word job`);
    const jobs = 1 << JOB_BITS;
    const link = linkConfig(clock, (options.baud as number | undefined) ?? BDCGAN_BAUD, bdcganContract, {
      model: { wordBytes: 2, depth: layout.words },
      table: { wordBytes: 2, depth: TABLE_WORDS },
      jobs: { wordBytes: 2, depth: jobs * JOB_WORDS },
    });
    return {
      preset,
      arch,
      width,
      modelWords: layout.words,
      rowBits: modelRowBits(arch, width),
      actBits: activationBits(arch, width),
      zWords,
      jobs,
      link,
    };
  },

  generate(config, _board, context) {
    const identity = identityBytes('bdcgan', context.configHash, context.clock, config.link);
    const layers = layersModule(config.arch, config.width);
    const laneBits = Math.log2(config.width / 16);
    const core = new Module('bdcgan_core', [
      `bdcgan_core: the ${config.preset} generator (datapath width ${config.width}) ` +
        'behind the serial link (docs/bdcgan-model.md).',
      'Registers, memories (model image, sigmoid table and bias, jobs) and stream: src/cores/bdcgan/contract.ts',
      '(docs/bdcgan-model.md). leds[0] busy, leds[1] link line error.',
    ]);
    declareLinkCore(
      core,
      { leds: '[0] busy, [1] link line error (active high)', idle: 'nothing in flight and no image being made' },
      config.link,
      ['reg_rdata', 'mem_ack'],
    );
    core
      .wire('busy')
      .wire('running')
      .reg('clocks', 32)
      .wire('model_rdata', 16)
      .wire('table_rdata', 16)
      .wire('job_rdata', 16)
      .reg('start')
      .reg('job_count', JOB_BITS + 1)
      .reg('host_read_pending')
      .reg('read_sel', 2)
      .reg('read_data', 16)
      .blank();
    registerBank(
      core,
      bdcganContract,
      { STATUS: fieldsVerilog(bdcganContract.fields.STATUS, { BUSY: 'busy' }), CLOCKS: 'clocks' },
      ['MEM_MODEL', 'MEM_TABLE', 'MEM_JOBS'],
    );
    core.blank();
    const rom = instantiateLink(core, config.link, identity, 'busy');
    core.blank();
    const select = (memory: string) => `mem_sel == MEM_${memory}`;
    core.instance(
      bdcganEngineCell,
      'u_engine',
      {
        clk: 'clk',
        rst: 'rst',
        model_write: `mem_write && ${select('MODEL')}`,
        model_read: `mem_read && ${select('MODEL')}`,
        model_addr: `mem_addr[${config.rowBits + laneBits - 1}:0]`,
        model_wdata: 'mem_wdata[15:0]',
        model_rdata: 'model_rdata',
        table_write: `mem_write && ${select('TABLE')}`,
        table_read: `mem_read && ${select('TABLE')}`,
        table_addr: 'mem_addr[9:0]',
        table_wdata: 'mem_wdata[15:0]',
        table_rdata: 'table_rdata',
        job_write: `mem_write && ${select('JOBS')}`,
        job_read: `mem_read && ${select('JOBS')}`,
        job_addr: `mem_addr[${JOB_BITS + 3}:0]`,
        job_wdata: 'mem_wdata[15:0]',
        job_rdata: 'job_rdata',
        start: 'start',
        job_count: 'job_count',
        busy: 'busy',
        running: 'running',
        pixel: 'stream_data',
        pixel_valid: 'stream_valid',
        pixel_ready: 'stream_ready',
      },
      {
        P: config.width,
        LANE_BITS: laneBits,
        ROW_BITS: config.rowBits,
        ACT_BITS: config.actBits,
        Z_WORDS: config.zWords,
        JOB_BITS,
      },
    );
    const readMux =
      '(read_sel == MEM_MODEL[1:0]) ? model_rdata : (read_sel == MEM_TABLE[1:0]) ? table_rdata : job_rdata';
    const countInRange = `reg_wdata[15:0] != 16'd0 && reg_wdata[15:0] <= 16'd${config.jobs}`;
    const unusedAddrLow = Math.max(config.rowBits + laneBits, JOB_BITS + 4);
    core.body(`
      // Memory commands (only while idle: the host waits for STATUS): writes land in one clock; a read's
      // word is taken from the selected memory the clock after.
      always @(posedge clk) begin
          host_read_pending <= mem_read;
          read_sel <= mem_sel[1:0];
          mem_ack <= mem_write || host_read_pending;
          if (host_read_pending)
              read_data <= ${readMux};
      end
      assign mem_rdata = {16'd0, read_data};

      // START(n) and CLOCKS (engine clocks since the last START: the hardware cost of a batch, for benchmarks);
      // the other registers are the generated bank's.
      always @(posedge clk) begin
          start <= 1'b0;
          if (start) clocks <= 32'd0;
          else if (running) clocks <= clocks + 32'd1;
          if (!rst && reg_write && ${hitName('START')} && !busy && ${countInRange}) begin
              job_count <= reg_wdata[${JOB_BITS}:0];
              start <= 1'b1;
          end
      end

      assign leds = {line_error, busy};
      assign idle = link_idle && !busy && !stream_valid;
      wire unused_bits = &{1'b0, mem_sel[7:2], mem_addr[23:${unusedAddrLow}], mem_wdata[31:16]};
    `);
    return { core, submodules: [rom, layers], cells: [...LINK_CELLS, bdcganEngineCell] };
  },
};
