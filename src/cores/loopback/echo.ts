/**
 * loopback in echo mode: no protocol, every byte received on the UART goes through a block-RAM FIFO straight
 * back out. It is what fits a device too small for the link (the HX1K: the link needs about 1450 logic cells
 * with loopback's registers, the HX1K has 1280), and it still proves clocking, pins, the UART cells and the
 * FIFO. Its self-check drives the UART pins bit by bit in a vector simulation.
 */
import { ebrBits, type Board } from '../../boards/index.ts';
import { syncFifo, uartRx, uartTx } from '../../hdl/cells.ts';
import { Module } from '../../hdl/module.ts';
import { UserError } from '../../errors.ts';
import { uartParams } from '../../link/uart-timing.ts';
import type { Elaborated } from '../../design/design.ts';
import { decodeUart, encodeUart } from '../../../sim/uart.ts';
import { VectorSim } from '../../../sim/vectors.ts';
import { testBytes } from './test-bytes.ts';

export interface EchoConfig {
  mode: 'echo';
  baud: number;
  clocksPerBit: number;
  fifoDepth: number;
  heartbeatBits: number;
}

export const ECHO_FIFO_DEPTH = 512;

export function checkEchoFits(fifoDepth: number, board: Board): void {
  const fifoBits = fifoDepth * 8;
  if (fifoBits > ebrBits(board)) {
    throw new UserError(
      `echo FIFO of ${fifoDepth} bytes needs ${fifoBits} bits of block RAM but ${board.title} has ${ebrBits(board)} ` +
        `(${board.resources.ebr} EBR × 4096): over by ${fifoBits - ebrBits(board)} bits`,
    );
  }
}

export function generateEcho(config: EchoConfig): Module {
  const core = new Module('loopback_core', [
    'loopback_core (echo mode): echoes every byte received on uart_rx back on uart_tx through a FIFO.',
    'leds[0] is a heartbeat; leds[1] latches a UART framing error or a FIFO overflow until reset.',
  ]);
  const bitTime = uartParams(config.clocksPerBit);
  core
    .localparam('CLKS_PER_BIT', bitTime.CLKS_PER_BIT, `whole core clock cycles per bit at ${config.baud} baud`)
    .localparam('EXTRA_EIGHTHS', bitTime.EXTRA_EIGHTHS, 'and the fraction of a cycle, in eighths')
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
    .wire('unused_fifo_count', Math.log2(config.fifoDepth) + 1, 'not needed here')
    .reg('heartbeat', config.heartbeatBits, 'free-running counter')
    .reg('error_seen', 1, 'sticky until reset')
    .blank();
  core.instance(
    uartRx,
    'u_rx',
    { clk: 'clk', rst: 'rst', rx: 'uart_rx', data: 'rx_data', valid: 'rx_valid', frame_error: 'rx_frame_error' },
    { CLKS_PER_BIT: 'CLKS_PER_BIT', EXTRA_EIGHTHS: 'EXTRA_EIGHTHS' },
  );
  core.blank();
  core.instance(
    syncFifo,
    'u_fifo',
    {
      clk: 'clk',
      rst: 'rst',
      in_data: 'rx_data',
      in_valid: 'rx_valid',
      in_ready: 'fifo_in_ready',
      out_data: 'tx_data',
      out_valid: 'tx_valid',
      out_ready: 'tx_ready',
      count: 'unused_fifo_count',
    },
    { WIDTH: 8, DEPTH_LOG2: 'FIFO_DEPTH_LOG2' },
  );
  core.blank();
  core.instance(
    uartTx,
    'u_tx',
    { clk: 'clk', rst: 'rst', data: 'tx_data', valid: 'tx_valid', ready: 'tx_ready', tx: 'uart_tx' },
    { CLKS_PER_BIT: 'CLKS_PER_BIT', EXTRA_EIGHTHS: 'EXTRA_EIGHTHS' },
  );
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
  return core;
}

export interface EchoCheckOptions {
  bytes?: number;
  seed?: number;
  /** The host's baud error relative to the FPGA (default +2 %: the host sends slightly fast). */
  rateError?: number;
}

/** Random bytes from a host whose baud is off by `rateError` must all come back, error LED dark. */
export async function checkEcho(elaborated: Elaborated<EchoConfig>, options: EchoCheckOptions = {}) {
  const { clocksPerBit, baud, fifoDepth } = elaborated.config;
  const count = options.bytes ?? 1000;
  const seed = options.seed ?? 1;
  const rateError = options.rateError ?? 0.02;
  const sim = await VectorSim.create({
    sources: elaborated.coreSources,
    top: elaborated.coreTop,
    inputs: [
      { name: 'rst', width: 1 },
      { name: 'uart_rx', width: 1 },
    ],
    outputs: [
      { name: 'uart_tx', width: 1 },
      { name: 'leds', width: 2 },
    ],
  });
  const sent = [...testBytes(seed, count)];
  const resetCycles = 8;
  const segments = encodeUart(
    sent.map((byte) => ({ byte })),
    { clocksPerBit, rateError, leadingIdleBits: 4 },
  );
  // Time for the echo of whatever is still queued in the FIFO when the host stops sending.
  const drainCycles = Math.ceil((Math.min(count, fifoDepth + 1) + 2) * 11 * clocksPerBit);
  const steps = [
    { cycles: resetCycles, values: [1, 1] },
    ...segments.map((s) => ({ cycles: s.cycles, values: [0, s.level] })),
    { cycles: drainCycles, values: [0, 1] },
  ];
  return sim.runChecked(
    steps,
    (trace) => {
      const echoed = decodeUart(trace.waveform('uart_tx'), trace.cycles, { clocksPerBit, rateError }).bytes;
      const firstDifference = sent.findIndex((b, i) => echoed[i] !== b);
      if (echoed.length !== sent.length || firstDifference >= 0) {
        throw new Error(
          `loopback echo mismatch at ${baud} baud ` +
            `(${clocksPerBit} clocks/bit, host ${rateError * 100} % off, seed ${seed}): ` +
            `sent ${sent.length} bytes, got ${echoed.length} back; ` +
            `first difference at byte ${firstDifference >= 0 ? firstDifference : echoed.length}`,
        );
      }
      const errorLed = trace.waveform('leds').some(([cycle, value]) => cycle >= resetCycles && (value & 2n) !== 0n);
      if (errorLed) throw new Error('loopback error LED lit: the core saw a framing error or a FIFO overflow');
      return {
        mode: 'echo',
        bytesSent: sent.length,
        bytesEchoed: echoed.length,
        cycles: trace.cycles,
        baud,
        clocksPerBit,
        rateError,
        seed,
      };
    },
    { randomResetSeed: seed, name: `loopback-echo-${elaborated.board.name}` },
  );
}
