/**
 * iCE40 power-up hazards: the board wrapper holds reset ≥ 15 µs after configuration and after PLL lock
 * (block RAM reads as zero for ~3 µs after configuration), ≥ 100 µs from the UP5K's internal oscillator.
 * The hold parameters are read from the wrapper `elaborate` generates for a real design, then reset_sync runs
 * in Verilator: configuration at cycle 0, the PLL's LOCK rising late and glitching once. Shortening the
 * hold (in resetHold or in reset_sync.v) makes this test fail.
 */
import { describe, expect, it } from 'vitest';
import { getBoard } from '../src/boards/index.ts';
import { resetHold, TOP_NAME } from '../src/boards/wrapper.ts';
import { elaborate } from '../src/design/design.ts';
import { loopback } from '../src/cores/loopback/index.ts';
import { leafCellSource, resetSync } from '../src/hdl/cells.ts';
import { VectorSim } from '../sim/vectors.ts';

/** HOLD_LOG2 of u_reset in the generated board wrapper. */
async function wrapperHold(board: string, clockMHz: number) {
  const design = await elaborate(loopback, getBoard(board), { 'clock-mhz': clockMHz });
  const top = design.topSource[`${TOP_NAME}.v`]!;
  const instance = /reset_sync\s*#\(([^;]*?)\)\s*u_reset/s.exec(top)?.[1] ?? '';
  const param = (name: string) => Number(new RegExp(`\\.${name}\\s*\\((\\d+)\\)`).exec(instance)?.[1]);
  return { mhz: design.clock.mhz, holdLog2: param('HOLD_LOG2'), hasLock: param('HAS_LOCK') };
}

/** Cycles from each rise of arst_n (or from cycle 0) to rst falling, with arst_n driven as given. */
async function releaseTimes(hold: { holdLog2: number; hasLock?: number }, arst: [number, number][]) {
  const tb = `module reset_tb (input wire clk, input wire arst_n, output wire rst);
    reset_sync #(.HOLD_LOG2(${hold.holdLog2}), .HAS_LOCK(${hold.hasLock ?? 1})) u_reset (.clk(clk), .arst_n(arst_n), .rst(rst));
endmodule
`;
  const sim = await VectorSim.create({
    sources: { 'reset_tb.v': tb, [resetSync.file]: leafCellSource(resetSync) },
    top: 'reset_tb',
    inputs: [{ name: 'arst_n', width: 1 }],
    outputs: [{ name: 'rst', width: 1 }],
  });
  const trace = await sim.run(arst.map(([cycles, level]) => ({ cycles, values: [level] })));
  return trace.waveform('rst');
}

describe('reset after configuration and PLL lock', () => {
  it('without a PLL (iCEBreaker at 12 MHz): reset for ≥ 15 µs from configuration', async () => {
    const hold = await wrapperHold('icebreaker', 12);
    expect(hold.mhz).toBe(12);
    const wave = await releaseTimes(hold, [[2000, 1]]);
    expect(wave[0]).toEqual([0, 1n]); // in reset from the first clock
    const release = wave.find(([, v]) => v === 0n)![0];
    expect(release / hold.mhz).toBeGreaterThanOrEqual(15);
    expect(release / hold.mhz).toBeLessThan(30); // and not much longer: under twice the 15 µs (a power of two of clocks)
  });

  it('with a PLL (iCEBreaker at 48 MHz): reset until lock, then ≥ 15 µs; a lost lock resets again', async () => {
    const hold = await wrapperHold('icebreaker', 48);
    expect(hold.mhz).not.toBe(12); // the PLL's achieved clock
    // LOCK low for 3000 clocks, high 5000, a one-clock glitch, high again.
    const wave = await releaseTimes(hold, [
      [3000, 0],
      [5000, 1],
      [1, 0],
      [5000, 1],
    ]);
    const falls = wave.filter(([, v]) => v === 0n).map(([c]) => c);
    const rises = wave.filter(([c, v]) => v === 1n && c > 0).map(([c]) => c);
    expect(falls).toHaveLength(2);
    expect((falls[0]! - 3000) / hold.mhz).toBeGreaterThanOrEqual(15);
    expect(rises[0]).toBeLessThanOrEqual(8002); // the glitch asserts reset within two clocks
    expect((falls[1]! - 8001) / hold.mhz).toBeGreaterThanOrEqual(15);
  });

  it('from the UP5K internal oscillator: ≥ 100 µs', async () => {
    const hold = resetHold({ mhz: 48, internalOscillator: true });
    const wave = await releaseTimes(hold, [[10000, 1]]);
    const release = wave.find(([, v]) => v === 0n)![0];
    expect(release / 48).toBeGreaterThanOrEqual(100);
  });
});
