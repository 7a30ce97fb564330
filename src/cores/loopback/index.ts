/**
 * loopback: the smallest design that exercises the whole spine. Bytes received on the UART go through a
 * block-RAM FIFO straight back out; LED 0 blinks (heartbeat, about 1 Hz), LED 1 lights after a framing
 * error or a FIFO overflow. It proves clocking, pins, the UART cells and the FIFO on every board.
 */
import { ebrBits, type Board } from '../../boards/index.ts';
import type { ClockPlan } from '../../boards/wrapper.ts';
import { syncFifo, uartRx, uartTx } from '../../hdl/cells.ts';
import { Module } from '../../hdl/module.ts';
import { UserError } from '../../errors.ts';
import type { Design, DesignOptions } from '../design.ts';
import { uartDivisor } from '../uart-timing.ts';
import { checkLoopback } from './check.ts';

export interface LoopbackConfig {
  baud: number;
  /** Core clock cycles per UART bit. */
  clocksPerBit: number;
  fifoDepth: number;
  /** Heartbeat counter width: its top bit toggles every 2^(bits-1) cycles. */
  heartbeatBits: number;
}

export const DEFAULT_BAUD = 1_000_000;
export const DEFAULT_FIFO_DEPTH = 512;

export const loopback: Design<LoopbackConfig> = {
  name: 'loopback',
  summary: 'UART echo through a block-RAM FIFO, LED heartbeat and error LED',
  options: [
    { name: 'clock-mhz', type: 'number', description: 'core clock in MHz; a PLL makes it when it differs from the board clock (default: board clock)' },
    { name: 'baud', type: 'integer', description: 'UART baud rate', defaultValue: DEFAULT_BAUD },
    { name: 'fifo-depth', type: 'integer', description: 'echo FIFO depth in bytes, a power of two', defaultValue: DEFAULT_FIFO_DEPTH },
  ],

  coreClockMHz(options: DesignOptions, board: Board): number {
    return options['clock-mhz'] ?? board.clock.mhz;
  },

  configure(options: DesignOptions, board: Board, clock: ClockPlan): LoopbackConfig {
    const baud = options.baud ?? DEFAULT_BAUD;
    const fifoDepth = options['fifo-depth'] ?? DEFAULT_FIFO_DEPTH;
    const clocksPerBit = uartDivisor(clock.mhz, baud);
    if (!(fifoDepth >= 2 && Number.isInteger(Math.log2(fifoDepth)))) {
      throw new UserError(`--fifo-depth must be a power of two ≥ 2, got ${fifoDepth}`);
    }
    const fifoBits = fifoDepth * 8;
    if (fifoBits > ebrBits(board)) {
      throw new UserError(
        `--fifo-depth ${fifoDepth} needs ${fifoBits} bits of block RAM but ${board.title} has ${ebrBits(board)} ` +
          `(${board.resources.ebr} EBR × 4096): over by ${fifoBits - ebrBits(board)} bits; largest depth that fits is ` +
          `${2 ** Math.floor(Math.log2(ebrBits(board) / 8))}`,
      );
    }
    return { baud, clocksPerBit, fifoDepth, heartbeatBits: Math.ceil(Math.log2(clock.mhz * 1e6)) };
  },

  async selfCheck(elaborated, options) {
    return { ...(await checkLoopback(elaborated, { seed: options.seed })) };
  },

  generate(config: LoopbackConfig) {
    const core = new Module('loopback_core', [
      'loopback_core: echoes every byte received on uart_rx back on uart_tx through a FIFO.',
      'leds[0] is a heartbeat; leds[1] latches a UART framing error or a FIFO overflow until reset.',
    ]);
    core
      .localparam('CLKS_PER_BIT', config.clocksPerBit, `core clock cycles per bit at ${config.baud} baud`)
      .localparam('FIFO_DEPTH_LOG2', Math.log2(config.fifoDepth), `${config.fifoDepth}-byte echo FIFO`)
      .localparam('HEARTBEAT_BITS', config.heartbeatBits, 'top bit toggles about once a second');
    core
      .input('clk')
      .input('rst', 1, 'synchronous, active high')
      .input('uart_rx', 1, 'serial in, idle high')
      .output('uart_tx', 1, 'serial out, idle high')
      .output('leds', 2, '[0] heartbeat, [1] error seen (active high)');

    core
      .wire('rx_data', 8)
      .wire('rx_valid', 1, 'strobe: rx_data holds a new byte')
      .wire('rx_frame_error', 1, 'strobe: stop bit was low')
      .wire('fifo_in_ready', 1, 'low when the FIFO is full; a byte arriving then is lost')
      .wire('tx_data', 8)
      .wire('tx_valid')
      .wire('tx_ready')
      .reg('heartbeat', config.heartbeatBits, 'free-running counter')
      .reg('error_seen', 1, 'sticky until reset')
      .blank();

    core.instance(uartRx, 'u_rx', { clk: 'clk', rst: 'rst', rx: 'uart_rx', data: 'rx_data', valid: 'rx_valid', frame_error: 'rx_frame_error' }, { CLKS_PER_BIT: 'CLKS_PER_BIT' });
    core.blank();
    core.instance(
      syncFifo,
      'u_fifo',
      { clk: 'clk', rst: 'rst', in_data: 'rx_data', in_valid: 'rx_valid', in_ready: 'fifo_in_ready', out_data: 'tx_data', out_valid: 'tx_valid', out_ready: 'tx_ready' },
      { WIDTH: 8, DEPTH_LOG2: 'FIFO_DEPTH_LOG2' },
    );
    core.blank();
    core.instance(uartTx, 'u_tx', { clk: 'clk', rst: 'rst', data: 'tx_data', valid: 'tx_valid', ready: 'tx_ready', tx: 'uart_tx' }, { CLKS_PER_BIT: 'CLKS_PER_BIT' });
    core.blank();
    core.body(`
      always @(posedge clk) begin
          if (rst) begin
              heartbeat  <= {HEARTBEAT_BITS{1'b0}};
              error_seen <= 1'b0;
          end else begin
              heartbeat <= heartbeat + 1'b1;
              if (rx_frame_error || (rx_valid && !fifo_in_ready)) error_seen <= 1'b1;
          end
      end

      assign leds = {error_seen, heartbeat[HEARTBEAT_BITS-1]};
    `);
    return { core, submodules: [], cells: [uartRx, syncFifo, uartTx] };
  },
};
