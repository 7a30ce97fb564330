/**
 * The bdcgan design: hdl/bdcgan_engine.v behind the link. Memory 0 is the model memory (the image of
 * image.ts, 16-bit words); registers take z (value and presence words) and start an image for a label; the
 * stream carries the 784 pixels. The model memory must hold the preset's image: `paper` does not fit an iCE40
 * and the build stops with the number of bits it is over by.
 */
import type { Board } from '../../boards/index.ts';
import { Module } from '../../hdl/module.ts';
import { UserError } from '../../errors.ts';
import { declareLinkCore, DEFAULT_BAUD, identityBytes, instantiateLink, LINK_CELLS, linkConfig, type LinkConfig } from '../../link/generate.ts';
import type { Design } from '../design.ts';
import { getPreset, PRESETS, type Architecture } from './arch.ts';
import { imageLayout } from './image.ts';
import { bdcganEngineCell, layersModule, modelAddressBits } from './rtl.ts';

export interface BdcganConfig {
  preset: string;
  arch: Architecture;
  modelWords: number;
  modelBits: number;
  zWords: number;
  link: LinkConfig;
}

export const BdcganRegister = { ID: 0, START: 2, STATUS: 3, MODEL_TAG: 4, Z_VALUE: 16, Z_PRESENT: 32 } as const;
/** "BGAN" */
export const BDCGAN_ID = 0x4247414e;
export const MODEL_MEMORY = 0;
export const IMAGE_BYTES = 784;

export const bdcgan: Design<BdcganConfig> = {
  name: 'bdcgan',
  summary: 'binarized DCGAN generator: XNOR-popcount datapath, threshold batch-norm, weights uploaded over the link',
  exampleOptions: '--board icebreaker --preset mnist-up5k',
  options: [
    { name: 'preset', type: 'choice', choices: Object.keys(PRESETS), description: 'generator architecture', defaultValue: 'mnist-up5k' },
    { name: 'fit', type: 'choice', choices: ['check', 'simulation'], description: 'simulation: skip the model-memory fit check (to simulate presets too large for the board)', defaultValue: 'check' },
    { name: 'clock-mhz', type: 'number', description: 'core clock in MHz (default: board clock)' },
    { name: 'baud', type: 'integer', description: 'UART baud rate', defaultValue: DEFAULT_BAUD },
  ],
  coreClockMHz: (options, board) => (options['clock-mhz'] as number | undefined) ?? board.clock.mhz,

  configure(options, board: Board, clock) {
    const preset = (options.preset as string | undefined) ?? 'mnist-up5k';
    const arch = getPreset(preset);
    const modelWords = imageLayout(arch).words;
    const capacityWords = board.resources.spram > 0 ? board.resources.spram * 16384 : 0;
    if (modelWords > capacityWords && options.fit !== 'simulation') {
      const where = board.resources.spram > 0 ? `${board.resources.spram} SPRAM × 256 Kbit` : 'no SPRAM (block RAM is kept for activations and the link)';
      throw new UserError(
        `the ${preset} generator's weights need ${modelWords * 16} bits of model memory but ${board.title} has ${capacityWords * 16} (${where}): ` +
          `over by ${(modelWords - capacityWords) * 16} bits — use --preset mnist-up5k, or simulate (spinbit run bdcgan --ref)`,
      );
    }
    const zWords = Math.ceil(arch.latent / 16);
    const link = linkConfig(clock, (options.baud as number | undefined) ?? DEFAULT_BAUD, 48, [
      { id: MODEL_MEMORY, name: 'model', wordBytes: 2, depth: modelWords },
    ]);
    return { preset, arch, modelWords, modelBits: modelAddressBits(arch), zWords, link };
  },

  async selfCheck() {
    throw new UserError('the bdcgan self-check comes with `spinbit run bdcgan --sim --check`');
  },

  generate(config, _board, context) {
    const identity = identityBytes('bdcgan', context.configHash, context.clock, config.link);
    const layers = layersModule(config.arch);
    const Z = config.zWords;
    const core = new Module('bdcgan_core', [
      `bdcgan_core: the ${config.preset} generator behind the serial link (docs/bdcgan-model.md).`,
      'Memory 0: the model image (16-bit words). Registers: 0 ID "BGAN", 2 START (write the label), 3 STATUS',
      `(bit 0 busy), 4 MODEL_TAG (host bookkeeping), 16 + i z value word i, 32 + i z presence word i (i < ${Z}).`,
      'The stream carries 784 pixels per image. leds[0] busy, leds[1] link line error.',
    ]);
    declareLinkCore(core, { leds: '[0] busy, [1] link line error (active high)', idle: 'nothing in flight and no image being made' }, { regRdata: true, memAck: true });
    core
      .wire('busy').wire('model_rdata', 16)
      .reg('z_value', Z * 16).reg('z_present', Z * 16).reg('label', 4).reg('start').reg('model_tag', 32).reg('host_read_pending')
      .blank();
    const rom = instantiateLink(core, config.link, identity, 'busy');
    core.blank();
    core.instance(
      bdcganEngineCell,
      'u_engine',
      {
        clk: 'clk', rst: 'rst', model_write: 'mem_write', model_read_host: 'mem_read', model_addr: `mem_addr[${config.modelBits - 1}:0]`,
        model_wdata: 'mem_wdata[15:0]', model_rdata: 'model_rdata', z_value: 'z_value', z_present: 'z_present', label: 'label',
        start: 'start', busy: 'busy', pixel: 'stream_data', pixel_valid: 'stream_valid', pixel_ready: 'stream_ready',
      },
      { MODEL_WORDS: config.modelWords, MODEL_BITS: config.modelBits, Z_WORDS: Z },
    );
    core.body(`
      // Memory commands: writes land in one clock; reads return the word the clock after.
      always @(posedge clk) begin
          host_read_pending <= mem_read;
          mem_ack <= mem_write || host_read_pending;
      end
      assign mem_rdata = {16'd0, model_rdata};

      // Registers: z words, the label and start, a tag the host keeps with the model it uploaded.
      integer i;
      always @(posedge clk) begin
          start <= 1'b0;
          if (rst) begin
              z_value   <= ${Z * 16}'d0;
              z_present <= ${Z * 16}'d0;
              label     <= 4'd0;
              model_tag <= 32'd0;
          end else if (reg_write) begin
              for (i = 0; i < ${Z}; i = i + 1) begin
                  if (reg_addr == 16'd${BdcganRegister.Z_VALUE} + i[15:0])   z_value[i * 16 +: 16]   <= reg_wdata[15:0];
                  if (reg_addr == 16'd${BdcganRegister.Z_PRESENT} + i[15:0]) z_present[i * 16 +: 16] <= reg_wdata[15:0];
              end
              if (reg_addr == 16'd${BdcganRegister.START} && !busy) begin
                  label <= reg_wdata[3:0];
                  start <= 1'b1;
              end
              if (reg_addr == 16'd${BdcganRegister.MODEL_TAG}) model_tag <= reg_wdata;
          end
          if (reg_read) begin
              case (reg_addr)
                  16'd${BdcganRegister.ID}:        reg_rdata <= 32'h${BDCGAN_ID.toString(16)};
                  16'd${BdcganRegister.STATUS}:    reg_rdata <= {31'd0, busy};
                  16'd${BdcganRegister.MODEL_TAG}: reg_rdata <= model_tag;
                  default:          reg_rdata <= 32'd0;
              endcase
          end
      end

      assign leds = {line_error, busy};
      assign idle = link_idle && !busy && !stream_valid;
      wire unused_bits = &{1'b0, mem_sel, mem_addr[23:${config.modelBits}], mem_wdata[31:16]};
    `);
    return { core, submodules: [rom, layers], cells: [...LINK_CELLS, bdcganEngineCell] };
  },
};
