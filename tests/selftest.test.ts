/**
 * `spinbit selftest`: the bring-up checks pass on the virtual board with a verdict per step, and a selftest
 * against a board that runs another design fails with the reason instead of passing.
 */
import { describe, expect, it } from 'vitest';
import { spinbit } from './helpers.ts';

describe('spinbit selftest', () => {
  it('passes every step on the virtual iCEstick, one verdict line per step', () => {
    // The iCEstick: its 1024-word scratch memory keeps the march short.
    const run = spinbit('selftest', '--sim', '--board', 'icestick');
    expect(run.code, run.err + run.out).toBe(0);
    const verdicts = run.out.split('\n').filter((l) => /^\s+(PASS|FAIL)\s/.test(l));
    expect(verdicts.map((l) => l.trim().split(/\s+/)[1])).toEqual([
      'identity',
      'registers',
      'memory',
      'stream',
      'latency',
      'baud',
    ]);
    expect(verdicts.every((l) => l.trim().startsWith('PASS'))).toBe(true);
    expect(run.out).toMatch(/registers\s+66 write\/read round trips, all equal/);
    expect(run.out).toMatch(/memory 0\s+1024 × 16-bit words, 5 march patterns/);
    expect(run.out).toMatch(/baud\s+12 MHz \/ 12 clocks per bit = 1000000 baud for 1000000: 0.00 %/);
    expect(run.out).toMatch(/selftest passed/);
  });

  it('says where to run when neither a port nor --sim is given', () => {
    const run = spinbit('selftest', '--board', 'icebreaker');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--port PATH\|auto for a board, or --sim/);
  });
});
