/**
 * sync_fifo in Verilator against the properties of a FIFO: everything pushed comes out once, in order;
 * nothing is refused before the FIFO holds its capacity (2^DEPTH_LOG2 + 1, documented); output held stable
 * while stalled. Stimulus: random valid/ready in fill, drain and balanced phases.
 */
import { describe, expect, it } from 'vitest';
import { leafCellSource, syncFifo } from '../src/hdl/cells.ts';
import { VectorSim, type Step } from '../sim/vectors.ts';
import { seededRandom } from './helpers.ts';

const DEPTH_LOG2 = 3;
const CAPACITY = (1 << DEPTH_LOG2) + 1;

describe('sync_fifo in Verilator', () => {
  it('passes random traffic through in order without loss, refusing input only when full', async () => {
    const sim = await VectorSim.create({
      // A thin parameter-setting wrapper so the cell is tested at a small depth that fills quickly.
      sources: {
        'fifo_tb.v': [
          '`default_nettype none',
          'module fifo_tb (input wire clk, input wire rst, input wire [7:0] in_data, input wire in_valid, ' +
            'output wire in_ready,',
          '                output wire [7:0] out_data, output wire out_valid, input wire out_ready, ' +
            `output wire [${DEPTH_LOG2}:0] count);`,
          `    sync_fifo #(.WIDTH(8), .DEPTH_LOG2(${DEPTH_LOG2})) u_fifo (.clk(clk), .rst(rst), ` +
            '.in_data(in_data), .in_valid(in_valid),',
          '        .in_ready(in_ready), .out_data(out_data), .out_valid(out_valid), .out_ready(out_ready), ' +
            '.count(count));',
          'endmodule',
          '`default_nettype wire',
          '',
        ].join('\n'),
        [syncFifo.file]: leafCellSource(syncFifo),
      },
      top: 'fifo_tb',
      inputs: [
        { name: 'rst', width: 1 },
        { name: 'in_data', width: 8 },
        { name: 'in_valid', width: 1 },
        { name: 'out_ready', width: 1 },
      ],
      outputs: [
        { name: 'in_ready', width: 1 },
        { name: 'out_data', width: 8 },
        { name: 'out_valid', width: 1 },
        { name: 'count', width: DEPTH_LOG2 + 1 },
      ],
    });

    const seed = 7;
    const random = seededRandom(seed);
    const phases = [
      { cycles: 400, push: 0.9, pop: 0.1 },
      { cycles: 400, push: 0.1, pop: 0.9 },
      { cycles: 2000, push: 0.5, pop: 0.5 },
      { cycles: 400, push: 0.95, pop: 0.6 },
      { cycles: 100, push: 0, pop: 1 },
    ];
    const resetCycles = 4;
    const inputs: { in_data: number; in_valid: number; out_ready: number }[] = [];
    for (const phase of phases) {
      for (let c = 0; c < phase.cycles; c++) {
        inputs.push({
          in_data: Math.floor(random() * 256),
          in_valid: random() < phase.push ? 1 : 0,
          out_ready: random() < phase.pop ? 1 : 0,
        });
      }
    }
    const steps: Step[] = [
      { cycles: resetCycles, values: [1, 0, 0, 0] },
      ...inputs.map((i) => ({ cycles: 1, values: [0, i.in_data, i.in_valid, i.out_ready] })),
    ];

    await sim.runChecked(
      steps,
      (trace) => {
        // Expand the change list to per-cycle output values.
        const perCycle: bigint[][] = [];
        let next = 0;
        for (let cycle = 0; cycle < trace.cycles; cycle++) {
          while (next + 1 < trace.changes.length && trace.changes[next + 1]!.cycle <= cycle) next++;
          perCycle.push(trace.changes[next]!.values);
        }
        const pushed: number[] = [];
        const popped: number[] = [];
        let maxOccupancy = 0;
        for (let k = 0; k < inputs.length; k++) {
          const [inReady, outData, outValid, count] = perCycle[resetCycles + k]!.map(Number) as [
            number,
            number,
            number,
            number,
          ];
          const input = inputs[k]!;
          const occupancy = pushed.length - popped.length;
          expect(count, `cycle ${k}: count output (seed ${seed})`).toBe(occupancy);
          if (!inReady)
            expect(occupancy, `cycle ${k}: refused input while holding ${occupancy} (seed ${seed})`).toBe(CAPACITY);
          if (input.in_valid && inReady) pushed.push(input.in_data);
          if (outValid && input.out_ready) popped.push(outData);
          if (outValid && !input.out_ready && k + 1 < inputs.length) {
            const [, nextData, nextValid] = perCycle[resetCycles + k + 1]!.map(Number);
            expect([nextData, nextValid], `cycle ${k}: output changed while stalled`).toEqual([outData, 1]);
          }
          maxOccupancy = Math.max(maxOccupancy, pushed.length - popped.length);
        }
        expect(maxOccupancy, 'the fill phase reaches full capacity').toBe(CAPACITY);
        expect(popped, `popped sequence (seed ${seed})`).toEqual(pushed);
        expect(pushed.length).toBeGreaterThan(1000);
      },
      { randomResetSeed: 99, name: 'fifo' },
    );
  });
});
