/**
 * The loopback design's self-check in Verilator: the core-level RTL (exactly what goes inside the board
 * wrapper) receives random bytes from a simulated host whose baud rate is off by `rateError`, and every
 * byte must come back, decoded by that same host, with the error LED dark.
 */
import type { Elaborated } from '../design.ts';
import { decodeUart, encodeUart } from '../../../sim/uart.ts';
import { VectorSim } from '../../../sim/vectors.ts';
import type { LoopbackConfig } from './index.ts';

export interface LoopbackCheckOptions {
  bytes?: number;
  seed?: number;
  /** The host's baud error relative to the FPGA (default +2 %: the host sends slightly fast). */
  rateError?: number;
}

export interface LoopbackCheckResult {
  bytesSent: number;
  bytesEchoed: number;
  cycles: number;
  baud: number;
  clocksPerBit: number;
  rateError: number;
  seed: number;
}

export async function checkLoopback(elaborated: Elaborated<LoopbackConfig>, options: LoopbackCheckOptions = {}): Promise<LoopbackCheckResult> {
  const { clocksPerBit, baud, fifoDepth } = elaborated.config;
  const count = options.bytes ?? 1000;
  const seed = options.seed ?? 1;
  const rateError = options.rateError ?? 0.02;
  const sim = await VectorSim.create({
    sources: elaborated.coreSources,
    top: elaborated.coreTop,
    inputs: [{ name: 'rst', width: 1 }, { name: 'uart_rx', width: 1 }],
    outputs: [{ name: 'uart_tx', width: 1 }, { name: 'leds', width: 2 }],
  });

  // xorshift32 stimulus: reproducible from the seed alone.
  let state = seed >>> 0 || 1;
  const sent: number[] = [];
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    sent.push(state & 0xff);
  }
  const resetCycles = 8;
  const segments = encodeUart(sent.map((byte) => ({ byte })), { clocksPerBit, rateError, leadingIdleBits: 4 });
  // Time for the echo of whatever is still queued in the FIFO when the host stops sending.
  const drainCycles = (Math.min(count, fifoDepth + 1) + 2) * 11 * clocksPerBit;
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
          `loopback echo mismatch at ${baud} baud (${clocksPerBit} clocks/bit, host ${rateError * 100} % off, seed ${seed}): ` +
            `sent ${sent.length} bytes, got ${echoed.length} back; first difference at byte ${firstDifference >= 0 ? firstDifference : echoed.length}`,
        );
      }
      const errorLed = trace.waveform('leds').some(([cycle, value]) => cycle >= resetCycles && (value & 2n) !== 0n);
      if (errorLed) throw new Error('loopback error LED lit: the core saw a framing error or a FIFO overflow');
      return { bytesSent: sent.length, bytesEchoed: echoed.length, cycles: trace.cycles, baud, clocksPerBit, rateError, seed };
    },
    { randomResetSeed: seed, name: `loopback-${elaborated.board.name}` },
  );
}
