// ising_exchange — replica exchange on the chip: every K engine sweeps, neighbouring temperature pairs (odd pairs
// in odd rounds, even pairs in even rounds) swap their replicas with probability min(1, exp(Δβ·ΔE)), Δβ = β_i −
// β_{i+1}, ΔE = E_i − E_{i+1} the energies after the last sweep. Temperatures move, lattices stay: the engine
// sweeps replica r with the table of temperature slot place[r]. docs/ising.md ("Replica exchange") is the
// specification, src/cores/ising/exchange.ts the same decisions in TypeScript, bit for bit.
//
// The acceptance without an exponential: with k = |ΔE|/4 = Σ_b k_b·2^b, exp(−4|Δβ|k) = Π over the set bits of
// p_b, p_b = exp(−4|Δβ|·2^b). So a swap whose ΔE goes the unlikely way is accepted when, for every set bit b of k
// (lowest first), a fresh 24-bit uniform is below p_b·2^24 (uploaded by the host per pair, rounded) — stopping at
// the first one that is not. Exact in distribution up to the rounding of the p_b (docs/ising.md gives the bound).
// The uniforms come from the unit's own xorshift32 generator (seeded with the engine's SEED), so swap decisions
// share no random numbers with the lanes.
//
// One block RAM of 32-bit words: pair i's entries at 32·i + b (b = 0 … 30: p_b, 0 … 2^24; b = 31: bit 0 the
// accepted sign (1: Δβ > 0, ΔE ≥ 0 is always accepted; 0: ΔE ≤ 0 is), bits 31:1 the swaps accepted so far), and
// each replica's last energy at 32·(R−1) + r.
`default_nettype none

module ising_exchange #(
    parameter integer R      = 2,     // replicas (and temperatures)
    parameter integer R_BITS = 1,     // max(1, ceil(log2 R))
    parameter integer EW     = 11,    // bits of E as a signed number (|E| ≤ 2N)
    parameter integer KW     = 9      // bits of |ΔE| / 4 (≤ N)
) (
    input  wire              clk,
    input  wire              rst,

    // Host access, engine idle: entry writes, and reads of the word at `host_addr` (valid the clock after).
    input  wire              host_write,
    input  wire [15:0]       host_addr,      // word index in the RAM
    input  wire [31:0]       host_wdata,
    output wire [31:0]       host_rdata,     // the word at the address host_addr had last clock
    // Placement: replica r's temperature slot (read and written by the host while idle, moved by swaps).
    input  wire              place_write,
    input  wire [R_BITS-1:0] place_replica,
    input  wire [R_BITS-1:0] place_slot,
    input  wire [R_BITS-1:0] place_of,       // replica asked about ...
    output wire [R_BITS-1:0] place_is,       // ... and its slot
    input  wire [R_BITS-1:0] sweep_replica,  // the engine's replica ...
    output wire [R_BITS-1:0] sweep_slot,     // ... and its slot

    // The engine: a replica's energy after its sweep; a round of swaps (busy until it is done).
    input  wire              energy_write,
    input  wire [EW-1:0]     energy,
    input  wire              seed_write,
    input  wire [31:0]       seed,
    input  wire              start,
    input  wire              odd_round,      // pairs (1,2), (3,4) … this round; else (0,1), (2,3) …
    output wire              busy
);
    localparam integer PAIRS  = R - 1;
    localparam integer DEPTH  = 32 * PAIRS + R;
    localparam integer ABITS  = 16;
    localparam integer ENERGY_WORD = 32 * PAIRS;
    localparam [ABITS-1:0] ENERGY_BASE = ENERGY_WORD[ABITS-1:0];
    localparam integer MEM_ABITS = $clog2(DEPTH);

    // ---- placement: slot of each replica and replica of each slot ----
    reg  [R_BITS-1:0] slot_of    [0:R-1];
    reg  [R_BITS-1:0] replica_of [0:R-1];
    assign place_is   = slot_of[place_of];
    assign sweep_slot = slot_of[sweep_replica];

    // ---- swap generator: xorshift32 (13, 17, 5) ----
    reg  [31:0] x;
    wire [31:0] x1 = x ^ (x << 13);
    wire [31:0] x2 = x1 ^ (x1 >> 17);
    wire [31:0] x_next = x2 ^ (x2 << 5);
    wire [23:0] uniform = x_next[31:8];     // the draw of this clock

    // ---- the RAM ----
    (* ram_style = "block", no_rw_check *) reg [31:0] words [0:DEPTH-1];
    reg  [31:0] q;
    integer init_i;
    initial for (init_i = 0; init_i < DEPTH; init_i = init_i + 1) words[init_i] = 32'd0;

    // ---- the round ----
    localparam [2:0] X_IDLE = 3'd0, X_READ_A = 3'd1, X_READ_B = 3'd2, X_READ_SIGN = 3'd3, X_DECIDE = 3'd4,
                     X_BIT = 3'd5, X_COMPARE = 3'd6, X_SWAP = 3'd7;
    reg  [2:0]        state;
    reg  [R_BITS-1:0] pair;               // the lower slot of the pair
    reg  [R_BITS-1:0] rep_a, rep_b;       // replicas at slots pair, pair + 1
    reg  [EW-1:0]     energy_a;
    reg  [EW:0]       delta;              // E_a − E_b
    reg  [KW-1:0]     k;                  // |ΔE| / 4, bits not yet checked shifted out at the bottom
    reg  [4:0]        b;                  // bit of k being checked
    reg  [31:0]       sign_word;
    localparam integer      LAST_LOW_VALUE = R - 2;                 // the highest pair's lower slot
    localparam [R_BITS+1:0] LAST_LOW = LAST_LOW_VALUE[R_BITS+1:0];
    wire [R_BITS+1:0] pair_wide  = {2'b00, pair};
    wire [R_BITS+1:0] after_next = pair_wide + {{R_BITS{1'b0}}, 2'd2};
    wire [R_BITS+1:0] after_up   = pair_wide + {{R_BITS{1'b0}}, 2'd3};
    wire [R_BITS+1:0] pair_up    = pair_wide + {{R_BITS{1'b0}}, 2'd1};
    wire              last_pair  = (after_next > LAST_LOW);
    wire [EW:0]       magnitude = delta[EW] ? -delta : delta;
    wire              sure = sign_word[0] ? !delta[EW] : (delta[EW] || delta == {(EW + 1){1'b0}});
    assign busy = (state != X_IDLE);
    wire              pair_done = (state == X_SWAP) || (state == X_COMPARE && !({8'd0, uniform} < q));

    // RAM port use: reads and writes by state (the host only while the engine is idle, so never with a round).
    reg               read_enable;
    reg  [ABITS-1:0]  read_addr;
    reg               write_enable;
    reg  [ABITS-1:0]  write_addr;
    reg  [31:0]       write_data;
    wire [ABITS-1:0]  pair_base = {{(ABITS - 5 - R_BITS){1'b0}}, pair, 5'd0};
    always @* begin
        read_enable  = 1'b1;
        read_addr    = host_addr;
        write_enable = host_write;
        write_addr   = host_addr;
        write_data   = host_wdata;
        case (state)
            X_IDLE:      read_addr = host_addr;
            X_READ_A:    read_addr = ENERGY_BASE + {{(ABITS - R_BITS){1'b0}}, rep_a};
            X_READ_B:    read_addr = ENERGY_BASE + {{(ABITS - R_BITS){1'b0}}, rep_b};
            X_READ_SIGN: read_addr = pair_base + 16'd31;
            X_BIT:       read_addr = pair_base + {11'd0, b};
            default:     read_enable = 1'b0;
        endcase
        if (energy_write) begin
            write_enable = 1'b1;
            write_addr   = ENERGY_BASE + {{(ABITS - R_BITS){1'b0}}, sweep_replica};
            write_data   = {{(32 - EW){energy[EW-1]}}, energy};
        end else if (state == X_SWAP) begin
            write_enable = 1'b1;
            write_addr   = pair_base + 16'd31;
            write_data   = {sign_word[31:1] + 31'd1, sign_word[0]};
        end
    end
    always @(posedge clk) begin
        if (write_enable) words[write_addr[MEM_ABITS-1:0]] <= write_data;
        if (read_enable) q <= words[read_addr[MEM_ABITS-1:0]];
    end
    assign host_rdata = q;

    localparam [R_BITS-1:0] FIRST_ODD  = 1;
    localparam integer      SECOND_ODD_VALUE = 2 % R;
    localparam [R_BITS-1:0] SECOND_ODD = SECOND_ODD_VALUE[R_BITS-1:0];
    integer r;
    always @(posedge clk) begin
        if (rst) begin
            state <= X_IDLE;
            x     <= 32'h2545f491;
            for (r = 0; r < R; r = r + 1) begin
                slot_of[r]    <= r[R_BITS-1:0];
                replica_of[r] <= r[R_BITS-1:0];
            end
        end else begin
            // Never 0 (xorshift's fixed point): the one seed that would give 0 starts where reset does.
            if (seed_write) x <= ((seed ^ 32'h2545f491) == 32'd0) ? 32'h2545f491 : (seed ^ 32'h2545f491);
            if (place_write) begin
                slot_of[place_replica] <= place_slot;
                replica_of[place_slot] <= place_replica;
            end
            case (state)
                X_IDLE: begin
                    if (start) begin
                        pair  <= odd_round ? {{(R_BITS - 1){1'b0}}, 1'b1} : {R_BITS{1'b0}};
                        rep_a <= replica_of[odd_round ? FIRST_ODD : {R_BITS{1'b0}}];
                        rep_b <= replica_of[odd_round ? SECOND_ODD : FIRST_ODD];
                        // With two replicas an odd round has no pair.
                        state <= (odd_round && R < 3) ? X_IDLE : X_READ_A;
                    end
                end
                X_READ_A: state <= X_READ_B;                  // E_a arrives in q next clock
                X_READ_B: begin
                    energy_a <= q[EW-1:0];
                    state    <= X_READ_SIGN;
                end
                X_READ_SIGN: begin
                    delta <= {energy_a[EW-1], energy_a} - {q[EW-1], q[EW-1:0]};
                    state <= X_DECIDE;
                end
                X_DECIDE: begin
                    sign_word <= q;
                    state     <= X_BIT;
                    k         <= magnitude[KW+1:2];
                    b         <= 5'd0;
                end
                X_BIT: begin
                    // `sure`: ΔE goes the likely way; else check k's set bits, lowest first.
                    if (sure || k == {KW{1'b0}}) state <= X_SWAP;
                    else if (k[0]) state <= X_COMPARE;             // p_b arrives in q next clock
                    else begin
                        k <= k >> 1;
                        b <= b + 5'd1;
                    end
                end
                X_COMPARE: begin
                    x <= x_next;
                    if ({8'd0, uniform} < q) begin
                        k     <= k >> 1;
                        b     <= b + 5'd1;
                        state <= X_BIT;
                    end
                end
                X_SWAP: begin
                    slot_of[rep_a]    <= pair_up[R_BITS-1:0];
                    slot_of[rep_b]    <= pair;
                    replica_of[pair]  <= rep_b;
                    replica_of[pair_up[R_BITS-1:0]] <= rep_a;
                end
                default: state <= X_IDLE;
            endcase
            // A pair is done (swapped, or rejected at a bit): the next pair of the round, or the end of it.
            if (pair_done) begin
                if (last_pair) state <= X_IDLE;
                else begin
                    pair  <= after_next[R_BITS-1:0];
                    rep_a <= replica_of[after_next[R_BITS-1:0]];
                    rep_b <= replica_of[after_up[R_BITS-1:0]];
                    state <= X_READ_A;
                end
            end
        end
    end
    // Address bits above the memory's depth.
    wire unused_bits = &{1'b0, read_addr, write_addr, host_addr, magnitude, after_next, after_up, pair_up};
endmodule

`default_nettype wire
