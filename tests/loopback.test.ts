/** The loopback design: validation, deterministic generation, lint on every board, co-simulation. */
import { describe, expect, it } from 'vitest';
import { BOARDS, getBoard } from '../src/boards/index.ts';
import { lintStubs } from '../src/boards/primitives.ts';
import { elaborate } from '../src/cores/design.ts';
import { loopback } from '../src/cores/loopback/index.ts';
import { checkLoopback } from '../src/cores/loopback/check.ts';
import { lint } from '../sim/verilator.ts';

const icebreaker = getBoard('icebreaker');

describe('loopback design', () => {
  it('generates the same bytes and hash for the same options, a different hash for different ones', async () => {
    const a = await elaborate(loopback, icebreaker, { baud: 1_000_000 });
    const b = await elaborate(loopback, icebreaker, { baud: 1_000_000 });
    const c = await elaborate(loopback, icebreaker, { baud: 500_000 });
    expect(b.coreSources).toEqual(a.coreSources);
    expect(b.topSource).toEqual(a.topSource);
    expect(b.configHash).toBe(a.configHash);
    expect(c.configHash).not.toBe(a.configHash);
    expect(a.coreSources['loopback_core.v']).toContain(`config ${a.configHash.slice(0, 16)}`);
  });

  it('rejects impossible settings with the numbers', async () => {
    await expect(elaborate(loopback, icebreaker, { baud: 4_000_000 })).rejects.toThrow(/too fast for a 12 MHz core clock: needs ≥ 4 clocks per bit \(at most 3000000 baud\)/);
    await expect(elaborate(loopback, icebreaker, { baud: 2_600_000 })).rejects.toThrow(/nearest divisor 5 gives 2400000 baud, 7.69 % off \(limit 1.5 %\)/);
    await expect(elaborate(loopback, icebreaker, { 'fifo-depth': 100 })).rejects.toThrow(/power of two/);
    await expect(elaborate(loopback, getBoard('icestick'), { 'fifo-depth': 16384 })).rejects.toThrow(
      /needs 131072 bits of block RAM but iCEstick has 65536 \(16 EBR × 4096\): over by 65536 bits/,
    );
    await expect(elaborate(loopback, icebreaker, { 'clock-mhz': 300 })).rejects.toThrow(/outside the iCE40 PLL range/);
    await expect(elaborate(loopback, icebreaker, { speed: 1 })).rejects.toThrow(/no option '--speed'; options: --clock-mhz, --baud, --fifo-depth/);
  });

  it('is lint-clean (core and board wrapper) on every board, with and without a PLL', async () => {
    for (const board of Object.values(BOARDS)) {
      for (const options of [{}, { 'clock-mhz': 48, baud: 3_000_000 }]) {
        const e = await elaborate(loopback, board, options);
        await lint(e.coreSources, e.coreTop);
        await lint({ ...e.coreSources, ...e.topSource, 'ice40_lint_stubs.v': lintStubs() }, e.topName);
      }
    }
  });

  it('echoes 1000 random bytes at 1 Mbaud from a 12 MHz core, host 2 % fast and 2 % slow', async () => {
    const e = await elaborate(loopback, icebreaker, { baud: 1_000_000 });
    for (const rateError of [0.02, -0.02]) {
      const result = await checkLoopback(e, { bytes: 1000, seed: 3, rateError });
      expect(result).toMatchObject({ bytesSent: 1000, bytesEchoed: 1000, clocksPerBit: 12 });
    }
  });

  it('echoes at 3 Mbaud from a 48 MHz PLL core clock (the iCEBreaker demo settings)', async () => {
    const e = await elaborate(loopback, icebreaker, { 'clock-mhz': 48, baud: 3_000_000 });
    expect(e.topSource['spinbit_top.v']).toContain('SB_PLL40_PAD');
    const result = await checkLoopback(e, { bytes: 1000, seed: 4, rateError: 0.02 });
    expect(result).toMatchObject({ bytesEchoed: 1000, clocksPerBit: 16 });
  });

  it('a broken echo path is caught: a FIFO too small for the host rate overflows and the check fails', async () => {
    // 2-byte FIFO, host 4 % fast: bytes arrive faster than they leave, so some are dropped.
    const e = await elaborate(loopback, icebreaker, { 'fifo-depth': 2 });
    await expect(checkLoopback(e, { bytes: 300, seed: 5, rateError: 0.04 })).rejects.toThrow(/loopback echo mismatch/);
  });
});
