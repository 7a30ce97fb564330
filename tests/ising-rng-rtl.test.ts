/** The lane generator's Verilog against its TypeScript model, bit for bit, in Verilator (two banks, 20 lanes). */
import { describe, expect, it } from 'vitest';
import { emitVerilog } from '../src/hdl/emit.ts';
import { Module } from '../src/hdl/module.ts';
import { laneRngModule, rngBankModule } from '../src/cores/ising/rng-rtl.ts';
import { CHUNK_BITS, LaneRandom, SEED_STEPS } from '../src/cores/ising/rng.ts';
import { lint } from '../sim/verilator.ts';
import { VectorSim, type Step } from '../sim/vectors.ts';

const LANES = 20;
const SEED = 0xdecafbad;

describe('lane generator RTL', () => {
  it('is lint-clean and produces exactly the reference chunks after reset and seeding', async () => {
    const bank = rngBankModule();
    const rng = laneRngModule(LANES, bank);
    // A test bench that splits the chunk bus into one port per lane (the vector harness takes ≤ 64-bit ports).
    const tb = new Module('lane_rng_tb', ['lane_rng_tb: lane_rng with one output per lane.']);
    tb.input('clk').input('rst').input('step').input('seeding').input('seed', 32);
    for (let lane = 0; lane < LANES; lane++) tb.output(`chunk_${lane}`, CHUNK_BITS);
    tb.wire('chunks', LANES * CHUNK_BITS).blank();
    tb.instance(rng.asCell, 'u_rng', {
      clk: 'clk',
      rst: 'rst',
      step: 'step',
      seeding: 'seeding',
      seed: 'seed',
      chunks: 'chunks',
    });
    for (let lane = 0; lane < LANES; lane++)
      tb.assign(`chunk_${lane}`, `chunks[${lane * CHUNK_BITS + CHUNK_BITS - 1}:${lane * CHUNK_BITS}]`);
    const sources = {
      'rng_bank.v': emitVerilog(bank),
      'lane_rng.v': emitVerilog(rng),
      'lane_rng_tb.v': emitVerilog(tb),
    };
    await lint({ 'rng_bank.v': sources['rng_bank.v'], 'lane_rng.v': sources['lane_rng.v'] }, 'lane_rng');

    const sim = await VectorSim.create({
      sources,
      top: 'lane_rng_tb',
      inputs: [
        { name: 'rst', width: 1 },
        { name: 'step', width: 1 },
        { name: 'seeding', width: 1 },
        { name: 'seed', width: 32 },
      ],
      outputs: Array.from({ length: LANES }, (_, lane) => ({ name: `chunk_${lane}`, width: CHUNK_BITS })),
    });
    const clocks = 2000;
    const steps: Step[] = [
      { cycles: 1, values: [1, 0, 0, 0] },
      { cycles: SEED_STEPS, values: [0, 1, 1, SEED] },
      { cycles: clocks, values: [0, 1, 0, 0] },
    ];
    await sim.runChecked(steps, (trace) => {
      const reference = new LaneRandom(LANES, SEED);
      let change = 0;
      for (let j = 0; j < clocks; j++) {
        const cycle = 1 + SEED_STEPS + j;
        while (change + 1 < trace.changes.length && trace.changes[change + 1]!.cycle <= cycle) change++;
        const rtl = trace.changes[change]!.values.map(Number);
        const expected = Array.from({ length: LANES }, (_, lane) => reference.chunk(lane));
        expect(rtl, `clock ${j} after seeding`).toEqual(expected);
        reference.step();
      }
    });
  });
});
