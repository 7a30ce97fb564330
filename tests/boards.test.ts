/** Board definitions: constraints files match, pins are consistent, PLL plans are physically right. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOARDS, getBoard, pcfText } from '../src/boards/index.ts';
import { parseIcepll, planPll } from '../src/boards/pll.ts';
import { UserError } from '../src/errors.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('boards', () => {
  for (const board of Object.values(BOARDS)) {
    it(`${board.name}: constraints/${board.name}.pcf matches the definition, no pin used twice`, () => {
      expect(readFileSync(new URL(`../constraints/${board.name}.pcf`, import.meta.url), 'utf8')).toBe(pcfText(board));
      const pins = [board.clock.pin, board.uart.rx, board.uart.tx, ...board.leds.map((l) => l.pin)];
      expect(new Set(pins).size).toBe(pins.length);
    });
  }

  it('unknown board names list the valid ones', () => {
    expect(() => getBoard('icebraker')).toThrow(UserError);
    expect(() => getBoard('icebraker')).toThrow(/choose one of: icebreaker, upduino3, icestick, hx8k/);
  });

  it('PLL plans from icepll obey the iCE40 PLL equations and limits', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'spinbit-pll-'));
    for (const target of [48, 36, 100]) {
      const plan = await planPll(12, target, cacheDir);
      // iCE40 sysCLOCK PLL (SIMPLE feedback): F_PFD = Fin/(DIVR+1) in 10–133 MHz, F_VCO = F_PFD·(DIVF+1) in
      // 533–1066 MHz, Fout = F_VCO / 2^DIVQ.
      const pfd = 12 / (plan.divr + 1);
      const vco = pfd * (plan.divf + 1);
      expect(pfd).toBeGreaterThanOrEqual(10);
      expect(vco).toBeGreaterThanOrEqual(533);
      expect(vco).toBeLessThanOrEqual(1066);
      expect(vco / 2 ** plan.divq).toBeCloseTo(plan.achievedMHz, 2);
      expect(Math.abs(plan.achievedMHz - target) / target).toBeLessThan(0.01);
    }
    await expect(planPll(12, 500, cacheDir)).rejects.toThrow(/outside the iCE40 PLL range/);
  });

  it('parses icepll output', () => {
    const log =
      "F_PLLOUT:   48.000 MHz (achieved)\nDIVR:  0 (4'b0000)\nDIVF: 63 (7'b0111111)\n" +
      "DIVQ:  4 (3'b100)\nFILTER_RANGE: 1 (3'b001)\n";
    expect(parseIcepll(log, 12, 48)).toEqual({
      inputMHz: 12,
      requestedMHz: 48,
      achievedMHz: 48,
      divr: 0,
      divf: 63,
      divq: 4,
      filterRange: 1,
    });
  });
});
