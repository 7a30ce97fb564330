// ising_measure — the Ising engine's on-chip measurements: per temperature slot and bin, exact integer sums of
// E, E², M, |M|, M², E·M and M⁴ over the sweeps of the bin, streamed as one bin record per slot when the engine
// ends a bin. docs/ising.md ("Measurements on the chip") is the specification; src/cores/ising/bins.ts is the
// same arithmetic in TypeScript, bit for bit.
//
// Why bit-serial: the sums are wide (ΣM⁴ needs 4·log2(N) + 22 bits) and kept for every slot, and the engine has
// a whole sweep (≥ L²/P clocks) per record. So the seven sums are stored as bit planes in a byte-wide block RAM
// — word {slot, j} holds bit j of all seven — and a record is added one plane per clock by seven one-bit full
// adders. Every term arrives least significant bit first: E, M and |M| by bit select, the products from
// bit-serial multipliers (serial_multiplier) that emit a product bit per clock. E and M of a periodic lattice
// are multiples of 4 and 2, so e = |E|/4 and m = |M|/2 (log2 N bits each) are multiplied and the products enter
// 4, 3 and 2 planes up (E² = 16e², E·M = ±8em, M² = 4m², M⁴ = 16m⁴). m² is formed first (log2 N clocks), then
// PLANES = 4·log2(N) + 24 planes are added: about 5·log2(N) + 26 clocks a record.
//
// Plane j, bit a: bit j of sum a, a = 0 ΣE, 1 ΣE², 2 ΣM, 3 Σ|M|, 4 ΣM², 5 ΣE·M, 6 ΣM⁴ (bit 7 is 0); the signed
// sums (ΣE, ΣM, ΣE·M) are two's complement over PLANES planes. A bin record on the stream: slot (8 bits), sweeps
// in the bin (24 bits), then planes 0 … 127 (planes from PLANES on are 0) — 132 bytes. Flushing zeroes each
// plane as it streams it; after reset the unit zeroes its memory before it takes a record.
`default_nettype none

module ising_measure #(
    parameter integer L_LOG2    = 4,
    parameter integer SLOTS     = 1,    // temperature slots (one per replica)
    parameter integer SLOT_BITS = 1,    // max(1, ceil(log2 SLOTS))
    parameter integer FIELD     = 0     // 1: also ΣE·M (the energy −hM of a field needs it); 0: that sum stays 0
) (
    input  wire                 clk,
    input  wire                 rst,

    // One record per replica sweep, taken when `ready`.
    input  wire                 take,
    input  wire [SLOT_BITS-1:0] slot,
    input  wire [31:0]          energy,      // E = −Σ s_i s_j (two's complement)
    input  wire [31:0]          magnet,      // M = Σ s_i
    // End of a bin, taken when `ready`: stream every slot's record and zero the sums.
    input  wire                 flush,
    input  wire [23:0]          bin_sweeps,  // sweeps the bin holds (the records' count field), held until done
    output wire                 ready,       // idle: a record or a flush may be taken this clock
    output wire                 flushing,    // streaming bin records (the link's time, not the engine's)
    output wire                 busy,        // measuring or flushing

    output wire [7:0]           stream_data,
    output wire                 stream_valid,
    input  wire                 stream_ready
);
`include "ising_map.vh"   // BIN_*_LSB: the bin record's layout, from the contract
    localparam integer W       = 2 * L_LOG2;      // log2 N: e, m ≤ N/2 = 2^(W−1) fit W bits
    localparam integer EW      = W + 3;           // E as a signed number: |E| ≤ 2N = 2^(W+1)
    localparam integer MW      = W + 2;           // M as a signed number: |M| ≤ N = 2^W
    localparam integer PLANES  = 4 * W + 24;      // every sum fits for bins up to 2^22 sweeps
    localparam integer STREAMED = 128;            // planes per record on the stream
    localparam integer DEPTH   = SLOTS * STREAMED;
    localparam integer ABITS   = SLOT_BITS + 7;
    localparam integer MEM_ABITS = (SLOTS == 1) ? 7 : ABITS;   // the slot bit is constant with one slot
    localparam [6:0]   LAST_PLANE = PLANES[6:0] - 7'd1;
    localparam [6:0]   EW7 = EW[6:0];
    localparam [6:0]   MW7 = MW[6:0];
    // A record: its header fields (the bytes before BIN_PLANES_LSB: slot and sweeps), then 128 plane bytes.
    localparam [31:0]  PLANES_LSB_32 = {16'd0, BIN_PLANES_LSB};
    localparam integer HEADER_BYTES = PLANES_LSB_32 / 32'd8;
    localparam [7:0]   HEADER_END = HEADER_BYTES[7:0];
    localparam [7:0]   LAST_BYTE  = HEADER_END + 8'd127;

    localparam [2:0] S_CLEAR = 3'd0, S_IDLE = 3'd1, S_SQUARE = 3'd2, S_PLANES = 3'd3, S_READ = 3'd4,
                     S_SEND = 3'd5;
    reg  [2:0] state;

    // ---- the record being measured ----
    reg  [SLOT_BITS-1:0] slot_reg;
    reg  [EW-1:0]        e_reg;
    reg  [MW-1:0]        m_reg;
    wire                 e_sign = e_reg[EW-1];
    wire                 m_sign = m_reg[MW-1];
    // |E| / 4 and |M| / 2 (exact: E ≡ 0 mod 4, M ≡ N ≡ 0 mod 2), as x ^ sign + sign on the quotients — taken
    // with the record into registers, so no adder sits in front of the multipliers' bit selects (that path
    // limited the UP5K flagship to 24.5 MHz).
    wire                 e_in_sign = energy[EW-1];
    wire                 m_in_sign = magnet[MW-1];
    wire [W:0]           e_abs = (energy[EW-1:2] ^ {(W + 1){e_in_sign}}) + {{W{1'b0}}, e_in_sign};
    wire [W:0]           m_abs = (magnet[MW-1:1] ^ {(W + 1){m_in_sign}}) + {{W{1'b0}}, m_in_sign};
    reg  [W-1:0]         e, m;
    wire                 em_negative = (FIELD != 0) && (e_sign ^ m_sign);   // E·M < 0 (or 0: adds −0)

    // ---- step counters: k in S_SQUARE, the plane being added in S_PLANES ----
    reg  [6:0] k;
    reg  [6:0] read_plane;
    reg        adding;
    reg  [6:0] plane;
    // Operand bit i of a W- or 2W-bit value, 0 past its top (i counts from a plane offset, so may be "negative":
    // those planes pass as large unsigned values and read 0 too).
    localparam [6:0] W7 = W[6:0];
    localparam [6:0] W2_7 = W7 + W7;
    function bit_of_w(input [W-1:0] value, input [6:0] i);
        bit_of_w = (i < W7) ? value[i[$clog2(W)-1:0]] : 1'b0;
    endfunction

    // ---- m² first: its bits are needed as the m⁴ multiplier's operands ----
    wire          m2_bit;
    wire [W-1:0]  m2_upper;
    reg  [W-1:0]  m2_lower;
    wire [2*W-1:0] m_squared = {m2_upper, m2_lower};
    serial_multiplier #(.W(W)) u_m_square (
        .clk(clk), .clear(take && ready), .step(state == S_SQUARE), .a(m), .b_bit(bit_of_w(m, k)),
        .product_bit(m2_bit), .upper(m2_upper)
    );
    always @(posedge clk) if (state == S_SQUARE) m2_lower <= {m2_bit, m2_lower[W-1:1]};

    function bit_of_2w(input [2*W-1:0] value, input [6:0] i);
        bit_of_2w = (i < W2_7) ? value[i[$clog2(2 * W)-1:0]] : 1'b0;
    endfunction

    // ---- the products that are added bit by bit, each entering a few planes up ----
    wire        e2_bit, em_bit, m4_bit;
    wire [6:0]  plane_minus2 = plane - 7'd2;
    wire [6:0]  plane_minus4 = plane - 7'd4;
    wire        e2_live = adding && plane >= 7'd4;
    wire        em_live = adding && plane >= 7'd3;
    wire [W-1:0]   e2_upper, em_upper;
    wire [2*W-1:0] m4_upper;
    serial_multiplier #(.W(W)) u_e_square (
        .clk(clk), .clear(take && ready), .step(e2_live), .a(e), .b_bit(bit_of_w(e, plane_minus4)),
        .product_bit(e2_bit), .upper(e2_upper)
    );
    generate
        if (FIELD != 0) begin : em_sum
            serial_multiplier #(.W(W)) u_em_product (
                .clk(clk), .clear(take && ready), .step(em_live), .a(e), .b_bit(m_two_ago),
                .product_bit(em_bit), .upper(em_upper)
            );
        end else begin : no_em_sum
            assign em_bit   = 1'b0;
            assign em_upper = {W{1'b0}};
        end
    endgenerate
    serial_multiplier #(.W(2 * W)) u_m_fourth (
        .clk(clk), .clear(take && ready), .step(e2_live), .a(m_squared), .b_bit(m2_two_ago),
        .product_bit(m4_bit), .upper(m4_upper)
    );

    // ---- this plane's term bits, in the sums' order ----
    // The serial operands m (of e·m) and m² (of m⁴) enter two planes later than the |M| and M² terms read the
    // same bits: a two-stage delay of those term bits instead of two more bit selects.
    wire [6:0] terms;
    reg  [1:0] m_delay, m2_delay;
    wire       m_two_ago  = m_delay[1];
    wire       m2_two_ago = m2_delay[1];
    always @(posedge clk) begin
        m_delay  <= {m_delay[0], terms[3]};
        m2_delay <= {m2_delay[0], terms[4]};
    end
    assign terms[0] = (plane < EW7) ? e_reg[plane[$clog2(EW)-1:0]] : e_sign;        // E, sign extended
    assign terms[1] = e2_live && e2_bit;                                             // E² = 16·e²
    assign terms[2] = (plane < MW7) ? m_reg[plane[$clog2(MW)-1:0]] : m_sign;        // M, sign extended
    assign terms[3] = (plane != 7'd0) && bit_of_w(m, plane - 7'd1);                  // |M| = 2·m
    assign terms[4] = (plane >= 7'd2) && bit_of_2w(m_squared, plane_minus2);          // M² = 4·m²
    assign terms[5] = em_negative ^ (em_live && em_bit);     // E·M = ±8·e·m: negative as complement + 1
    assign terms[6] = e2_live && m4_bit;                                             // M⁴ = 16·m⁴

    // ---- the planes: a byte-wide block RAM, one read and one write port ----
    (* ram_style = "block", no_rw_check *) reg [7:0] planes [0:DEPTH-1];
    reg  [7:0]       q;
    integer init_i;
    initial for (init_i = 0; init_i < DEPTH; init_i = init_i + 1) planes[init_i] = 8'd0;

    reg  [6:0]  carry;
    wire [6:0]  carry_in = (plane == 7'd0) ? {1'b0, em_negative, 5'd0} : carry;
    wire [6:0]  sum_bits = q[6:0] ^ terms ^ carry_in;
    wire [6:0]  carry_out = (q[6:0] & terms) | (q[6:0] & carry_in) | (terms & carry_in);

    // ---- flush: per slot a header (slot, sweeps) and 128 planes, a byte every other clock at best ----
    reg  [SLOT_BITS-1:0] flush_slot;
    reg  [7:0]           flush_byte;       // header bytes, then planes 0 … 127
    wire [6:0]           flush_plane = flush_byte[6:0] - HEADER_END[6:0];   // wraps for header bytes: unused there
    wire                 header = (flush_byte < HEADER_END);
    wire                 last_slot = (flush_slot == SLOTS[SLOT_BITS-1:0] - 1'b1);
    // The record's header, its fields at the contract's positions (BIN_*_LSB from ising_map.vh; the planes follow
    // from byte BIN_PLANES_LSB / 8 on). bin_sweeps is the engine's register: it changes only at the next bin's
    // end, which waits for this flush. The header is at most 4 bytes here (checked below).
    wire [31:0]          header_word = ({{(32 - SLOT_BITS){1'b0}}, flush_slot} << BIN_SLOT_LSB) |
                                       ({8'd0, bin_sweeps} << BIN_SWEEPS_LSB);
    generate
        if (HEADER_BYTES > 4 || HEADER_BYTES < 1) begin : record_header_must_be_1_to_4_bytes
            // A contract whose bin record header is longer needs a wider header_word: elaboration stops here.
            bin_record_header_longer_than_4_bytes unsupported_layout ();
        end
    endgenerate
    wire                 sent = (state == S_SEND) && stream_ready;
    reg  [ABITS-1:0]     clear_addr;

    wire             read_go      = (state == S_PLANES) && (read_plane != PLANES[6:0]);
    wire             read_enable  = read_go || (state == S_READ && !header);
    wire [ABITS-1:0] read_addr    = (state == S_PLANES) ? {slot_reg, read_plane} : {flush_slot, flush_plane};
    wire             write_enable = (state == S_CLEAR) || adding || (sent && !header);
    wire [ABITS-1:0] write_addr   = (state == S_CLEAR) ? clear_addr :
                                    adding ? {slot_reg, plane} : {flush_slot, flush_plane};
    wire [7:0]       write_data   = adding ? {1'b0, sum_bits} : 8'd0;

    always @(posedge clk) begin
        if (write_enable) planes[write_addr[MEM_ABITS-1:0]] <= write_data;
        if (read_enable) q <= planes[read_addr[MEM_ABITS-1:0]];
    end

    assign ready        = (state == S_IDLE);
    assign stream_data  = header ? header_word[{flush_byte[1:0], 3'd0} +: 8] : q;
    assign stream_valid = (state == S_SEND);
    assign flushing     = (state == S_READ) || (state == S_SEND);
    assign busy         = !ready;

    always @(posedge clk) begin
        if (rst) begin
            state      <= S_CLEAR;
            clear_addr <= {ABITS{1'b0}};
            adding     <= 1'b0;
        end else begin
            adding <= read_go;
            if (read_go) begin
                read_plane <= read_plane + 7'd1;
                plane      <= read_plane;
            end
            if (adding) carry <= carry_out;

            case (state)
                S_CLEAR: begin
                    clear_addr <= clear_addr + 1'b1;
                    if (clear_addr == DEPTH[ABITS-1:0] - 1'b1) state <= S_IDLE;
                end
                S_IDLE: begin
                    if (take) begin
                        slot_reg <= slot;
                        e_reg    <= energy[EW-1:0];
                        m_reg    <= magnet[MW-1:0];
                        e        <= e_abs[W-1:0];
                        m        <= m_abs[W-1:0];
                        k        <= 7'd0;
                        state    <= S_SQUARE;
                    end else if (flush) begin
                        flush_slot   <= {SLOT_BITS{1'b0}};
                        flush_byte   <= 8'd0;
                        state        <= S_READ;
                    end
                end
                S_SQUARE: begin
                    k <= k + 7'd1;
                    if (k == W[6:0] - 7'd1) begin
                        read_plane <= 7'd0;
                        state      <= S_PLANES;
                    end
                end
                S_PLANES: begin
                    if (adding && plane == LAST_PLANE) state <= S_IDLE;
                end
                S_READ: state <= S_SEND;     // the plane's byte is in q next clock
                S_SEND: begin
                    if (stream_ready) begin
                        if (flush_byte != LAST_BYTE) begin
                            flush_byte <= flush_byte + 8'd1;
                            state      <= S_READ;
                        end else if (!last_slot) begin
                            flush_slot <= flush_slot + 1'b1;
                            flush_byte <= 8'd0;
                            state      <= S_READ;
                        end else begin
                            state <= S_IDLE;
                        end
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    // Bits the arithmetic does not use: the magnitudes' low bits (E/4, M/2 are exact), the top of the energy and
    // magnetization words beyond this lattice, the products' upper halves (they are emitted bit by bit).
    wire unused_bits = &{1'b0, e_abs[W], m_abs[W], e_reg[1:0], m_reg[0], energy[31:EW], magnet[31:MW],
                         e2_upper, em_upper, m4_upper, q[7], read_addr, write_addr, m_two_ago};
endmodule

`default_nettype wire
