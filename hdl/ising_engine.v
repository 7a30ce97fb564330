// ising_engine — checkerboard Metropolis / heat-bath engine for the 2D Ising model (J = 1, periodic L×L),
// P spin updates per clock. docs/ising.md is the specification; src/cores/ising/reference.ts is the same
// machine in TypeScript, bit for bit (update order, random numbers, lazy comparison, accumulators).
//
// Lattice storage: two memories, one per colour (x + y even / odd). Word {r, y, t} of colour c holds the P
// sites x = 2(tP + l) + ((y + c) mod 2), l = 0 … P-1, of row y of replica r: the sites lane l updates at
// step t of that row. A half-sweep of colour c reads the target words of colour c in order (and writes them
// back one clock later) while the other colour streams past a window of 2S + 1 words (S = L / 2P words per
// row): rows y-1, y and y+1 around the target row, so every neighbour is one of the window's bits. With
// S ≥ 2 the window's rows y and y-1 come from two small block-RAM delay lines (a flip-flop window would
// cost 2S·P logic cells); only the edge bits each row needs for its wrap-around are kept in flip-flops.
// The stream starts one row early (row L-1) and ends one row late (row 0 again): 2S prefill reads per
// half-sweep. Between half-sweeps the pipeline drains, so the next half-sweep reads the new spins.
//
// Pipeline: stage 1 (block-RAM words and window) → classify (each lane's agreement count, registered) →
// compare (the lanes' random chunks against the selected threshold's top digit) → decided (the new word,
// ties marked; written back from there with its tie settled). No lane decision reaches a pipeline enable in
// the same clock: the stages hold on `stall`, which comes from the decided registers only.
//
// Decisions: lane l compares its b-bit random chunk c with the top b bits of the 24-bit threshold T its site
// selects (the top digit reaches 2^b = "always"). Below flips, above keeps, equal ties. One tie resolver for
// all lanes settles a tie on the way from the decided stage to the memory: it draws 24 - b bits r from its
// own generator (xorshift32) and flips when r < T mod 2^(24-b), so exactly u = c·2^(24-b) + r < T. It settles
// one tie per clock: a step with k ≥ 2 ties holds the stages before it for k - 1 clocks (rare: about
// (P·2^-b)²/2 of the steps), a step with one tie costs nothing. MODE selects which thresholds are stored:
// 0 Metropolis without a field (entries 8, 9; the others are "always" or their mirror), 1 any table symmetric
// under s, n → -s, -n (entries 5 … 9, no field), 2 all ten (field).
//
// Statistics, recomputed every sweep from the lattice itself (nothing to keep per replica), summed from the
// decided stage's registers: every site is written once per sweep, so M = 2·(ones written) − N; every bond
// has one end of each colour, so after the colour-1 half-sweep E = −Σ s·n over colour-1 sites =
// 2N − 2·(colour-1 sites' neighbours equal to their new spin). Two pipelined adder trees (ising_stats) sum
// these per step. After each replica's sweep its E and M go to the measurement unit (ising_measure), which sums
// E, E², M, |M|, M², E·M and M⁴ per temperature slot over a bin of BIN sweeps and streams one bin record per
// slot when the bin ends (and at the end of a run, for a partial bin).
`default_nettype none

module ising_engine #(
    parameter integer L_LOG2        = 4,
    parameter integer P_LOG2        = 2,
    parameter integer R             = 1,    // replicas: lattices with their own table, swept in turn
    parameter integer R_BITS        = 1,    // max(1, ceil(log2 R))
    parameter integer MODE          = 0,
    parameter integer CHUNK         = 12,   // random bits per lane per clock: 8 or 12
    parameter integer STATS_LATENCY = 2,    // clocks from a decided step to its sums (ising_stats)
    parameter integer DSP_COUNTERS  = 0,    // 1: the 32-bit event counters in DSP blocks (UP5K)
    parameter [31:0]  SHAPE         = 32'd0 // the SHAPE register: packed by the generator from the contract's fields
) (
    input  wire        clk,
    input  wire        rst,

    // Link register port (hdl/link_core.v).
    input  wire [15:0] reg_addr,
    input  wire [31:0] reg_wdata,
    input  wire        reg_write,
    input  wire        reg_read,
    output reg  [31:0] reg_rdata,

    // Link memory port: memory 0 is the lattice (host words of HOST_BITS spins, docs/ising.md).
    input  wire [23:0] mem_addr,
    input  wire [31:0] mem_wdata,
    input  wire        mem_write,
    input  wire        mem_read,
    output reg         mem_ack,
    output reg  [31:0] mem_rdata,

    // Statistics stream.
    output wire [7:0]  stream_data,
    output wire        stream_valid,
    input  wire        stream_ready,

    output wire        busy,            // running or seeding: the lattice memory belongs to the engine
    output wire        running
);
    // ---- shape ----
    localparam integer L         = 1 << L_LOG2;
    localparam integer P         = 1 << P_LOG2;
    localparam integer S_LOG2    = L_LOG2 - 1 - P_LOG2;   // words per row and colour: S = L / 2P
    localparam integer S         = 1 << S_LOG2;
    localparam integer Q_BITS    = L_LOG2 + S_LOG2;       // steps per half-sweep: L·S
    localparam integer ADDR_BITS = R_BITS + Q_BITS;
    localparam integer DEPTH     = R << Q_BITS;
    localparam integer MEM_BITS  = (R == 1) ? Q_BITS : ADDR_BITS;   // the replica bit is constant with R = 1
    localparam integer K_BITS    = Q_BITS + 2;
    localparam integer K_TOTAL   = (L + 2) * S;           // stream words per half-sweep, prefill included
    localparam integer TW        = CHUNK + 1;             // top digit width: it reaches 2^CHUNK
    localparam integer REM       = 24 - CHUNK;            // bits the tie resolver draws and compares
    localparam integer NT        = (MODE == 0) ? 2 : (MODE == 1) ? 5 : 10;
    localparam integer FIRST_K   = 10 - NT;               // stored table entries: FIRST_K … 9
    localparam integer HOST_BITS = (P < 16) ? P : 16;
    localparam integer CH_BITS   = (P_LOG2 > 4) ? P_LOG2 - 4 : 0;
    localparam integer SEED_STEPS = 128;
    localparam integer DRAIN     = STATS_LATENCY + 2;
    localparam [24:0] ALWAYS     = 25'h1000000;           // 2^24: flips whatever the random number
    localparam integer SITES     = L * L;
    localparam integer PREFILL_WORDS = 2 * S;
    localparam [K_BITS-1:0] PREFILL = PREFILL_WORDS[K_BITS-1:0];
    localparam integer S_MASK_VALUE = S - 1;
    localparam [K_BITS-1:0] S_MASK  = S_MASK_VALUE[K_BITS-1:0];

    // ---- register map: ISING_ID, REG_* (generated from src/cores/ising/contract.ts; docs/ising.md) ----
`include "ising_map.vh"

    localparam [2:0] ST_IDLE = 3'd0, ST_SEED = 3'd1, ST_BEGIN = 3'd2, ST_HALF = 3'd3, ST_DRAIN = 3'd4,
                     ST_HANDOFF = 3'd5, ST_FLUSH = 3'd6, ST_EXCHANGE = 3'd7;
    localparam integer BIN_BITS = 22;
    // With one replica a sweep follows the last straight away; with several, ST_BEGIN copies the next replica's
    // table first.
    localparam [2:0] NEXT_SWEEP = (R == 1) ? ST_HALF : ST_BEGIN;
    // Replica exchange exists with R > 1 only: with one replica its registers read 0 and its logic folds away.
    localparam       HAS_EXCHANGE = (R > 1);    // the BIN register: every sum stays exact for L ≤ 1024 (docs/ising.md)

    reg  [2:0]          state;
    reg  [R_BITS-1:0]   replica;
    reg                 colour;
    reg  [31:0]         sweeps_left;
    reg                 stop_request;
    reg  [31:0]         seed;
    reg  [7:0]          seed_count;
    reg                 rng_restart;
    reg  [K_BITS-1:0]   issue_k;
    reg  [3:0]          drain_count;
    wire [31:0]         clocks, tie_clocks, sweeps_done, elapsed;
    reg  [BIN_BITS-1:0] bin_size;           // sweeps per bin (0 acts as 1)
    wire [BIN_BITS-1:0] bin_count;          // sweeps of the current bin done (a DSP accumulator on the UP5K)
    reg  [15:0]         swap_every;         // SWAP: engine sweeps between swap rounds (0: none)
    reg  [15:0]         swap_count;         // engine sweeps since the last round
    reg  [31:0]         swap_rounds;        // ROUNDS
    reg  [2:0]          after_exchange;     // where the engine goes when the round is done
    wire [R_BITS-1:0]   slot;               // the sweeping replica's temperature slot (its table, its sums)

    assign busy    = (state != ST_IDLE);
    assign running = (state != ST_IDLE) && (state != ST_SEED);

    // ---- per-replica thresholds; statistics of the sweeping replica ----
    reg  [R*NT*25-1:0]  thresholds;
    wire [NT*25-1:0]    table_now;          // the sweeping replica's thresholds
    // The sums need log2(N) + 2 bits (agree ≤ 2N, ones ≤ N), E and M as signed numbers log2(N) + 3 and + 2.
    localparam integer  SUM_BITS = 2 * L_LOG2 + 2;
    localparam integer  E_BITS   = 2 * L_LOG2 + 3;
    localparam integer  M_BITS   = 2 * L_LOG2 + 2;
    wire [SUM_BITS-1:0] agree_count;        // Σ over colour-1 sites: neighbours equal to the new spin
    wire [M_BITS-2:0]   ones_count;         // Σ over all sites: new spin is +1 (≤ N)

    wire [15:0] field_index   = (reg_addr - REG_TABLE_BASE) & (REG_TABLE_STRIDE - 16'd1);
    wire [15:0] replica_index = (reg_addr - REG_TABLE_BASE) / REG_TABLE_STRIDE;
    wire        replica_reg   = (reg_addr >= REG_TABLE_BASE) && (replica_index < R[15:0]);

    genvar gr, gk, gl, gg;
    generate
        for (gr = 0; gr < R; gr = gr + 1) begin : replica_regs
            for (gk = 0; gk < NT; gk = gk + 1) begin : entry
                localparam integer ENTRY_ADDR = {16'd0, REG_TABLE_BASE} + {16'd0, REG_TABLE_STRIDE} * gr + FIRST_K + gk;
                always @(posedge clk) begin
                    if (rst) thresholds[(gr * NT + gk) * 25 +: 25] <= 25'd0;
                    else if (reg_write && !running && reg_addr == ENTRY_ADDR[15:0])
                        thresholds[(gr * NT + gk) * 25 +: 25] <= reg_wdata[24:0];
                end
            end
        end
    endgenerate

    // Table entry k as stored or implied (entries below FIRST_K mirror 9 - k or are "always").
    // Per-replica views of the flat registers: R-way multiplexers, indexed by the sweeping replica or by
    // the register address.
    wire [NT*25-1:0] table_of [0:R-1];
    generate
        for (gr = 0; gr < R; gr = gr + 1) begin : replica_views
            assign table_of[gr] = thresholds[gr * NT * 25 +: NT * 25];
        end
    endgenerate
    // With one replica the registers themselves (written only while idle); with several, a copy taken as
    // each replica's sweep begins (an R-way multiplexer in front of every lane would cost more).
    generate
        if (R == 1) begin : one_table
            assign table_now = thresholds;
        end else begin : table_copy
            reg [NT*25-1:0] copy;
            always @(posedge clk) if (state == ST_BEGIN) copy <= table_of[slot];
            assign table_now = copy;
        end
    endgenerate
    wire [R_BITS-1:0] addressed  = replica_index[R_BITS-1:0];
    wire [NT*25-1:0]  thresholds_at = table_of[addressed];
    // Stored entries by index, so the register read is a multiplexer, not a multiply by 25 (which synthesis
    // would put into a DSP block).
    wire [24:0] stored_at [0:15];
    generate
        for (gk = 0; gk < 16; gk = gk + 1) begin : stored_entry
            if (gk < NT) begin : stored
                assign stored_at[gk] = thresholds_at[gk * 25 +: 25];
            end else begin : none
                assign stored_at[gk] = 25'd0;
            end
        end
    endgenerate
    function [24:0] table_entry(input [3:0] field);
        integer k, mirror;
        begin
            k = {28'd0, field};
            mirror = (k >= FIRST_K) ? k : 9 - k;
            if (k > 9) table_entry = 25'd0;
            else if (mirror >= FIRST_K) table_entry = stored_at[mirror - FIRST_K];
            else table_entry = ALWAYS;
        end
    endfunction

    // ---- lattice memories ----
    // no_rw_check: a word is never read in the clock it is written (the engine writes a step's target two
    // steps after reading it, the other colour is not written during a half-sweep, host accesses read then
    // write), so yosys needs no collision logic around the block RAMs.
    (* no_rw_check *) reg [P-1:0] colour0 [0:DEPTH-1];
    (* no_rw_check *) reg [P-1:0] colour1 [0:DEPTH-1];
    reg  [P-1:0] read0, read1;
    integer init_i;
    initial begin
        for (init_i = 0; init_i < DEPTH; init_i = init_i + 1) begin
            colour0[init_i] = {P{1'b1}};   // all spins +1, as the reference model starts
            colour1[init_i] = {P{1'b1}};
        end
    end

    // ---- generator ----
    wire [P*CHUNK-1:0] chunks;
    wire               evaluating;          // the lanes compare a new step this clock: it consumes a chunk
    wire               rng_step = ((state == ST_SEED) && !rng_restart) || evaluating;
    lane_rng u_rng (
        .clk(clk), .rst(rst || rng_restart), .step(rng_step),
        .seeding((state == ST_SEED) && (seed_count < SEED_STEPS[7:0])), .seed(seed), .chunks(chunks)
    );

    // ---- stage 0: issue reads ----
    wire [K_BITS-1:0]    issue_t     = issue_k & S_MASK;
    wire [K_BITS-1:0]    issue_row   = ((issue_k >> S_LOG2) + L[K_BITS-1:0] - 1'b1) & (L[K_BITS-1:0] - 1'b1);
    wire                 issue_step  = (issue_k >= PREFILL);
    wire [K_BITS-1:0]    issue_q     = issue_k - PREFILL;
    wire [K_BITS-1:0]    other_index = (issue_row << S_LOG2) | issue_t;
    wire [ADDR_BITS-1:0] other_addr  = {replica, other_index[Q_BITS-1:0]};
    wire [ADDR_BITS-1:0] target_addr = {replica, issue_q[Q_BITS-1:0]};
    wire                 can_issue   = (state == ST_HALF) && (issue_k < K_TOTAL[K_BITS-1:0]);

    // ---- pipeline: stage 1 (block-RAM words, window) → classify (registered agreement counts) → compare ----
    // Every stage up to the decided one holds while the decided step has two or more ties left. `stall` is a
    // register, so no lane decision reaches a pipeline enable in the same clock.
    reg                 s1_valid, s1_step, s1_first_t, s1_last_t, s1_offset;
    reg  [K_BITS-1:0]   s1_k;
    wire                stall;              // the tie resolver settles one of several ties this clock
    wire                advance = !stall;

    wire [P-1:0] target_word = colour ? read1 : read0;
    wire [P-1:0] other_word  = colour ? read0 : read1;
    // Window: D(d) = the stream word that was at stage 1 d steps ago; D(0) = other_word.
    wire [P-1:0] row_up;        // D(2S): row y-1
    wire [P-1:0] row_centre;    // D(S):  row y
    wire [P-1:0] row_down = other_word;
    wire         shift_window = advance && s1_valid;
    wire         prev_top, next_bottom;
    reg  [2*S:1] tops, bottoms; // bit P-1 and bit 0 of D(1) … D(2S)
    always @(posedge clk) begin
        if (shift_window) begin
            tops    <= {tops[2*S-1:1], other_word[P-1]};
            bottoms <= {bottoms[2*S-1:1], other_word[0]};
        end
    end
    // Bits just outside the centre word: the previous word's top bit / the next word's bottom bit (the row
    // wraps around at t = 0 and t = S-1).
    assign prev_top    = s1_first_t ? tops[1] : tops[S + 1];
    assign next_bottom = s1_last_t ? bottoms[2 * S - 1] : (S == 1 ? other_word[0] : bottoms[S - 1 + (S == 1 ? 1 : 0)]);
    generate
        if (S == 1) begin : window_flops
            reg [2*P-1:0] window;   // D(1), D(2)
            always @(posedge clk) if (shift_window) window <= {window[P-1:0], other_word};
            assign row_centre = window[P-1:0];
            assign row_up     = window[2*P-1:P];
        end else begin : window_delay_lines
            // delay_near[k mod S] holds D(S) for stream word k, delay_far[k mod S] holds D(2S): each is read
            // when word k is issued and written when the word at stage 1 moves on.
            // A slot is read one step before it is rewritten (never in the same clock, S ≥ 2).
            (* ram_style = "block", no_rw_check *) reg [P-1:0] delay_near [0:S-1];
            (* ram_style = "block", no_rw_check *) reg [P-1:0] delay_far  [0:S-1];
            reg  [P-1:0]        near_q, far_q;
            wire [S_LOG2-1:0]   write_slot = s1_k[S_LOG2-1:0];
            wire [S_LOG2-1:0]   read_slot  = issue_k[S_LOG2-1:0];
            always @(posedge clk) begin
                if (shift_window) delay_near[write_slot] <= other_word;
                if (advance && can_issue) near_q <= delay_near[read_slot];
            end
            always @(posedge clk) begin
                if (shift_window) delay_far[write_slot] <= near_q;
                if (advance && can_issue) far_q <= delay_far[read_slot];
            end
            assign row_centre = near_q;
            assign row_up     = far_q;
        end
    endgenerate
    wire [P-1:0] row_left  = s1_offset ? row_centre : {row_centre[P-2:0], prev_top};
    wire [P-1:0] row_right = s1_offset ? {next_bottom, row_centre[P-1:1]} : row_centre;

    // The top digit of each stored threshold (shared by all lanes), and what lies below it for the tie resolver.
    wire [NT*TW-1:0]  digits;
    wire [NT*REM-1:0] remainders;
    // By stored index; unused indices read "never". Metropolis engines (MODE 0) read `digits` directly.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [TW-1:0]    digit_of [0:15];
    /* verilator lint_on UNUSEDSIGNAL */
    generate
        for (gk = NT; gk < 16; gk = gk + 1) begin : no_digit
            assign digit_of[gk]     = {TW{1'b0}};
        end
        for (gk = 0; gk < NT; gk = gk + 1) begin : digit
            wire [24:0] value = table_now[gk * 25 +: 25];
            assign digits[gk * TW +: TW]       = value[24:24-CHUNK];
            assign remainders[gk * REM +: REM] = value[REM-1:0];
            assign digit_of[gk]     = digits[gk * TW +: TW];
        end
    endgenerate

    // Classify: per lane, the neighbours equal to the old spin, registered with the old spin.
    reg                 c_valid, c_step;
    reg  [P-1:0]        c_spin;
    reg  [P*3-1:0]      c_agree;
    wire                c_active = c_valid && c_step;
    wire [P*3-1:0]      agree_now;
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : classify
            // Counted as logic (not adders: a carry chain per lane would cost more cells than these LUTs).
            wire [3:0] same = ~({row_up[gl], row_down[gl], row_left[gl], row_right[gl]} ^ {4{target_word[gl]}});
            assign agree_now[gl * 3]     = ^same;
            assign agree_now[gl * 3 + 1] = (same == 4'b0011) || (same == 4'b0101) || (same == 4'b0110) ||
                                           (same == 4'b1001) || (same == 4'b1010) || (same == 4'b1100) ||
                                           (same == 4'b0111) || (same == 4'b1011) || (same == 4'b1101) ||
                                           (same == 4'b1110);
            assign agree_now[gl * 3 + 2] = &same;
        end
    endgenerate
    always @(posedge clk) begin
        if (rst) c_valid <= 1'b0;
        else if (advance) begin
            c_valid <= s1_valid;
            c_step  <= s1_valid && s1_step;
            c_spin  <= target_word;
            c_agree <= agree_now;
        end
    end

    // Decided stage: the step compared last clock, its tied lanes marked. A tied lane has not flipped, so its
    // word bit is the old spin and its energy unit its agreement count: together they give the table entry the
    // tie resolver needs (no copy of stage c's registers).
    reg                 d_valid;            // a step was compared
    reg  [Q_BITS-1:0]   write_q;            // the decided step's word: steps complete in order, one count each
    reg  [P-1:0]        d_word;             // its new spins, tied lanes unchanged
    reg  [P-1:0]        d_tie;              // lanes still tied
    reg  [P-1:0]        d_settled;          // tied lanes the resolver flipped in earlier clocks of this step
    reg  [P*3-1:0]      d_energy;           // per lane: neighbours equal to the new spin, tied lanes unchanged
    assign evaluating = c_active && advance;
    wire                d_complete = d_valid && advance;   // its last tie (if any) is settled this clock

    wire [P-1:0]   tie, word_next;
    wire [P*3-1:0] energy_next;
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : lane
            wire [2:0] agree = c_agree[gl * 3 +: 3];
            wire       spin  = c_spin[gl];
            // 4 - a for a = 0 … 4 as logic ({a == 0, a1 ^ a0, a0}), not a subtractor on a carry chain.
            wire [2:0] agree_flipped = {agree == 3'd0, agree[1] ^ agree[0], agree[0]};
            wire [CHUNK-1:0] u = chunks[gl * CHUNK +: CHUNK];
            wire below, equal;
            if (MODE == 0) begin : metropolis_compare
                // Metropolis without a field: entry 9 for a = 4, entry 8 for a = 3. Entries 8 and 9 are below
                // 2^24 (the host checks), so their top digits fit CHUNK bits: a lane compares CHUNK bits, and
                // "always" (entries ≤ 7) is a flag, not a ninth digit bit.
                wire sel9 = agree[2];
                wire sel8 = (agree[1:0] == 2'b11);
                wire [CHUNK-1:0] stored = sel9 ? digits[TW +: CHUNK] : digits[0 +: CHUNK];
                wire             always_flips = !sel9 && !sel8;
                assign below = always_flips || (u < stored);
                assign equal = !always_flips && (u == stored);
            end else begin : table_compare
                wire [2:0] ups = spin ? agree : agree_flipped;                       // neighbours that are +1
                wire [3:0] full_index = spin ? 4'd5 + {1'b0, ups} : {1'b0, ups};   // tables.ts order
                reg [TW-1:0] level;
                always @* begin
                    if (MODE == 1) level = digit_of[{1'b0, agree}];
                    else           level = digit_of[full_index];
                end
                assign below = {1'b0, u} < level;
                assign equal = {1'b0, u} == level;
            end
            assign tie[gl]       = c_active && equal;
            assign word_next[gl] = spin ^ below;
            // Neighbours equal to the new spin: a if kept, 4 - a if flipped.
            assign energy_next[gl * 3 +: 3] = below ? agree_flipped : agree;
        end
    endgenerate

    // ---- tie resolver: the lowest tied lane of the decided step, one per clock ----
    // The draw is compared with every stored remainder at once (registers in: no lane in that path); each lane
    // then knows whether it would flip if picked, and the picked lane — the lowest tied one, from one carry
    // chain — takes that. What the statistics need of it (old spin, agreement count) is gathered off this path
    // and added a clock later.
    reg  [31:0]    tie_random;                            // xorshift32; its top REM bits are the next draw
    wire [31:0]    tie_x1 = tie_random ^ (tie_random << 13);
    wire [31:0]    tie_x2 = tie_x1 ^ (tie_x1 >> 17);
    wire [31:0]    tie_next = tie_x2 ^ (tie_x2 << 5);
    localparam [31:0] TIE_SEED_MIX = 32'h9e3779b9;
    wire [31:0]    tie_seeded = (seed ^ TIE_SEED_MIX) | 32'd1;  // never 0, the state xorshift cannot leave
    wire [REM-1:0] tie_draw = tie_random[31 -: REM];
    wire [15:0]    draw_below;                            // per stored entry: draw < its remainder
    generate
        for (gk = 0; gk < 16; gk = gk + 1) begin : draw_compare
            if (gk < NT) begin : stored
                assign draw_below[gk] = tie_draw < remainders[gk * REM +: REM];
            end else begin : none
                assign draw_below[gk] = 1'b0;
            end
        end
    endgenerate
    // The lowest tied lane, found in groups of TIE_GROUP lanes: a borrow chain per group (d_tie − 1 within the
    // group) instead of one across all P lanes, so the stall below waits for a short chain, not a long one —
    // the full chain was the engine's critical path (32 lanes: 16 carries less, 4.5 ns on the UP5K). A group
    // picks its lowest tie only when no lower group holds one: the same lane as one chain would pick.
    localparam integer TIE_GROUP  = (P > 16) ? 16 : P;
    localparam integer TIE_GROUPS = P / TIE_GROUP;
    wire [P-1:0]          pick;                          // the lowest tied lane (one-hot, or none)
    wire [TIE_GROUPS-1:0] group_any;                     // the group has a tie
    wire [TIE_GROUPS-1:0] group_two;                     // the group has two or more
    wire [TIE_GROUPS-1:0] lower_any;                     // some group below this one has a tie
    generate
        for (gg = 0; gg < TIE_GROUPS; gg = gg + 1) begin : tie_group
            wire [TIE_GROUP-1:0] ties = d_tie[gg * TIE_GROUP +: TIE_GROUP];
            wire [TIE_GROUP-1:0] less = ties - 1'b1;
            if (gg == 0) begin : first
                assign lower_any[gg] = 1'b0;
            end else begin : above
                assign lower_any[gg] = |group_any[gg - 1:0];
            end
            assign pick[gg * TIE_GROUP +: TIE_GROUP] = lower_any[gg] ? {TIE_GROUP{1'b0}} : ties & ~less;
            assign group_any[gg]   = |ties;
            assign group_two[gg]   = |(ties & less);
        end
    endgenerate
    // Two or more groups with a tie (the same borrow trick on the group flags: a chain of TIE_GROUPS).
    wire [TIE_GROUPS-1:0] groups_less = group_any - 1'b1;
    wire                  groups_two  = |(group_any & groups_less);
    wire [P-1:0] would_flip;                              // per lane: the draw is below its entry's remainder
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : settle
            // A tied lane has not flipped: its decided word bit is the old spin, its energy unit the count a.
            wire [2:0] a = d_energy[gl * 3 +: 3];
            wire       s_old = d_word[gl];
            wire [2:0] ups = s_old ? a : {a == 3'd0, a[1] ^ a[0], a[0]};
            wire [3:0] index = (MODE == 0) ? {3'd0, a[2]} :                 // entries 8 (a = 3), 9 (a = 4)
                               (MODE == 1) ? {1'b0, a} :
                               s_old ? 4'd5 + {1'b0, ups} : {1'b0, ups};
            assign would_flip[gl] = draw_below[index];
        end
    endgenerate
    wire [P-1:0] flips_now   = pick & would_flip;
    wire [P-1:0] settled_now = d_settled | flips_now;
    wire         settling    = d_valid && (|d_tie);

    // Stall while the decided step has ≥ 2 ties: two in one group, or ties in two groups.
    assign stall = d_valid && ((|group_two) || groups_two);

    // The settled flip for the statistics, registered: the picked lane's old spin and count a (AND-OR gather).
    reg          fix_valid, fix_spin, fix_colour;
    reg  [2:0]   fix_agree;
    reg          gather_spin;
    reg  [2:0]   gather_agree;
    integer      pl;
    always @* begin
        gather_spin  = 1'b0;
        gather_agree = 3'd0;
        for (pl = 0; pl < P; pl = pl + 1) begin
            gather_spin  = gather_spin | (pick[pl] & d_word[pl]);
            gather_agree = gather_agree | ({3{pick[pl]}} & d_energy[pl * 3 +: 3]);
        end
    end
    always @(posedge clk) begin
        fix_valid  <= !rst && (|flips_now);
        fix_spin   <= gather_spin;
        fix_colour <= colour;
        // (Metropolis: a tied lane has a = 3 or 4, so bit 2 alone tells them apart.)
        fix_agree  <= (MODE == 0) ? {gather_agree[2], {2{!gather_agree[2]}}} : gather_agree;
    end
    wire [3:0] fix_delta = 4'd4 - {fix_agree, 1'b0};    // 4 − 2a, two's complement


    always @(posedge clk) begin
        if (rst) begin
            s1_valid   <= 1'b0;
            d_valid    <= 1'b0;
            d_tie      <= {P{1'b0}};
            tie_random <= TIE_SEED_MIX | 32'd1;
        end else begin
            if (state == ST_SEED && rng_restart) tie_random <= tie_seeded;
            else if (settling) tie_random <= tie_next;
            if (advance) begin
                d_valid   <= evaluating;
                d_word    <= word_next;
                d_tie     <= evaluating ? tie : {P{1'b0}};
                d_settled <= {P{1'b0}};
                d_energy  <= energy_next;
                s1_valid   <= can_issue;
                s1_step    <= issue_step;
                s1_k       <= issue_k;
                s1_first_t <= (issue_q & S_MASK) == {K_BITS{1'b0}};
                s1_last_t  <= (issue_q & S_MASK) == S_MASK;
                s1_offset  <= issue_q[S_LOG2] ^ colour;
            end else begin
                d_tie     <= d_tie & ~pick;               // the picked lane is done
                d_settled <= settled_now;
            end
        end
    end

    // ---- write back (from the decided stage, ties settled); statistics ----
    // Every site is written once per sweep, so M = 2·(ones written) − N; every bond has one end of each
    // colour, so after the colour-1 half-sweep E = 2N − 2·(colour-1 sites' neighbours equal to their new
    // spin). The sums come from the decided registers, off the decision path, with tied lanes as they were;
    // each tie the resolver flips adds its change to two small accumulators instead (4 − 2a neighbours equal
    // to the new spin, ±1 ones): cheaper than a multiplexer per lane in front of the adder trees.
    wire               sums_valid;
    // The colour of the step whose sums come out of the trees (colour 1 starts before colour 0's sums are out).
    reg  [STATS_LATENCY-1:0] colour_pipe;
    generate
        if (STATS_LATENCY == 1) begin : colour_delay_one
            always @(posedge clk) colour_pipe <= colour;
        end else begin : colour_delay
            always @(posedge clk) colour_pipe <= {colour_pipe[STATS_LATENCY-2:0], colour};
        end
    endgenerate
    wire               sums_colour = colour_pipe[STATS_LATENCY-1];
    wire [P_LOG2+2:0]  agree_sum;     // Σ energy_units of a step
    wire [P_LOG2:0]    ones_sum;      // ones in a step's new word
    ising_stats u_stats (
        .clk(clk), .in_valid(d_complete), .energy_units(d_energy), .new_spins(d_word),
        .out_valid(sums_valid), .energy_sum(agree_sum), .ones_sum(ones_sum)
    );
    localparam integer TWO_SITES_VALUE = 2 * SITES;
    localparam [E_BITS-1:0] TWO_SITES = TWO_SITES_VALUE[E_BITS-1:0];
    localparam [M_BITS-1:0] ALL_SITES = SITES[M_BITS-1:0];
    wire [E_BITS-1:0] energy_now = TWO_SITES - {agree_count, 1'b0};          // E = 2N − 2·Σ agree
    wire [M_BITS-1:0] magnet_now = {ones_count, 1'b0} - ALL_SITES; // M = 2·ones − N
    // What a step's sums and a settled flip add, combined in a few bits before the wide accumulators (two's
    // complement: a settled flip may take away). A settled flip: a → 4 − a neighbours equal to the new spin
    // (colour 1 only), one more or one fewer +1 spin; it arrives a clock after the flip (fix_*), with its colour.
    localparam integer AW = P_LOG2 + 4;
    wire [AW-1:0] agree_step = ((sums_valid && sums_colour) ? {1'b0, agree_sum} : {AW{1'b0}}) +
                               ((fix_valid && fix_colour) ? {{(AW - 4){fix_delta[3]}}, fix_delta} : {AW{1'b0}});
    wire [P_LOG2+1:0] ones_step = (sums_valid ? {1'b0, ones_sum} : {(P_LOG2 + 2){1'b0}}) +
                                  (!fix_valid ? {(P_LOG2 + 2){1'b0}} : fix_spin ? {(P_LOG2 + 2){1'b1}} : {{(P_LOG2 + 1){1'b0}}, 1'b1});
    wire [31:0] sweep_energy = {{(32 - E_BITS){energy_now[E_BITS-1]}}, energy_now};
    wire [31:0] sweep_magnet = {{(32 - M_BITS){magnet_now[M_BITS-1]}}, magnet_now};

    // ---- host access to the lattice (engine idle): read-modify-write of one HOST_BITS-bit host word ----
    localparam integer CHUNK_SEL_BITS = (CH_BITS > 0) ? CH_BITS : 1;
    wire [23:0]          host_rest  = mem_addr >> CH_BITS;
    wire [CHUNK_SEL_BITS-1:0] host_chunk = mem_addr[CHUNK_SEL_BITS-1:0] & {CHUNK_SEL_BITS{CH_BITS > 0}};
    wire [ADDR_BITS-1:0] host_word_addr = {host_rest[Q_BITS+R_BITS:Q_BITS+1], host_rest[Q_BITS-1:0]};
    wire                 host_colour = host_rest[Q_BITS];
    reg  [1:0]           host_phase;          // 0 idle, 1 reading the word, 2 word ready
    reg                  host_is_write;
    wire [P-1:0]         host_word = host_colour ? read1 : read0;
    // Host word `chunk` of the P-bit word: replaced on writes, selected on reads (a small multiplexer per
    // bit; a shift by chunk·HOST_BITS would build a barrel shifter).
    localparam integer CHUNKS = P / HOST_BITS;
    wire [P-1:0]         host_merged;
    wire [HOST_BITS-1:0] host_chunks [0:CHUNKS-1];
    genvar gc;
    generate
        for (gc = 0; gc < CHUNKS; gc = gc + 1) begin : host_chunk_mux
            assign host_merged[gc * HOST_BITS +: HOST_BITS] =
                (host_chunk == gc[CHUNK_SEL_BITS-1:0]) ? mem_wdata[HOST_BITS-1:0] : host_word[gc * HOST_BITS +: HOST_BITS];
            assign host_chunks[gc] = host_word[gc * HOST_BITS +: HOST_BITS];
        end
    endgenerate
    wire [HOST_BITS-1:0] host_selected = host_chunks[host_chunk];

    always @(posedge clk) begin
        mem_ack <= 1'b0;
        if (rst) begin
            host_phase <= 2'd0;
        end else if (host_phase == 2'd0 && (mem_read || mem_write)) begin
            host_phase    <= 2'd1;
            host_is_write <= mem_write;
        end else if (host_phase == 2'd1) begin
            host_phase <= 2'd2;
        end else if (host_phase == 2'd2) begin
            host_phase <= 2'd0;
            mem_ack    <= 1'b1;
            mem_rdata  <= {{(32 - HOST_BITS){1'b0}}, host_selected};
        end
    end

    // ---- memory ports ----
    wire engine_owns = (state != ST_IDLE);
    wire [ADDR_BITS-1:0] read_addr0 = !engine_owns ? host_word_addr : colour ? other_addr : target_addr;
    wire [ADDR_BITS-1:0] read_addr1 = !engine_owns ? host_word_addr : colour ? target_addr : other_addr;
    wire read_enable0 = !engine_owns ? (host_phase == 2'd1) : advance && can_issue && (colour || issue_step);
    wire read_enable1 = !engine_owns ? (host_phase == 2'd1) : advance && can_issue && (!colour || issue_step);
    wire host_write   = !engine_owns && host_phase == 2'd2 && host_is_write;
    wire write0 = engine_owns ? (d_complete && !colour) : (host_write && !host_colour);
    wire write1 = engine_owns ? (d_complete && colour) : (host_write && host_colour);
    wire [ADDR_BITS-1:0] write_addr = engine_owns ? {replica, write_q} : host_word_addr;
    wire [P-1:0]         write_data = engine_owns ? (d_word ^ settled_now) : host_merged;

    always @(posedge clk) begin
        if (write0) colour0[write_addr[MEM_BITS-1:0]] <= write_data;
        if (read_enable0) read0 <= colour0[read_addr0[MEM_BITS-1:0]];
    end
    always @(posedge clk) begin
        if (write1) colour1[write_addr[MEM_BITS-1:0]] <= write_data;
        if (read_enable1) read1 <= colour1[read_addr1[MEM_BITS-1:0]];
    end

    // ---- measurements: bin sums per temperature slot (ising_measure), streamed as bin records ----
    wire meas_ready, meas_flushing, meas_busy;
    // A bin that ends before the run does is flushed at the next handoff (flush_pending), so the engine sweeps on
    // while the unit finishes the bin's last record; the last bin of a run is flushed from ST_FLUSH.
    reg  flush_pending;
    reg  [BIN_BITS-1:0] flush_count;        // sweeps of the bin to flush
    wire meas_take  = (state == ST_HANDOFF) && !flush_pending && meas_ready;
    wire meas_flush = ((state == ST_HANDOFF && flush_pending) || state == ST_FLUSH) && meas_ready;
    // The engine waits for the unit; while the unit streams bin records, that is the link's time, not the engine's
    // (CLOCKS excludes it, ELAPSED counts it).
    wire link_wait  = (state == ST_HANDOFF || state == ST_FLUSH) && !meas_ready && meas_flushing;
    ising_measure #(.L_LOG2(L_LOG2), .SLOTS(R), .SLOT_BITS(R_BITS), .FIELD(MODE == 2 ? 1 : 0)) u_measure (
        .clk(clk), .rst(rst), .take(meas_take), .slot(slot), .energy(sweep_energy), .magnet(sweep_magnet),
        .flush(meas_flush), .bin_sweeps({{(24 - BIN_BITS){1'b0}}, flush_count}), .ready(meas_ready),
        .flushing(meas_flushing), .busy(meas_busy),
        .stream_data(stream_data), .stream_valid(stream_valid), .stream_ready(stream_ready)
    );

    // ---- replica exchange (R > 1): placement of replicas on temperature slots, swap rounds ----
    localparam integer EW = 2 * L_LOG2 + 3;       // E as a signed number: |E| ≤ 2N
    wire exchange_busy;
    wire exchange_start = (state == ST_EXCHANGE) && !exchange_busy && !exchange_started;
    reg  exchange_started;
    wire [31:0]       exchange_rdata;
    wire [R_BITS-1:0] place_is;
    wire [15:0]       place_index    = reg_addr - REG_PLACE_BASE;
    wire [15:0]       exchange_index = reg_addr - REG_EXCHANGE_BASE;
    generate
        if (R > 1) begin : exchange
            ising_exchange #(.R(R), .R_BITS(R_BITS), .EW(EW), .KW(2 * L_LOG2 + 1)) u_exchange (
                .clk(clk), .rst(rst),
                .host_write(reg_write && !running && reg_addr >= REG_EXCHANGE_BASE),
                .host_addr(exchange_index), .host_wdata(reg_wdata), .host_rdata(exchange_rdata),
                .place_write(reg_write && !running && reg_addr >= REG_PLACE_BASE && reg_addr < REG_EXCHANGE_BASE),
                .place_replica(place_index[R_BITS-1:0]), .place_slot(reg_wdata[R_BITS-1:0]),
                .place_of(place_index[R_BITS-1:0]), .place_is(place_is),
                .sweep_replica(replica), .sweep_slot(slot),
                .energy_write(meas_take), .energy(sweep_energy[EW-1:0]),
                .seed_write(seed_request && state == ST_IDLE), .seed(reg_wdata),
                .start(exchange_start), .odd_round(swap_rounds[0]), .busy(exchange_busy)
            );
        end else begin : no_exchange
            assign slot           = replica;
            assign exchange_busy  = 1'b0;
            assign exchange_rdata = 32'd0;
            assign place_is       = {R_BITS{1'b0}};
        end
    endgenerate

    wire run_request  = reg_write && reg_addr == REG_RUN && reg_wdata != 32'd0;
    wire seed_request = reg_write && reg_addr == REG_SEED;
    wire last_replica = (replica == R[R_BITS-1:0] - 1'b1);
    wire run_ending   = (sweeps_left == 32'd1) || stop_request;

    // ---- sweeps of the current bin: cleared when a run starts, a bin ends or the last bin is flushed ----
    wire        handoff_last = (state == ST_HANDOFF) && !flush_pending && meas_ready && last_replica;
    wire        bin_ends     = (bin_count + 1'b1 >= bin_size);
    wire        bin_clear    = rst || (state == ST_IDLE && !seed_request && run_request) ||
                               (handoff_last && !run_ending && bin_ends) || (state == ST_FLUSH && meas_ready);
    wire [31:0] bin_total;
    dsp_accumulator #(.USE_DSP(DSP_COUNTERS)) u_bin_count (
        .clk(clk), .clear(bin_clear), .addend({15'd0, handoff_last && !run_ending && !bin_ends}), .value(bin_total));
    assign bin_count = bin_total[BIN_BITS-1:0];

    // ---- the sweep's sums (restart when a sweep begins and when the measurement unit has taken them) ----
    wire sums_clear = rst || (state == ST_BEGIN) || (state == ST_HANDOFF && !flush_pending && meas_ready);
    wire [31:0] agree_total, ones_total;
    dsp_accumulator #(.USE_DSP(DSP_COUNTERS), .SIGNED(1)) u_agree_sum (
        .clk(clk), .clear(sums_clear), .addend({{(16 - AW){agree_step[AW-1]}}, agree_step}), .value(agree_total));
    dsp_accumulator #(.USE_DSP(DSP_COUNTERS), .SIGNED(1)) u_ones_sum (
        .clk(clk), .clear(sums_clear), .addend({{(16 - P_LOG2 - 2){ones_step[P_LOG2+1]}}, ones_step}),
        .value(ones_total));
    assign agree_count = agree_total[SUM_BITS-1:0];
    assign ones_count  = ones_total[M_BITS-2:0];

    // ---- counters: CLOCKS, TIES, SWEEPS, ELAPSED (cleared by reset or a write to CLOCKS; DSP blocks on the UP5K) ----
    wire counters_clear = rst || (reg_write && reg_addr == REG_CLOCKS);
    dsp_accumulator #(.USE_DSP(DSP_COUNTERS)) u_clocks (
        .clk(clk), .clear(counters_clear), .addend({15'd0, running && !link_wait}), .value(clocks));
    dsp_accumulator #(.USE_DSP(DSP_COUNTERS)) u_ties (
        .clk(clk), .clear(counters_clear), .addend({15'd0, stall}), .value(tie_clocks));
    dsp_accumulator #(.USE_DSP(DSP_COUNTERS)) u_sweeps (
        .clk(clk), .clear(counters_clear), .addend({15'd0, meas_take}), .value(sweeps_done));
    dsp_accumulator #(.USE_DSP(DSP_COUNTERS)) u_elapsed (
        .clk(clk), .clear(counters_clear), .addend({15'd0, running}), .value(elapsed));

    // ---- control ----

    always @(posedge clk) begin
        if (rst) begin
            state        <= ST_SEED;       // reset seeds the generator with 0, as laneStreams(P, 0)
            seed         <= 32'd0;
            seed_count   <= 8'd0;
            rng_restart  <= 1'b0;
            sweeps_left  <= 32'd0;
            stop_request <= 1'b0;
            replica      <= {R_BITS{1'b0}};
            colour       <= 1'b0;
            issue_k      <= {K_BITS{1'b0}};
            bin_size     <= {{(BIN_BITS - 1){1'b0}}, 1'b1};
            flush_pending <= 1'b0;
            swap_every   <= 16'd0;
            swap_count   <= 16'd0;
            swap_rounds  <= 32'd0;
            exchange_started <= 1'b0;
            after_exchange <= ST_IDLE;
        end else begin
            if (reg_write && reg_addr == REG_STOP && running) stop_request <= 1'b1;
            if (reg_write && reg_addr == REG_BIN && !running) bin_size <= reg_wdata[BIN_BITS-1:0];
            if (reg_write && reg_addr == REG_SWAP && !running) begin
                swap_every  <= reg_wdata[15:0];
                swap_count  <= 16'd0;
                swap_rounds <= 32'd0;
            end
            if (advance && can_issue) issue_k <= issue_k + 1'b1;
            if (d_complete) write_q <= write_q + 1'b1;

            case (state)
                ST_IDLE: begin
                    stop_request <= 1'b0;
                    if (seed_request) begin
                        seed        <= reg_wdata;
                        seed_count  <= 8'd0;
                        rng_restart <= 1'b1;
                        state       <= ST_SEED;
                    end else if (run_request) begin
                        sweeps_left <= reg_wdata;
                        replica     <= {R_BITS{1'b0}};
                        state       <= ST_BEGIN;
                    end
                end
                ST_SEED: begin
                    // 128 clocks with the seed XORed in, then one plain step: the first chunk a lane reads is
                    // then the generator's state after one step, as the reference model's first step() gives.
                    if (rng_restart) rng_restart <= 1'b0;
                    else if (seed_count == SEED_STEPS[7:0]) state <= ST_IDLE;
                    else seed_count <= seed_count + 8'd1;
                end
                ST_BEGIN: begin
                    colour        <= 1'b0;
                    issue_k       <= {K_BITS{1'b0}};
                    write_q       <= {Q_BITS{1'b0}};
                    state         <= ST_HALF;
                end
                ST_HALF: begin
                    // Nothing in flight: the last word is written this clock, so colour 1 may start reading
                    // next clock (the sums of colour 0's last steps carry their colour down the adder trees).
                    // After colour 1 the sums must be complete: drain the trees.
                    if (!can_issue && !s1_valid && !c_valid && !d_valid) begin
                        if (!colour) begin
                            colour  <= 1'b1;
                            issue_k <= {K_BITS{1'b0}};
                            write_q <= {Q_BITS{1'b0}};
                        end else begin
                            drain_count <= 4'd0;
                            state       <= ST_DRAIN;
                        end
                    end
                end
                ST_DRAIN: begin
                    drain_count <= drain_count + 4'd1;
                    if (drain_count == DRAIN[3:0]) state <= ST_HANDOFF;
                end
                ST_HANDOFF: begin
                    // The sweep's E and M go to the measurement unit (which latches them this clock, so the
                    // sums may restart); after the last replica, a bin may end.
                    if (flush_pending) begin
                        if (meas_ready) flush_pending <= 1'b0;
                    end else if (meas_ready) begin
                        colour      <= 1'b0;
                        issue_k     <= {K_BITS{1'b0}};
                        write_q     <= {Q_BITS{1'b0}};
                        if (!last_replica) begin
                            replica <= replica + 1'b1;
                            state   <= NEXT_SWEEP;
                        end else begin
                            replica     <= {R_BITS{1'b0}};
                            sweeps_left <= stop_request ? 32'd0 : sweeps_left - 32'd1;
                            flush_count <= bin_count + 1'b1;
                            if (run_ending) begin
                                after_exchange <= ST_FLUSH;
                            end else if (bin_ends) begin
                                flush_pending  <= 1'b1;
                                after_exchange <= NEXT_SWEEP;
                            end else begin
                                after_exchange <= NEXT_SWEEP;
                            end
                            // Every swap_every engine sweeps, a round of swaps before the next sweep begins.
                            exchange_started <= 1'b0;
                            if (HAS_EXCHANGE && swap_every != 16'd0 && swap_count + 16'd1 >= swap_every) begin
                                swap_count  <= 16'd0;
                                swap_rounds <= swap_rounds + 32'd1;
                                state       <= ST_EXCHANGE;
                            end else begin
                                swap_count <= swap_count + ((swap_every != 16'd0) ? 16'd1 : 16'd0);
                                state      <= run_ending ? ST_FLUSH : NEXT_SWEEP;
                            end
                        end
                    end
                end
                ST_EXCHANGE: begin
                    // Start the round (the clock after entering), then wait for it.
                    if (!exchange_started) exchange_started <= 1'b1;
                    else if (!exchange_busy) state <= after_exchange;
                end
                ST_FLUSH: begin
                    if (meas_ready) state <= ST_IDLE;
                end
                default: state <= ST_IDLE;
            endcase

        end
    end

    // ---- register reads ----
    // STATUS, packed at the contract's field positions (STATUS_*_LSB from ising_map.vh).
    wire [31:0] status_word = ({31'd0, running}          << STATUS_RUNNING_LSB) |
                              ({31'd0, state == ST_SEED} << STATUS_SEEDING_LSB) |
                              ({31'd0, stop_request}     << STATUS_STOP_REQUESTED_LSB) |
                              ({31'd0, meas_busy}        << STATUS_MEASURING_LSB);
    always @(posedge clk) begin
        if (reg_read) begin
            if (HAS_EXCHANGE && reg_addr >= REG_EXCHANGE_BASE) begin
                reg_rdata <= exchange_rdata;
            end else if (HAS_EXCHANGE && reg_addr >= REG_PLACE_BASE) begin
                reg_rdata <= {{(32 - R_BITS){1'b0}}, place_is};
            end else if (replica_reg) begin
                reg_rdata <= {7'd0, table_entry(field_index[3:0])};
            end else begin
                case (reg_addr)
                    REG_ID:     reg_rdata <= ISING_ID;
                    REG_SHAPE:  reg_rdata <= SHAPE;
                    REG_RUN:    reg_rdata <= sweeps_left;
                    REG_SEED:   reg_rdata <= seed;
                    REG_STATUS: reg_rdata <= status_word;
                    REG_CLOCKS: reg_rdata <= clocks;
                    REG_TIES:   reg_rdata <= tie_clocks;
                    REG_SWEEPS: reg_rdata <= sweeps_done;
                    REG_BIN:    reg_rdata <= {{(32 - BIN_BITS){1'b0}}, bin_size};
                    REG_SWAP:   reg_rdata <= HAS_EXCHANGE ? {16'd0, swap_every} : 32'd0;
                    REG_ROUNDS: reg_rdata <= HAS_EXCHANGE ? swap_rounds : 32'd0;
                    REG_ELAPSED: reg_rdata <= elapsed;
                    default:    reg_rdata <= 32'd0;
                endcase
            end
        end
    end

    // Bits a given shape does not use (address bits above the memory depth, host data above HOST_BITS).
    wire unused_bits = &{1'b0, agree_total, ones_total, bin_total, exchange_start, place_index, exchange_index, mem_wdata, other_index, read_addr0, read_addr1, write_addr, host_rest,
                         replica_index, field_index, sweep_magnet, s1_k};
endmodule

`default_nettype wire
