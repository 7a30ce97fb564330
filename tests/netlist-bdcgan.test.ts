/**
 * Post-route simulation of the B-DCGAN generator: `run bdcgan --sim --netlist --check` on the routed netlist of
 * an iCEBreaker build, with a random model — weights uploaded and read back through the routed link, then
 * images bit-exact with the integer reference. The weight upload dominates a netlist run (the bdcgan netlist
 * simulates ≈ 90 k clocks/s), so the test takes the default mnist-up5k preset (52 KB of weights; the earlier
 * mnist-up5k-z64 has 95 KB) and the 32-bit datapath (a smaller netlist): 31 s of upload instead of 89 s,
 * measured. The default build runs at 18 MHz from the PLL, so this also checks the PLL's clock wiring in the
 * netlist (src/flow/netlist.ts wirePllClock).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spinbit } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'spinbit-netlist-bdcgan-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('B-DCGAN routed netlist co-simulation', () => {
  it('a random model: upload read back, 3 images identical to the integer reference', () => {
    const model = join(work, 'random.sbgan');
    const made = spinbit('model', 'random', '--preset', 'mnist-up5k', '--model', model);
    expect(made.code, made.err).toBe(0);
    const run = spinbit(
      ...['run', 'bdcgan', '--sim', '--netlist', '--check', '--model', model, '--n', '3'],
      ...['--width', '32'],
    );
    expect(run.code, run.err + run.out).toBe(0);
    expect(run.out).toMatch(/weights: \d+ bytes uploaded and read back/);
    expect(run.out).toMatch(/check: 3 images identical to the integer reference — pass/);
  }, 600_000);
});
