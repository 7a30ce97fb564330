/** The loopback design: validation, deterministic generation, lint on every board, self-checks in both modes. */
import { describe, expect, it } from 'vitest';
import { BOARDS, getBoard } from '../src/boards/index.ts';
import { lintStubs } from '../src/boards/primitives.ts';
import { elaborate, type Elaborated } from '../src/design/design.ts';
import { loopback, type LinkLoopbackConfig } from '../src/cores/loopback/index.ts';
import { checkLoopback } from '../src/cores/loopback/check.ts';
import { checkEcho, type EchoConfig } from '../src/cores/loopback/echo.ts';
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
    // The identity ROM carries the first 8 bytes of the config hash.
    const hashBytes = a.configHash
      .slice(0, 16)
      .match(/../g)!
      .map((h) => `8'h${h}`);
    for (const [i, byte] of hashBytes.entries())
      expect(a.coreSources['link_identity_rom.v']).toContain(`bytes[${6 + i}] = ${byte};`);
  });

  it('picks link mode by default on every board, the HX1K included', async () => {
    expect((await elaborate(loopback, icebreaker, {})).config.mode).toBe('link');
    expect((await elaborate(loopback, getBoard('hx8k'), {})).config.mode).toBe('link');
    expect((await elaborate(loopback, getBoard('icestick'), {})).config.mode).toBe('link');
  });

  it('times a bit in eighths of a cycle when the clock is no whole multiple of the baud', async () => {
    // 12 MHz / 2.6 Mbaud = 4.615 cycles: 4.625 (4 + 5/8) is 0.2 % off, where a whole divisor (5) was 7.7 %.
    const a = await elaborate(loopback, icebreaker, { baud: 2_600_000 });
    expect((a.config as { link: { clocksPerBit: number } }).link.clocksPerBit).toBe(4.625);
    expect(Object.values(a.coreSources).join('')).toMatch(/\.EXTRA_EIGHTHS\s*\(5\)/);
  });

  it('rejects impossible settings with the numbers', async () => {
    await expect(elaborate(loopback, icebreaker, { baud: 4_000_000 })).rejects.toThrow(
      /too fast for a 12 MHz core clock: needs ≥ 4 clocks per bit \(at most 3000000 baud\)/,
    );
    await expect(elaborate(loopback, icebreaker, { baud: 2_954_000 })).rejects.toThrow(
      /nearest divisor 4 gives 3000000 baud, 1.56 % off \(limit 1.5 %\)/,
    );
    await expect(elaborate(loopback, icebreaker, { 'scratch-words': 100 })).rejects.toThrow(/power of two/);
    await expect(elaborate(loopback, icebreaker, { 'scratch-words': 131072 })).rejects.toThrow(
      /needs 2097152 bits but iCEBreaker has 1048576 bits of SPRAM \(4 × 256 Kbit\): over by 1048576 bits/,
    );
    await expect(elaborate(loopback, getBoard('hx8k'), { 'scratch-words': 8192 })).rejects.toThrow(
      /needs 131072 bits of block RAM but iCE40-HX8K breakout has 114688 left after the link/,
    );
    await expect(elaborate(loopback, icebreaker, { 'clock-mhz': 300 })).rejects.toThrow(/outside the iCE40 PLL range/);
    await expect(elaborate(loopback, icebreaker, { mode: 'fast' })).rejects.toThrow(
      /--mode must be one of: link, echo/,
    );
    await expect(elaborate(loopback, icebreaker, { speed: 1 })).rejects.toThrow(
      /no option '--speed'; options: --mode, --clock-mhz, --baud, --scratch-words/,
    );
  });

  it('is lint-clean (core and board wrapper) on every board, both modes, with and without a PLL', async () => {
    for (const board of Object.values(BOARDS)) {
      for (const options of [{}, { mode: 'echo' }, { 'clock-mhz': 48, baud: 3_000_000 }]) {
        const e = await elaborate(loopback, board, options);
        await lint(e.coreSources, e.coreTop);
        await lint({ ...e.coreSources, ...e.topSource, 'ice40_lint_stubs.v': lintStubs() }, e.topName);
      }
    }
  });

  it(
    'link mode: identity, registers, a 64 KiB memory round trip and the stream through the virtual board, ' +
      'at 3 Mbaud from a 28.875 MHz core clock (9.625 cycles a bit)',
    async () => {
      const options = { baud: 3_000_000, 'clock-mhz': 28.875 };
      const e = (await elaborate(loopback, icebreaker, options)) as Elaborated<LinkLoopbackConfig>;
      expect(e.config.link.clocksPerBit).toBe(9.625);
      const result = await checkLoopback(e, { seed: 7, memoryBytes: 65536, streamBytes: 5000 });
      expect(result).toMatchObject({
        design: 'loopback',
        configHash: e.configHash.slice(0, 16),
        memoryBytes: 65536,
        streamBytes: 5000,
      });
    },
  );

  it('link mode at 12 Mbaud (4 clocks per bit, the FT2232H fastest rate) from a 48 MHz core clock', async () => {
    const options = { 'clock-mhz': 48, baud: 12_000_000 };
    const e = (await elaborate(loopback, icebreaker, options)) as Elaborated<LinkLoopbackConfig>;
    expect(e.config.link.clocksPerBit).toBe(4);
    const result = await checkLoopback(e, { seed: 12, memoryBytes: 16384, streamBytes: 4096 });
    expect(result).toMatchObject({ memoryBytes: 16384, streamBytes: 4096, retries: 0 });
  });

  it('echo mode: 1000 random bytes at 1 Mbaud (12 MHz core) with the host 2 % fast and 2 % slow', async () => {
    const e = (await elaborate(loopback, icebreaker, { mode: 'echo' })) as Elaborated<EchoConfig>;
    for (const rateError of [0.02, -0.02]) {
      expect(await checkEcho(e, { bytes: 1000, seed: 3, rateError })).toMatchObject({
        bytesSent: 1000,
        bytesEchoed: 1000,
        clocksPerBit: 12,
      });
    }
  });

  it('echo mode at 3 Mbaud from a 29.25 MHz PLL core clock (9.75 cycles a bit), the host 2 % fast and slow', async () => {
    const e = (await elaborate(loopback, icebreaker, {
      mode: 'echo',
      'clock-mhz': 29.25,
      baud: 3_000_000,
    })) as Elaborated<EchoConfig>;
    expect(e.topSource['spinbit_top.v']).toContain('SB_PLL40_PAD');
    for (const rateError of [0.02, -0.02]) {
      expect(await checkEcho(e, { bytes: 1000, seed: 4, rateError })).toMatchObject({
        bytesEchoed: 1000,
        clocksPerBit: 9.75,
      });
    }
  });

  it('a broken echo is caught: a host 6 % fast overruns the receiver and the check fails', async () => {
    const e = (await elaborate(loopback, icebreaker, { mode: 'echo' })) as Elaborated<EchoConfig>;
    await expect(checkEcho(e, { bytes: 300, seed: 5, rateError: 0.06 })).rejects.toThrow(
      /loopback echo mismatch|error LED/,
    );
  });
});
