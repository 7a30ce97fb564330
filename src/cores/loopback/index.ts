/**
 * loopback: the smallest design on the link, proving the whole spine on every board. Behind the link it
 * has a few registers (an id, a scratch register, a stream generator, a lock that makes memory commands
 * answer BUSY), one scratch memory (SPRAM on the UP5K, block RAM elsewhere) and a byte stream. LED 0 is a
 * heartbeat (about 1 Hz), LED 1 lights after a UART framing error or an rx overflow.
 */
import { ebrBits, type Board } from '../../boards/index.ts';
import type { ClockPlan } from '../../boards/wrapper.ts';
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
import { syncFifo, uartRx, uartTx } from '../../hdl/cells.ts';
import { hitName, registerBank, storageName } from '../../link/register-bank.ts';
import { loopbackContract } from './contract.ts';
import type { Design, DesignOptions } from '../../design/design.ts';
import { checkEchoFits, ECHO_FIFO_DEPTH, generateEcho, type EchoConfig } from './echo.ts';
import { uartDivisor } from '../../link/uart-timing.ts';

export { loopbackContract } from './contract.ts';

export type LoopbackConfig = LinkLoopbackConfig | EchoConfig;

export interface LinkLoopbackConfig {
  mode: 'link';
  link: LinkConfig;
  scratchWords: number;
  /** Scratch storage: SPRAM on devices that have it, block RAM otherwise. */
  scratchIn: 'spram' | 'ebr';
  heartbeatBits: number;
}

/** Default scratch size: 64 KiB in SPRAM on the UP5K, what the block RAM leaves room for elsewhere. */
function defaultScratchWords(board: Board): number {
  if (board.resources.spram > 0) return 32768;
  return board.resources.ebr >= 32 ? 4096 : 1024;
}

/** Block RAM bits the link itself takes (whole 4 Kbit blocks). */
function linkEbrBits(link: LinkConfig): number {
  return linkEbrBlocks(link) * 4096;
}

export const loopback: Design<LoopbackConfig> = {
  name: 'loopback',
  summary: 'the link with registers, a scratch memory and a test stream (or a plain UART echo); LED heartbeat',
  options: [
    {
      name: 'mode',
      type: 'choice',
      choices: ['link', 'echo'],
      description:
        'link: the framed protocol with registers, memory and stream; echo: plain UART echo through a FIFO ' +
        '(default: link, on every board — the HX1K included)',
    },
    {
      name: 'clock-mhz',
      type: 'number',
      description: 'core clock in MHz; a PLL makes it when it differs from the board clock (default: board clock)',
    },
    { name: 'baud', type: 'integer', description: 'UART baud rate', defaultValue: DEFAULT_BAUD },
    {
      name: 'scratch-words',
      type: 'integer',
      description:
        'scratch memory size in 16-bit words, a power of two (default: 32768 on UP5K, 4096 on HX8K, 1024 on HX1K)',
    },
  ],

  coreClockMHz(options: DesignOptions, board: Board): number {
    return (options['clock-mhz'] as number | undefined) ?? board.clock.mhz;
  },

  configure(options: DesignOptions, board: Board, clock: ClockPlan): LoopbackConfig {
    const mode = (options.mode as string | undefined) ?? 'link';
    const baud = (options.baud as number | undefined) ?? DEFAULT_BAUD;
    const heartbeatBits = Math.ceil(Math.log2(clock.mhz * 1e6));
    if (mode === 'echo') {
      if (options['scratch-words'] !== undefined) throw new UserError('--scratch-words applies to --mode link only');
      checkEchoFits(ECHO_FIFO_DEPTH, board);
      return {
        mode: 'echo',
        baud,
        clocksPerBit: uartDivisor(clock.mhz, baud),
        fifoDepth: ECHO_FIFO_DEPTH,
        heartbeatBits,
      };
    }
    const scratchWords = (options['scratch-words'] as number | undefined) ?? defaultScratchWords(board);
    if (!(scratchWords >= 2 && Number.isInteger(Math.log2(scratchWords)))) {
      throw new UserError(`--scratch-words must be a power of two ≥ 2, got ${scratchWords}`);
    }
    const full = linkConfig(clock, baud, loopbackContract, { scratch: { wordBytes: 2, depth: scratchWords } });
    // The HX1K (1280 cells) places the link only just: a 256-byte stream buffer (one pointer bit less each side)
    // is what leaves room for the wrapper's reset hold.
    const link = board.resources.lc < 2000 ? { ...full, streamBufferLog2: 8 } : full;
    const scratchBits = scratchWords * 16;
    const scratchIn = board.resources.spram > 0 ? 'spram' : 'ebr';
    if (scratchIn === 'spram') {
      const spramBits = board.resources.spram * 16384 * 16;
      if (scratchBits > spramBits) {
        throw new UserError(
          `--scratch-words ${scratchWords} needs ${scratchBits} bits ` +
            `but ${board.title} has ${spramBits} bits of SPRAM ` +
            `(${board.resources.spram} × 256 Kbit): over by ${scratchBits - spramBits} bits`,
        );
      }
    } else {
      const available = ebrBits(board) - linkEbrBits(link);
      if (scratchBits > available) {
        throw new UserError(
          `--scratch-words ${scratchWords} needs ${scratchBits} bits of block RAM ` +
            `but ${board.title} has ${available} left ` +
            `after the link (${ebrBits(board)} in ${board.resources.ebr} EBR): over by ${scratchBits - available} bits`,
        );
      }
    }
    return { mode: 'link', link, scratchWords, scratchIn, heartbeatBits };
  },

  generate(config: LoopbackConfig, _board, context) {
    if (config.mode === 'echo')
      return { core: generateEcho(config), submodules: [], cells: [uartRx, syncFifo, uartTx] };
    const identity = identityBytes('loopback', context.configHash, context.clock, config.link);
    const scratchBits = Math.log2(config.scratchWords);
    const core = new Module('loopback_core', [
      'loopback_core: the serial link with registers, a scratch memory and a generated byte stream.',
      `Registers: src/cores/loopback/contract.ts (docs/protocol.md).`,
      `Memory 0: scratch, ${config.scratchWords} × 16 bit in ${config.scratchIn === 'spram' ? 'SPRAM' : 'block RAM'}.`,
      'leds[0] is a heartbeat; leds[1] latches a link line error (framing error or rx overflow).',
    ]);
    core
      .localparam('SCRATCH_BITS', scratchBits, `${config.scratchWords} words`)
      .localparam('HEARTBEAT_BITS', config.heartbeatBits, 'top bit toggles about once a second');
    declareLinkCore(
      core,
      {
        leds: '[0] heartbeat, [1] link line error (active high)',
        idle: 'nothing in flight: the virtual board may stop the clock',
      },
      config.link,
      ['reg_rdata', 'mem_ack'],
    );
    core
      .reg('scratch_read', 16, 'scratch output register')
      .reg('stream_next', 8)
      .reg('stream_left', 32, 'bytes still to generate')
      .reg('heartbeat', config.heartbeatBits, 'free-running counter')
      .blank();

    registerBank(core, loopbackContract, {
      STREAM_COUNT: 'stream_left',
      HEARTBEAT: `{{(32 - HEARTBEAT_BITS){1'b0}}, heartbeat}`,
    });
    core.blank();
    const rom = instantiateLink(core, config.link, identity, storageName('LOCK'));
    core.blank();
    core.body(`
      // Scratch memory: one port shared by link reads and writes. Written as "write, else read" so that
      // yosys maps it to SPRAM on the UP5K (block RAM elsewhere); the link waits for mem_ack.
      reg [15:0] scratch [0:(1 << SCRATCH_BITS) - 1];
      always @(posedge clk) begin
          if (mem_write) scratch[mem_addr[SCRATCH_BITS-1:0]] <= mem_wdata[15:0];
          else           scratch_read <= scratch[mem_addr[SCRATCH_BITS-1:0]];
          mem_ack <= mem_write || mem_read;
      end
      assign mem_rdata = {16'd0, scratch_read};

      // Stream generator: writing STREAM_COUNT = N queues the bytes seed, seed+1, … into the link's stream.
      assign stream_valid = (stream_left != 32'd0);
      assign stream_data  = stream_next;
      always @(posedge clk) begin
          if (rst) begin
              stream_left <= 32'd0;
              stream_next <= 8'd0;
          end else if (reg_write && ${hitName('STREAM_COUNT')}) begin
              stream_left <= reg_wdata;
              stream_next <= ${storageName('STREAM_SEED')};
          end else if (stream_valid && stream_ready) begin
              stream_left <= stream_left - 32'd1;
              stream_next <= stream_next + 8'd1;
          end
      end

      always @(posedge clk) begin
          if (rst) heartbeat <= {HEARTBEAT_BITS{1'b0}};
          else     heartbeat <= heartbeat + 1'b1;
      end

      assign leds = {line_error, heartbeat[HEARTBEAT_BITS-1]};
      assign idle = link_idle && !stream_valid;

      // Upper address and data bits are not used by a ${config.scratchWords}-word, 16-bit memory.
      wire unused_bits = &{1'b0, mem_sel, mem_addr[23:SCRATCH_BITS], mem_wdata[31:16]};
    `);
    return { core, submodules: [rom], cells: LINK_CELLS };
  },
};
