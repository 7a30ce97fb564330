/**
 * Issue 24, item 4: what one Metropolis lane costs as the engine builds it (a b-bit chunk against the threshold's
 * top digit, ties settled apart) against a top-bit-first lane that compares one or two random bits a clock and
 * stops when decided — both exact, both measured with yosys synth_ice40 on 16 lanes side by side, divided by 16.
 * Each lane here includes what differs between the two: classifying its four neighbours, the comparison and its
 * registers, and its share of the random bits (the generator's LUT4 per bit a clock, bench `ising`). What both
 * share (memories, window, tables, statistics) is left out.
 *
 * A lockstep step ends when its slowest lane has decided. A top-bit-first lane with k bits a clock is undecided
 * after c clocks with probability 2^-kc (each bit pair differs from the threshold's with probability 1 − 2^-k,
 * whatever the threshold), so a step of n comparing lanes takes E[max] = Σ_c≥0 (1 − (1 − 2^-kc)^n) clocks; n is
 * the lanes whose site needs a random number (a ≥ 3 agreeing neighbours), measured at T_c on the reference model.
 */
import { IsingLattice, sweep } from '../src/cores/ising/reference.ts';
import { laneStreams, THRESHOLD_BITS } from '../src/cores/ising/rng.ts';
import { flipThresholds } from '../src/cores/ising/tables.ts';
import { type CellCounts, synthCells } from './synth.ts';

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const LANES = 16;

/** The engine's lane (hdl/ising_engine.v, MODE 0): classify, registered; compare a CHUNK-bit chunk; registered. */
function chunkLanes(chunk: number): string {
  return `
module lanes (input wire clk, input wire [${LANES}*5-1:0] sites, input wire [${LANES}*${chunk}-1:0] chunks,
              input wire [${chunk - 1}:0] top8, input wire [${chunk - 1}:0] top9,
              output reg [${LANES}-1:0] word, output reg [${LANES}-1:0] tie, output reg [${LANES}*3-1:0] energy);
    genvar l;
    generate for (l = 0; l < ${LANES}; l = l + 1) begin : lane
        wire spin_now = sites[l*5];
        wire [3:0] same = ~(sites[l*5+1 +: 4] ^ {4{spin_now}});
        reg spin; reg [2:0] a;
        always @(posedge clk) begin
            spin <= spin_now;
            a <= {&same, (same[0]+same[1]+same[2]+same[3]) >= 2 && !(&same), ^same};
        end
        wire sel9 = a[2];
        wire sel8 = a[1:0] == 2'b11;
        wire [${chunk - 1}:0] u = chunks[l*${chunk} +: ${chunk}];
        wire [${chunk - 1}:0] stored = sel9 ? top9 : top8;
        wire always_flips = !sel9 && !sel8;
        wire below = always_flips || u < stored;
        always @(posedge clk) begin
            word[l] <= spin ^ below;
            tie[l] <= !always_flips && u == stored;
            energy[l*3 +: 3] <= below ? {a == 3'd0, a[1] ^ a[0], a[0]} : a;
        end
    end endgenerate
endmodule
`;
}

/**
 * A top-bit-first lane: at `start` it takes its site (classify) and decides at once when it always flips; then
 * each clock it compares its k random bits with bits of the selected threshold (shared, MSB first) and stops at
 * the first difference. `last` marks the final bits: equal there means u = T, which does not flip.
 */
function serialLanes(k: number): string {
  return `
module lanes (input wire clk, input wire start, input wire last, input wire [${LANES}*5-1:0] sites,
              input wire [${LANES}*${k}-1:0] randoms, input wire [${k - 1}:0] t8, input wire [${k - 1}:0] t9,
              output reg [${LANES}-1:0] word, output reg [${LANES}-1:0] busy, output reg [${LANES}*3-1:0] energy);
    genvar l;
    generate for (l = 0; l < ${LANES}; l = l + 1) begin : lane
        wire spin_now = sites[l*5];
        wire [3:0] same = ~(sites[l*5+1 +: 4] ^ {4{spin_now}});
        wire [2:0] a_now = {&same, (same[0]+same[1]+same[2]+same[3]) >= 2 && !(&same), ^same};
        reg sel9;
        wire [${k - 1}:0] r = randoms[l*${k} +: ${k}];
        wire [${k - 1}:0] t = sel9 ? t9 : t8;
        always @(posedge clk) begin
            if (start) begin
                sel9 <= a_now[2];
                busy[l] <= a_now[2] || a_now[1:0] == 2'b11;
                word[l] <= spin_now ^ !(a_now[2] || a_now[1:0] == 2'b11);
                energy[l*3 +: 3] <= a_now;
            end else if (busy[l]) begin
                if (r < t) begin
                    busy[l] <= 1'b0;
                    word[l] <= !word[l];
                    energy[l*3 +: 3] <= {1'b0, !sel9, !sel9};
                end else if (r > t || last) busy[l] <= 1'b0;
            end
        end
    end endgenerate
endmodule
`;
}

/** Per lane: the 16 lanes' counts divided by 16. */
async function synth(source: string): Promise<Cells> {
  const cells = await synthCells({ 'lanes.v': source }, 'lanes');
  return { lut4: cells.lut4 / LANES, flip_flops: cells.flip_flops / LANES, carry: cells.carry / LANES };
}

type Cells = Pick<CellCounts, 'lut4' | 'flip_flops' | 'carry'>;

/** E[max] of n lanes' clocks to decide, k bits a clock (see the file comment). */
function lockstepClocks(n: number, k: number): number {
  let sum = 0;
  for (let c = 0; c < 64; c++) sum += 1 - (1 - 2 ** (-k * c)) ** n;
  return sum;
}

/** Share of sites whose Metropolis update needs a random number (a ≥ 3) at T_c, L = 64, after 500 sweeps. */
function comparingShare(): number {
  const L = 64;
  const lattice = new IsingLattice(L);
  const table = flipThresholds('metropolis', 2.269185314, THRESHOLD_BITS);
  const streams = laneStreams(16, 3, 8);
  for (let i = 0; i < 500; i++) sweep(lattice, table, streams, 16);
  const s = lattice.spins;
  let comparing = 0;
  for (let y = 0; y < L; y++) {
    for (let x = 0; x < L; x++) {
      const me = s[y * L + x]!;
      const n =
        s[y * L + ((x + 1) & (L - 1))]! +
        s[y * L + ((x - 1) & (L - 1))]! +
        s[((y + 1) & (L - 1)) * L + x]! +
        s[((y - 1) & (L - 1)) * L + x]!;
      if (me * n > 0) comparing++; // a ≥ 3 agreeing neighbours: ΔE > 0
    }
  }
  return comparing / (L * L);
}

/**
 * Per lane: cells (LUT4 with the generator's share), clocks per step in lockstep for 32 and 64 lanes, and
 * LUT4-clocks per decision (lower is better). `rngLut4PerBit`: bench `ising` lane_rng (LUT4 per random bit a clock).
 */
export async function benchLaneDesigns(rngLut4PerBit: number, chunkTieClocksPerStep: number) {
  const share = comparingShare();
  const designs: Record<string, unknown> = {};
  const entry = (cells: Cells, bits: number, clocks: (lanes: number) => number) => {
    const lut4 = cells.lut4 + bits * rngLut4PerBit;
    const at = (lanes: number) => ({
      clocks_per_step: round(clocks(lanes), 3),
      lut4_clocks_per_decision: round(lut4 * clocks(lanes), 1),
    });
    return {
      lut4_lane: round(cells.lut4, 1),
      flip_flops: round(cells.flip_flops, 1),
      carry: round(cells.carry, 1),
      random_bits_per_clock: bits,
      lut4_with_generator: round(lut4, 1),
      lanes_32: at(32),
      lanes_64: at(64),
    };
  };
  designs.chunk_8_bit = entry(await synth(chunkLanes(8)), 8, () => 1 + chunkTieClocksPerStep);
  for (const k of [1, 2]) {
    designs[`top_bit_first_${k}_bit`] = entry(await synth(serialLanes(k)), k, (lanes) =>
      lockstepClocks(Math.round(lanes * share), k),
    );
  }
  return {
    note:
      '16 lanes synthesized together, per lane; clocks per step in lockstep at T_c (comparing share measured); ' +
      'lut4_clocks_per_decision = LUT4 (generator included) × clocks per step: lower wins',
    comparing_share_at_Tc: round(share, 3),
    designs,
  };
}
