/**
 * uart_rx, uart_tx and sync_fifo in real Verilator: random bytes at several divisors (whole and fractional bit
 * times), with the far end's baud rate 2 % slow, exact and 2 % fast, plus framing errors. All lanes share one
 * Verilator build.
 */
import { describe, expect, it } from 'vitest';
import { leafCellSource, syncFifo, uartRx, uartTx } from '../src/hdl/cells.ts';
import { emitVerilog } from '../src/hdl/emit.ts';
import { Module } from '../src/hdl/module.ts';
import { uartParams } from '../src/link/uart-timing.ts';
import { decodeUart, encodeUart, type UartFrame } from '../sim/uart.ts';
import { VectorSim, type Step } from '../sim/vectors.ts';
import { randomBytes, seededRandom } from './helpers.ts';

// 12 and 16: 1 Mbaud at 12 MHz, 3 Mbaud at 48 MHz; 9.625 and 4.125: 3 Mbaud at 28.875 MHz, 12.375 MHz
const DIVISORS = [4, 12, 16, 104, 9.625, 4.125];
const RATE_ERRORS = [-0.02, 0, 0.02];
const RESET_CYCLES = 8;
const LANES = DIVISORS.flatMap((divisor) => RATE_ERRORS.map((rateError) => ({ divisor, rateError })));

/** One lane per (divisor, rate error): rx → 16-byte FIFO → tx, with the rx strobes visible. */
function lanesTestbench(): Module {
  const tb = new Module('uart_lanes_tb', [
    'UART test bench: independent rx → FIFO → tx lanes ' + 'at several divisors.',
  ]);
  tb.input('clk').input('rst');
  LANES.forEach((_, i) => {
    tb.input(`rx_${i}`).output(`tx_${i}`).output(`data_${i}`, 8).output(`valid_${i}`).output(`frame_error_${i}`);
  });
  LANES.forEach(({ divisor }, i) => {
    tb.wire(`fifo_in_ready_${i}`)
      .wire(`tx_data_${i}`, 8)
      .wire(`tx_valid_${i}`)
      .wire(`tx_ready_${i}`)
      .wire(`fifo_count_${i}`, 5);
    tb.instance(
      uartRx,
      `u_rx_${i}`,
      {
        clk: 'clk',
        rst: 'rst',
        rx: `rx_${i}`,
        data: `data_${i}`,
        valid: `valid_${i}`,
        frame_error: `frame_error_${i}`,
      },
      uartParams(divisor),
    );
    tb.instance(
      syncFifo,
      `u_fifo_${i}`,
      {
        clk: 'clk',
        rst: 'rst',
        in_data: `data_${i}`,
        in_valid: `valid_${i}`,
        in_ready: `fifo_in_ready_${i}`,
        out_data: `tx_data_${i}`,
        out_valid: `tx_valid_${i}`,
        out_ready: `tx_ready_${i}`,
        count: `fifo_count_${i}`,
      },
      { WIDTH: 8, DEPTH_LOG2: 4 },
    );
    tb.instance(
      uartTx,
      `u_tx_${i}`,
      { clk: 'clk', rst: 'rst', data: `tx_data_${i}`, valid: `tx_valid_${i}`, ready: `tx_ready_${i}`, tx: `tx_${i}` },
      uartParams(divisor),
    );
  });
  return tb;
}

/** Merges per-lane waveforms into vector steps (rst first, then every lane's rx line in parallel). */
function mergeLanes(lanes: { level: number; cycles: number }[][], tail: number): Step[] {
  const steps: Step[] = [{ cycles: RESET_CYCLES, values: [1, ...lanes.map(() => 1)] }];
  // Convert each lane to absolute edge times, then sweep.
  const edges = lanes.map((segments) => {
    let t = 0;
    return segments.map((s) => {
      const at = t;
      t += s.cycles;
      return { at, level: s.level };
    });
  });
  const times = [...new Set(edges.flatMap((e) => e.map((x) => x.at)))].sort((a, b) => a - b);
  const end = Math.max(...lanes.map((l) => l.reduce((n, s) => n + s.cycles, 0))) + tail;
  times.push(end);
  const cursor = lanes.map(() => 0);
  for (let i = 0; i + 1 < times.length; i++) {
    const values = edges.map((e, lane) => {
      while (cursor[lane]! + 1 < e.length && e[cursor[lane]! + 1]!.at <= times[i]!) cursor[lane]!++;
      return e[cursor[lane]!]!.at <= times[i]! ? e[cursor[lane]!]!.level : 1;
    });
    steps.push({ cycles: times[i + 1]! - times[i]!, values: [0, ...values] });
  }
  return steps;
}

describe('UART cells and FIFO in Verilator', () => {
  it(
    'receive and retransmit random bytes at several divisors with ±2 % baud mismatch, ' + 'and flag framing errors',
    async () => {
      const tb = lanesTestbench();
      const sim = await VectorSim.create({
        sources: {
          'uart_lanes_tb.v': emitVerilog(tb),
          ...Object.fromEntries([uartRx, uartTx, syncFifo].map((c) => [c.file, leafCellSource(c)])),
        },
        top: tb.name,
        inputs: [{ name: 'rst', width: 1 }, ...LANES.map((_, i) => ({ name: `rx_${i}`, width: 1 }))],
        outputs: LANES.flatMap((_, i) => [
          { name: `tx_${i}`, width: 1 },
          { name: `data_${i}`, width: 8 },
          { name: `valid_${i}`, width: 1 },
          { name: `frame_error_${i}`, width: 1 },
        ]),
      });

      const seed = 20261127;
      const random = seededRandom(seed);
      const framesPerLane = LANES.map(() => {
        const bytes = randomBytes(random, 150);
        // Every 30th frame has a low stop bit; the line then idles 2 bits so the receiver can recover.
        return bytes.map(
          (byte, i): UartFrame => (i % 30 === 29 ? { byte, badStop: true, idleBitsAfter: 2 } : { byte }),
        );
      });
      const waveforms = LANES.map((lane, i) =>
        encodeUart(framesPerLane[i]!, { clocksPerBit: lane.divisor, rateError: lane.rateError }),
      );
      const steps = mergeLanes(waveforms, 40 * 104);

      await sim.runChecked(
        steps,
        (trace) => {
          LANES.forEach((lane, i) => {
            const label = `lane ${i} (divisor ${lane.divisor}, far end ${lane.rateError * 100} %, seed ${seed})`;
            const frames = framesPerLane[i]!;
            const good = frames.filter((f) => !f.badStop).map((f) => f.byte);
            // Outputs are only defined once reset has been applied (random x-initial values before).
            const strobes = trace.whenHigh(`valid_${i}`).filter((s) => s.cycle >= RESET_CYCLES);
            const dataIndex = trace.outputs.findIndex((p) => p.name === `data_${i}`);
            const received = strobes.map((s) => Number(s.values[dataIndex]));
            expect(received, `${label}: rx bytes`).toEqual(good);
            expect(
              trace.whenHigh(`frame_error_${i}`).filter((s) => s.cycle >= RESET_CYCLES).length,
              `${label}: framing errors`,
            ).toBe(frames.filter((f) => f.badStop).length);

            // The far end decodes tx with its own (mismatched) clock and must get every good byte back.
            const decoded = decodeUart(trace.waveform(`tx_${i}`), trace.cycles, {
              clocksPerBit: lane.divisor,
              rateError: lane.rateError,
            });
            expect(decoded.bytes, `${label}: tx bytes`).toEqual(good);
            expect(decoded.framingErrors, `${label}: tx framing`).toBe(0);
            // Frames never overlap; when the FIFO has a backlog (far end fast) they follow with no gap at all
            // (a frame lasts 10 bit times, rounded either way when the bit time is fractional).
            const gaps = decoded.startCycles.slice(1).map((start, k) => start - decoded.startCycles[k]!);
            const frameCycles = 10 * lane.divisor;
            expect(Math.min(...gaps), `${label}: frame spacing`).toBeGreaterThanOrEqual(Math.floor(frameCycles));
            if (lane.rateError > 0)
              expect(
                gaps.filter((g) => g <= Math.ceil(frameCycles)).length,
                `${label}: back-to-back frames`,
              ).toBeGreaterThan(100);
            // Every tx edge falls on the bit grid of its frame: exactly for a whole bit time, within one cycle
            // for a fractional one.
            const edges = trace.waveform(`tx_${i}`).map(([cycle]) => cycle);
            for (const start of decoded.startCycles) {
              for (const edge of edges.filter((e) => e >= start && e < start + frameCycles)) {
                const offset = edge - start;
                const ideal = Math.round(offset / lane.divisor) * lane.divisor;
                expect(Math.abs(offset - ideal), `${label}: tx edge at ${edge}`).toBeLessThan(1);
              }
            }
          });
        },
        { randomResetSeed: 12345, name: 'uart_lanes' },
      );
    },
  );
});
