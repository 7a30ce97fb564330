/**
 * The neuron on the virtual board (its RTL in Verilator behind a pty, driven through the real serial stack),
 * checked against the reference model — at a width other than the default, so the option reaches the Verilog —
 * and the reference model against hand-worked values.
 */
import { getBoard } from 'spinbit';
import { describe, expect, it } from 'vitest';
import design from './design.ts';
import { NeuronReference } from './reference.ts';

describe('neuron', () => {
  it('the reference counts agreeing positions', () => {
    const neuron = new NeuronReference(8);
    neuron.setWeights(0b1111_0000);
    neuron.input(0b1010_1010); // agrees at bits 7, 5, 2, 0
    neuron.input(0b1111_0000); // agrees everywhere
    expect([neuron.sum, neuron.count]).toEqual([12, 2]);
    neuron.setThreshold(13);
    expect(neuron.fires).toBe(0);
  });

  it('matches the reference on the virtual board (--width 24)', { timeout: 600_000 }, async () => {
    const { selfCheck } = await design.elaborate(getBoard('icebreaker'), { width: 24 });
    expect(await selfCheck({ seed: 7 })).toMatchObject({ operations: 400 });
  });
});
