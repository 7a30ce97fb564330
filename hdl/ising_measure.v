// ising_measure — the Ising engine's on-chip measurements: per temperature slot and bin, exact integer sums of
// E, E², M, |M|, M², E·M and M⁴ over the sweeps of the bin, streamed as one bin record per slot when the engine
// ends a bin. docs/ising.md ("Measurements on the chip") is the specification; src/cores/ising/bins.ts is the
// same arithmetic in TypeScript, bit for bit.
//
// Why this shape: the sums are wide (ΣM⁴ needs 4·log2(N) + log2(B) + 4 bits) and kept for every slot, so they
// live in a block RAM as 32-bit words (16 per slot), not in flip-flops; one 32-bit adder adds a record's terms
// word by word (read, add, write back: one word per clock). The products come from shift-and-add multipliers
// (serial_multiplier): E and M of a periodic lattice are multiples of 4 and 2, so e = E/4 and m = M/2 are
// multiplied (log2 N bits each) and the products shifted into place. e², m² and |e|·|m| run side by side
// (log2 N clocks), then m⁴ = m²·m² (2·log2 N clocks) while the first six sums are added: a record takes
// about 3·log2(N) + 6 clocks, less than any engine sweep with L ≥ 16 (docs/ising.md gives the figures).
//
// Words of a slot (each sum little endian in 32-bit words, two's complement for the signed ones):
//   0–1 ΣE, 2–3 ΣE², 4–5 ΣM, 6–7 Σ|M|, 8–9 ΣM², 10–11 ΣE·M, 12–15 ΣM⁴.
// A bin record on the stream: slot (8 bits), sweeps in the bin (24 bits), then those 16 words, least
// significant byte first (68 bytes; the record layout is src/cores/ising/contract.ts). Flushing zeroes the sums
// as it reads them, and after reset the unit zeroes the whole memory before it takes a record.
`default_nettype none

module ising_measure #(
    parameter integer L_LOG2    = 4,
    parameter integer SLOTS     = 1,    // temperature slots (one per replica)
    parameter integer SLOT_BITS = 1     // max(1, ceil(log2 SLOTS))
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
    input  wire [23:0]          bin_sweeps,  // sweeps the bin holds (the records' count field)
    output wire                 ready,       // idle: a record or a flush may be taken this clock
    output wire                 stalled,     // a byte waits for the stream (link back-pressure)
    output wire                 busy,        // measuring, flushing or with bytes left to stream

    output wire [7:0]           stream_data,
    output wire                 stream_valid,
    input  wire                 stream_ready
);
    localparam integer W      = 2 * L_LOG2;       // |E/4|, |M/2| ≤ N/2 = 2^(W−1): W bits
    localparam integer W4     = 2 * W;            // m² and the m⁴ multiplier's width
    localparam integer WORDS  = 16;               // 32-bit words per slot
    localparam integer DEPTH  = SLOTS * WORDS;
    localparam integer ABITS  = SLOT_BITS + 4;
    localparam integer MEM_ABITS = (SLOTS == 1) ? 4 : ABITS;   // the slot bit is constant with one slot
    localparam integer CBITS  = 6;                // step counter: up to W4 ≤ 40
    localparam [CBITS-1:0] LAST_SQUARE = W[CBITS-1:0];   // count 0 loads the multipliers, 1 … W step them
    localparam [CBITS-1:0] FOURTH_STEPS = W4[CBITS-1:0];
    localparam [ABITS-1:0] LAST_ADDR = DEPTH[ABITS-1:0] - 1'b1;

    localparam [2:0] S_CLEAR = 3'd0, S_IDLE = 3'd1, S_SQUARE = 3'd2, S_FOURTH = 3'd3, S_HEADER = 3'd4,
                     S_WORDS = 3'd5;
    reg  [2:0] state;

    // ---- the record being measured ----
    reg  [SLOT_BITS-1:0] slot_reg;
    reg  [31:0]          e_reg, m_reg;
    wire [31:0]          e_quarter = {{2{e_reg[31]}}, e_reg[31:2]};    // E/4, exact (E ≡ 0 mod 4)
    wire [31:0]          m_half    = {m_reg[31], m_reg[31:1]};         // M/2, exact (M ≡ N mod 2, N even)
    wire [31:0]          e_abs     = e_quarter[31] ? -e_quarter : e_quarter;
    wire [31:0]          m_abs     = m_half[31] ? -m_half : m_half;
    wire [W-1:0]         ea = e_abs[W-1:0];
    wire [W-1:0]         ma = m_abs[W-1:0];
    wire                 em_negative = e_reg[31] ^ m_reg[31];          // E·M < 0 (or 0: the sum adds −0)

    reg  [CBITS-1:0] count;
    reg              fourth_loaded;
    wire             square_load  = (state == S_SQUARE) && (count == {CBITS{1'b0}});
    wire             square_step  = (state == S_SQUARE) && (count != {CBITS{1'b0}});
    wire             fourth_load  = (state == S_FOURTH) && !fourth_loaded;
    wire             fourth_step  = (state == S_FOURTH) && fourth_loaded && (count != FOURTH_STEPS);
    wire             fourth_done  = fourth_loaded && (count == FOURTH_STEPS);

    wire [2*W-1:0]  e_square, m_square, em_product;
    wire [2*W4-1:0] m_fourth;
    serial_multiplier #(.W(W)) u_e_square (
        .clk(clk), .load(square_load), .step(square_step), .a(ea), .b(ea), .product(e_square)
    );
    serial_multiplier #(.W(W)) u_m_square (
        .clk(clk), .load(square_load), .step(square_step), .a(ma), .b(ma), .product(m_square)
    );
    serial_multiplier #(.W(W)) u_em_product (
        .clk(clk), .load(square_load), .step(square_step), .a(ea), .b(ma), .product(em_product)
    );
    serial_multiplier #(.W(W4)) u_m_fourth (
        .clk(clk), .load(fourth_load), .step(fourth_step), .a(m_square), .b(m_square), .product(m_fourth)
    );

    // ---- the terms, in the sums' word order, each as wide as its sum ----
    wire [63:0]  term_e   = {{32{e_reg[31]}}, e_reg};
    wire [63:0]  term_e2  = {{(60 - 2 * W){1'b0}}, e_square, 4'b0};       // E² = 16·e²
    wire [63:0]  term_m   = {{32{m_reg[31]}}, m_reg};
    wire [63:0]  term_am  = {{(63 - W){1'b0}}, ma, 1'b0};                 // |M| = 2·|m|
    wire [63:0]  term_m2  = {{(62 - 2 * W){1'b0}}, m_square, 2'b0};       // M² = 4·m²
    wire [63:0]  term_em  = {{(61 - 2 * W){1'b0}}, em_product, 3'b0};     // |E·M| = 8·|e|·|m|
    wire [127:0] term_m4  = {{(124 - 2 * W4){1'b0}}, m_fourth, 4'b0};     // M⁴ = 16·m⁴
    wire [511:0] terms    = {term_m4, term_em, term_m2, term_am, term_m, term_e2, term_e};

    // ---- the sums: a block RAM of 32-bit words, one read and one write port ----
    (* ram_style = "block", no_rw_check *) reg [31:0] sums [0:DEPTH-1];
    reg  [31:0]      q;
    integer init_i;
    initial for (init_i = 0; init_i < DEPTH; init_i = init_i + 1) sums[init_i] = 32'd0;

    // Accumulate: word `read_word` is read while the word read last clock (`add_word`) is added and written.
    reg  [4:0]  read_word;
    reg         adding;
    reg  [3:0]  add_word;
    reg         carry;
    wire        read_go = (state == S_FOURTH) && !read_word[4] && (!(read_word[3] && read_word[2]) || fourth_done);
    wire [31:0] digit = terms[{add_word, 5'd0} +: 32];
    // ΣE·M adds −|E·M| as its bitwise complement plus one (the carry into its low word).
    wire        negate  = em_negative && (add_word[3:1] == 3'd5);
    wire        first   = !add_word[0] && !(add_word[3] && add_word[2] && add_word[1]);   // a sum's low word
    wire        carry_in = first ? negate : carry;
    wire [32:0] added = {1'b0, q} + {1'b0, negate ? ~digit : digit} + {32'd0, carry_in};

    // Flush: a header and the slot's 16 words through a 4-byte shifter; each word is zeroed as it is taken.
    reg  [SLOT_BITS-1:0] flush_slot;
    reg  [23:0]          flush_sweeps;     // bin_sweeps as the flush was taken
    reg  [3:0]           flush_word;
    reg  [31:0]          shifter;
    reg  [2:0]           bytes_left;
    wire                 shifter_empty = (bytes_left == 3'd0);
    wire                 last_slot = (flush_slot == SLOTS[SLOT_BITS-1:0] - 1'b1);
    reg  [ABITS-1:0]     clear_addr;

    wire                 flush_read = (state == S_HEADER && shifter_empty) ||
                                      (state == S_WORDS && shifter_empty && flush_word != 4'd15);
    wire [3:0]           flush_read_word = (state == S_HEADER) ? 4'd0 : flush_word + 4'd1;
    wire                 flush_take = (state == S_WORDS) && shifter_empty;

    wire             read_enable = read_go || flush_read;
    wire [ABITS-1:0] read_addr   = (state == S_FOURTH) ? {slot_reg, read_word[3:0]} : {flush_slot, flush_read_word};
    wire             write_enable = (state == S_CLEAR) || adding || flush_take;
    wire [ABITS-1:0] write_addr  = (state == S_CLEAR) ? clear_addr :
                                   adding ? {slot_reg, add_word} : {flush_slot, flush_word};
    wire [31:0]      write_data  = adding ? added[31:0] : 32'd0;

    always @(posedge clk) begin
        if (write_enable) sums[write_addr[MEM_ABITS-1:0]] <= write_data;
        if (read_enable) q <= sums[read_addr[MEM_ABITS-1:0]];
    end

    assign ready        = (state == S_IDLE);
    assign stream_data  = shifter[7:0];
    assign stream_valid = !shifter_empty;
    assign stalled      = stream_valid && !stream_ready;
    assign busy         = !ready || !shifter_empty;

    always @(posedge clk) begin
        if (rst) begin
            state      <= S_CLEAR;
            clear_addr <= {ABITS{1'b0}};
            bytes_left <= 3'd0;
            adding     <= 1'b0;
        end else begin
            if (stream_valid && stream_ready) begin
                shifter    <= shifter >> 8;
                bytes_left <= bytes_left - 3'd1;
            end
            adding <= read_go;
            if (read_go) begin
                read_word <= read_word + 5'd1;
                add_word  <= read_word[3:0];
            end
            if (adding) carry <= added[32];

            case (state)
                S_CLEAR: begin
                    clear_addr <= clear_addr + 1'b1;
                    if (clear_addr == LAST_ADDR) state <= S_IDLE;
                end
                S_IDLE: begin
                    if (take) begin
                        slot_reg <= slot;
                        e_reg    <= energy;
                        m_reg    <= magnet;
                        count    <= {CBITS{1'b0}};
                        state    <= S_SQUARE;
                    end else if (flush) begin
                        flush_slot   <= {SLOT_BITS{1'b0}};
                        flush_sweeps <= bin_sweeps;
                        state        <= S_HEADER;
                    end
                end
                S_SQUARE: begin
                    count <= count + 1'b1;
                    if (count == LAST_SQUARE) begin
                        count         <= {CBITS{1'b0}};
                        fourth_loaded <= 1'b0;
                        read_word     <= 5'd0;
                        state         <= S_FOURTH;
                    end
                end
                S_FOURTH: begin
                    if (!fourth_loaded) fourth_loaded <= 1'b1;
                    else if (fourth_step) count <= count + 1'b1;
                    if (adding && add_word == 4'd15) state <= S_IDLE;
                end
                S_HEADER: begin
                    if (shifter_empty) begin
                        shifter    <= {flush_sweeps, {(8 - SLOT_BITS){1'b0}}, flush_slot};
                        bytes_left <= 3'd4;
                        flush_word <= 4'd0;
                        state      <= S_WORDS;
                    end
                end
                S_WORDS: begin
                    if (shifter_empty) begin
                        shifter    <= q;
                        bytes_left <= 3'd4;
                        if (flush_word != 4'd15) begin
                            flush_word <= flush_word + 4'd1;
                        end else if (last_slot) begin
                            state <= S_IDLE;
                        end else begin
                            flush_slot <= flush_slot + 1'b1;
                            state      <= S_HEADER;
                        end
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    // Bits a lattice size does not use (the magnitudes above W, the top bits of the products' words).
    wire unused_bits = &{1'b0, e_abs, m_abs, e_quarter[1:0], m_half[0], write_addr, read_addr};
endmodule

`default_nettype wire
