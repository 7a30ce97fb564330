// link_core — the spinbit serial link, protocol version 2: UART → frame decoder → command sequencer →
// register / memory / stream ports of a core → frame encoder → UART. docs/protocol.md is the specification;
// this is its hardware half.
//
// Frames (both directions): sync, seq, cmd, status, len_lo, len_hi, hcrc, payload[len], crc (4 bytes).
//   sync  0x5A for requests, 0xA5 for replies;
//   hcrc  CRC-8 (poly 0x07, init 0x00) over seq … len_hi;
//   crc   CRC-32/MPEG-2 over every byte after sync up to the end of the payload, most significant byte
//         first — running the CRC over the CRC bytes too leaves zero, which is how the decoder checks it.
//
// Built for area (every logic cell here is taken from the accelerators), in byte-serial steps, with each
// register loaded from as few sources as possible (on the iCE40 a flip-flop's enable and synchronous reset
// are free; every further source costs a LUT per bit):
// - The rx FIFO keeps the bytes of a header until its hcrc checks out, so a false sync (a 0x5A in garbage)
//   costs nothing: the decoder rewinds to the byte after it and hunts on from there.
// - The rx FIFO also keeps a frame's payload until the frame is done: once the whole frame has gone through
//   the CRC engine, the sequencer rewinds to the payload and reads it a second time — the argument bytes into
//   byte lanes of the address and count registers, then, only if every check passed, the data bytes into
//   `word`. No payload buffer, no argument register, no wide multiplexer, and nothing is written before the
//   frame check passes. One pointer, rx_mark, is both the rewind point and the oldest byte the FIFO must keep.
// - For the clock: where a step can afford to wait a clock (a UART byte lasts 40 or more), its decisions are
//   registered — reads go read, use, settle; can_send, the timeout, the header check and the payload end are
//   flip-flops; index only steps or clears.
// - One CRC engine (hdl/link_crc.v, one bit per clock) serves requests and replies in turn.
// - Checks run one per clock in the order docs/protocol.md gives ("Which error wins"); the first failing one
//   names the status.
`default_nettype none

module link_core #(
    parameter integer CLKS_PER_BIT     = 12,
    parameter integer EXTRA_EIGHTHS    = 0,       // clk / baud = CLKS_PER_BIT + EXTRA_EIGHTHS/8 (uart_tx.v)
    parameter integer RX_FIFO_LOG2     = 10,      // rx buffer: the host's credit, in bytes
    parameter integer STREAM_FIFO_LOG2 = 9,
    parameter integer MAX_PAYLOAD      = 496,     // at most 511; two full frames must fit the rx FIFO
    parameter integer IDENTITY_BYTES   = 64,
    parameter integer TIMEOUT_CYCLES   = 120000,  // longest gap between two bytes of a frame
    parameter integer REG_COUNT        = 16,      // registers 0 … REG_COUNT-1 exist
    parameter integer MEM_COUNT        = 1,
    // Address bits kept: enough for every memory's depth, the registers and the identity block (8 or more);
    // a request naming a higher address bit answers BAD_ADDRESS without storing it.
    parameter integer ADDR_BITS        = 24,
    // Per memory (index = memory id): log2 of bytes per word (0, 1 or 2), 8 bits each; depth in words,
    // 25 bits each.
    parameter [127:0] MEM_WORD_LOG2    = 128'd0,
    parameter [399:0] MEM_DEPTHS       = 400'd0
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        uart_rx,
    output wire        uart_tx,

    // Identity ROM (generated per design): synchronous read, data valid the cycle after id_addr.
    output wire [7:0]  id_addr,
    input  wire [7:0]  id_data,

    // Register port: reg_write / reg_read are one-cycle strobes; reg_rdata is sampled the cycle after reg_read.
    output wire [15:0] reg_addr,
    output wire [31:0] reg_wdata,     // valid with reg_write
    output reg         reg_write,
    output reg         reg_read,
    input  wire [31:0] reg_rdata,

    // Memory port: mem_write / mem_read are one-cycle strobes; the core answers each with mem_ack (any
    // later cycle), carrying mem_rdata for reads. mem_sel, mem_addr and mem_wdata hold until the ack.
    output wire [7:0]  mem_sel,
    output wire [23:0] mem_addr,
    output wire [31:0] mem_wdata,
    output reg         mem_write,
    output reg         mem_read,
    input  wire        mem_ack,
    input  wire [31:0] mem_rdata,

    // Result stream from the core (per-sweep statistics, image bytes…), buffered here until the host asks.
    input  wire [7:0]  stream_data,
    input  wire        stream_valid,
    output wire        stream_ready,

    input  wire        core_busy,     // memories are in use by the core: memory commands answer BUSY
    output wire        line_error,    // sticky: a UART framing error, or a byte lost to a full rx FIFO
    output wire        idle           // nothing in flight (lets the virtual board sleep)
);
    // ---- protocol constants (docs/protocol.md) ----
`include "link_protocol.vh"   // SYNC_*, CMD_*, ST_*: generated from src/link/protocol.ts

    localparam integer RX_DEPTH      = 1 << RX_FIFO_LOG2;
    localparam integer TIMEOUT_WIDTH = $clog2(TIMEOUT_CYCLES + 1);
    localparam integer SEL_BITS      = (MEM_COUNT > 1) ? $clog2(MEM_COUNT) : 1;
    localparam [31:0]  MAX_32        = MAX_PAYLOAD;
    localparam [31:0]  ID_32         = IDENTITY_BYTES;
    localparam [31:0]  TIMEOUT_32    = TIMEOUT_CYCLES;
    localparam [31:0]  REG_COUNT_32  = REG_COUNT;
    localparam [8:0]   MAX_LEN       = MAX_32[8:0];
    localparam [9:0]   ID_COUNT      = ID_32[9:0];
    localparam [TIMEOUT_WIDTH-1:0] TIMEOUT = TIMEOUT_32[TIMEOUT_WIDTH-1:0];
    localparam [24:0]  REG_LIMIT     = REG_COUNT_32[24:0];
    localparam [7:0]   MEM_COUNT_8   = MEM_COUNT[7:0];
    localparam integer RANGE_BITS    = (ADDR_BITS > 10 ? ADDR_BITS : 10) + 1;   // address + count, no overflow
    localparam [23:0]  HIGH_BITS     = ~((24'd1 << ADDR_BITS) - 24'd1);         // address bits not kept

    localparam [3:0] S_HUNT   = 4'd0,
                     S_HEADER = 4'd1,    // seq … hcrc
                     S_BODY   = 4'd2,    // payload, then the 4 CRC bytes, through the CRC engine
                     S_LOAD   = 4'd3,    // rewound: argument bytes into address / count / word
                     S_CHECK  = 4'd4,    // one check per clock; the first failure names the status
                     S_COMMIT = 4'd5,    // WRITE_MEM: the next word's bytes into `word`
                     S_WRITE  = 4'd6,    // WRITE_MEM: the word to the memory, wait for mem_ack
                     S_SKIP   = 4'd11,   // read the rest of the frame (payload, CRC), releasing it
                     S_HEAD   = 4'd7,    // reply: sync … hcrc
                     S_FETCH  = 4'd8,    // reply: ask for the next word, wait for it
                     S_SEND   = 4'd9,    // reply: its bytes
                     S_TAIL   = 4'd10;   // reply: the 4 CRC bytes
    (* fsm_encoding = "one-hot" *) reg [3:0] state;   // one-hot: each state test is one flip-flop
    reg       busy_seen;          // core_busy, registered (it comes from the core's own logic)
    always @(posedge clk) busy_seen <= core_busy;
    reg [2:0] index;              // byte within header / CRC / word; check number

    // ---- receiver and rx FIFO with a rewindable read pointer ----
    wire [7:0] rx_byte;
    wire       rx_byte_valid;
    wire       rx_frame_error;   // the garbled byte is dropped; the frame's CRC or the timeout catches it
    uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT), .EXTRA_EIGHTHS(EXTRA_EIGHTHS)) u_uart_rx (
        .clk(clk), .rst(rst), .rx(uart_rx), .data(rx_byte), .valid(rx_byte_valid), .frame_error(rx_frame_error)
    );

    // Pointers carry a wrap bit. rx_mark is the oldest byte still needed: it follows rx_read while hunting,
    // stays on the byte after the sync while a header is checked (a bad header is re-read from there), then
    // on the payload until the frame is done (the payload is read twice).
    reg [7:0] rx_memory [0:RX_DEPTH-1];
    reg [RX_FIFO_LOG2:0] rx_write, rx_read, rx_mark;
    reg [7:0] rx_data;            // the byte read at the last clock
    reg       rx_got;             // rx_data is new
    reg       line_error_seen;
    wire [RX_FIFO_LOG2:0] rx_held = rx_write - rx_mark;
    wire      rx_full  = rx_held[RX_FIFO_LOG2];
    wire      rx_empty = (rx_write == rx_read);
    wire      rx_push  = rx_byte_valid && !rx_full;

    // ---- link_crc and the byte a request or reply step handles ----
    wire [7:0]  crc8;
    wire [31:0] crc32;
    wire        crc_busy;
    wire in_frame   = (state == S_HEADER) || (state == S_BODY);
    wire replying   = (state >= S_HEAD) && (state <= S_TAIL);
    wire want_byte;               // the second pass wants the next byte of the frame
    // A request byte is read at most every third clock — read, use, settle — so whether the sequencer wants
    // one, and whether the FIFO has one, can be registered: both are current again by the third clock (a
    // read is the only thing that empties the FIFO, and the clocks after it read nothing). In the first
    // pass the CRC engine's 8 clocks per byte set the pace anyway.
    reg  want_read, rx_some, rx_got_before;
    wire read_byte  = want_read && rx_some && !rx_got && !rx_got_before && !crc_busy;

    // Decisions that would otherwise sit in front of every state and index update are registered: the
    // timeout (a clock late: TIMEOUT + 1 clocks), the header check (index 5 compares, 6 acts) and the end of
    // the payload.
    reg [TIMEOUT_WIDTH-1:0] gap;  // inside a frame, clocks without a byte
    reg  gap_over;
    wire timed_out  = in_frame && gap_over;
    reg  hcrc_ok;
    wire header_bad = (state == S_HEADER) && (index == 3'd6) && !hcrc_ok;
    wire header_ok  = (state == S_HEADER) && (index == 3'd6) && hcrc_ok;
    wire rewind     = header_bad || (timed_out && state == S_HEADER);   // hunt on after the false sync
    reg  [8:0] remaining;         // payload bytes not yet read (in either pass)
    reg  payload_done;            // remaining == 0
    wire reread     = (state == S_BODY) && rx_got && payload_done && (index == 3'd3);   // the frame is in

    always @(posedge clk) begin
        if (rx_push) rx_memory[rx_write[RX_FIFO_LOG2-1:0]] <= rx_byte;
        if (read_byte) rx_data <= rx_memory[rx_read[RX_FIFO_LOG2-1:0]];
    end
    always @(posedge clk) begin
        if (rst) begin
            rx_write <= {(RX_FIFO_LOG2 + 1){1'b0}};
            rx_read  <= {(RX_FIFO_LOG2 + 1){1'b0}};
            rx_mark  <= {(RX_FIFO_LOG2 + 1){1'b0}};
            rx_got   <= 1'b0;
            rx_got_before <= 1'b0;
            rx_some  <= 1'b0;
            want_read <= 1'b0;
            line_error_seen <= 1'b0;
        end else begin
            if (rx_push) rx_write <= rx_write + 1'b1;
            if (rewind || reread) rx_read <= rx_mark;
            else if (read_byte) rx_read <= rx_read + 1'b1;
            // Bytes are released as they are read while hunting; a frame's from its good header to its end.
            if (state == S_HUNT || header_ok) rx_mark <= rx_read;
            rx_got <= read_byte;
            rx_got_before <= rx_got;
            rx_some <= !rx_empty;
            want_read <= (state == S_HUNT) || in_frame || want_byte;
            if (rx_frame_error || (rx_byte_valid && rx_full)) line_error_seen <= 1'b1;
        end
        if (!in_frame || rx_got || read_byte) gap <= {TIMEOUT_WIDTH{1'b0}};
        else gap <= gap + 1'b1;
        gap_over <= in_frame && (gap == TIMEOUT);
    end

    // ---- transmitter and stream buffer ----
    reg  [7:0] tx_data;
    reg        tx_valid;
    reg        tx_in_crc;        // the byte in tx_data counts in the reply CRCs (sync and CRC bytes do not)
    wire       tx_ready;
    uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT), .EXTRA_EIGHTHS(EXTRA_EIGHTHS)) u_uart_tx (
        .clk(clk), .rst(rst), .data(tx_data), .valid(tx_valid), .ready(tx_ready), .tx(uart_tx)
    );
    // The next reply byte may go once the transmitter has taken the last one and the CRC engine has digested
    // it. A register: it drops as a byte is loaded (tx_load), and the CRC engine starts only as the
    // transmitter takes a byte, while can_send is still low.
    reg  can_send;
    wire tx_load;
    always @(posedge clk) can_send <= !rst && !tx_valid && !crc_busy && !tx_load;

    wire [7:0] stream_out;
    wire       stream_out_valid;
    wire       stream_take;
    wire [STREAM_FIFO_LOG2:0] stream_count;
    wire       stream_fifo_ready;
    // stream_ready is registered (so the core's stream logic does not wait on the FIFO's pointer compare) and
    // conservative by two entries, which covers the clock it lags behind the count.
    localparam [STREAM_FIFO_LOG2:0] STREAM_ROOM = (1 << STREAM_FIFO_LOG2) - 1;
    reg        stream_room;
    always @(posedge clk) stream_room <= !rst && (stream_count < STREAM_ROOM);
    assign stream_ready = stream_room;
    sync_fifo #(.WIDTH(8), .DEPTH_LOG2(STREAM_FIFO_LOG2)) u_stream_fifo (
        .clk(clk), .rst(rst), .in_data(stream_data), .in_valid(stream_valid && stream_room), .in_ready(stream_fifo_ready),
        .out_data(stream_out), .out_valid(stream_out_valid), .out_ready(stream_take), .count(stream_count)
    );

    link_crc u_crc (
        .clk(clk),
        .clear((state == S_HUNT) || (state == S_HEAD && index == 3'd0)),
        .start(replying ? (tx_valid && tx_ready && tx_in_crc) : (in_frame && rx_got)),
        .data(replying ? tx_data : rx_data),
        .with_crc8(replying || index != 3'd5),
        .crc8(crc8), .crc32(crc32), .busy(crc_busy)
    );

    // ---- the request ----
    reg [7:0]  seq;
    reg [7:0]  cmd;
    reg [7:0]  len_lo;            // the payload length: low byte …
    reg        len_bit8;          // … and bit 8 (a longer length is too_long: replied to from the header)
    wire [8:0] length   = {len_bit8, len_lo};
    reg        too_long;          // registered with len_hi: more than MAX_PAYLOAD

    // The command, decoded once when its byte arrives (keeps the 8-bit compares off every later path).
    reg  is_identify, is_read_regs, is_write_reg, is_read_mem, is_write_mem, is_read_stream;
    wire reg_command    = is_read_regs || is_write_reg;
    wire mem_command    = is_read_mem || is_write_mem;
    // Argument bytes per command (WRITE_MEM: the 4 before its data), and the byte source of a reply.
    wire [2:0] arg_bytes = is_read_regs ? 3'd3 : is_read_stream ? 3'd2 : is_write_mem ? 3'd4 :
                           is_identify ? 3'd0 : 3'd6;
    wire byte_reply     = is_identify || is_read_stream;   // 1-byte words straight from ROM or stream

    // ---- arguments, loaded byte by byte from the buffer ----
    reg [SEL_BITS-1:0] sel;       // memory index, the bits the design's memories need …
    reg        sel_high;          // … and whether the request named a higher one
    reg [ADDR_BITS-1:0] address;  // register, memory word or identity byte; counts up
    reg        address_high;      // the request named an address bit ADDR_BITS or above
    reg [9:0]  requested;         // the request's count (READ_REGS, READ_MEM) or maximum (READ_STREAM)
    reg [9:0]  count;             // words to transfer, set by the checks; counts down
    reg        count_big;         // a count or maximum of 1024 or more: always too long a reply
    reg [31:0] word;              // WRITE_REG value, a memory word to write, or the reply word being sent
    reg [1:0]  word_log2;         // bytes per word of the transfer
    reg [1:0]  send_last;         // the last byte of a reply word: bytes per word - 1
    always @(posedge clk) send_last <= {word_log2[1], |word_log2};
    reg [2:0]  status;

    wire [2:0] load_at   = index;         // the argument byte in rx_data while loading
    wire loading         = (state == S_LOAD) && rx_got;
    // What the next argument byte is for, decoded from index a clock ahead (index holds for at least two
    // clocks before each byte arrives), so loading is one flip-flop per destination.
    wire [2:0] lane_now  = mem_command ? load_at - 3'd1 : load_at;   // address byte number
    reg  [1:0] lane;
    reg  arg_sel, arg_address, arg_count_low, arg_count_high;
    always @(posedge clk) begin
        lane           <= lane_now[1:0];
        arg_sel        <= mem_command && load_at == 3'd0;
        arg_address    <= reg_command ? load_at < 3'd2 : mem_command && load_at != 3'd0 && load_at < 3'd4;
        // READ_REGS byte 2; READ_MEM bytes 4 and 5; READ_STREAM bytes 0 and 1 (odd bytes: the upper one)
        arg_count_low  <= (is_read_regs && load_at == 3'd2) || (is_read_mem && load_at == 3'd4) ||
                          (is_read_stream && load_at == 3'd0);
        arg_count_high <= (is_read_mem && load_at == 3'd5) || (is_read_stream && load_at == 3'd1);
    end
    wire [23:0] lane_in  = {16'd0, rx_data} << {lane, 3'b000};    // the byte in its place
    wire [23:0] lane_mask = 24'hFF << {lane, 3'b000};
    wire [23:0] address_wide = {{(24 - ADDR_BITS){1'b0}}, address};
    wire [23:0] address_loaded = (address_wide & ~lane_mask) | lane_in;
    wire address_lane    = loading && arg_address;
    wire sending_word    = (state == S_SEND) && can_send && !byte_reply;
    // Bytes shift into `word` from the top: four per word, the frame's bytes first, then zeros, so a 1- or
    // 2-byte memory word ends at the bottom.
    // A word's slots: `take` data bytes from the frame, then `pad` zeros (counters, so no compare sits on the
    // path to word's enable).
    reg  [2:0] take, pad;
    wire commit_byte     = (state == S_COMMIT) && (take != 3'd0);
    wire commit_zero     = (state == S_COMMIT) && (take == 3'd0) && (pad != 3'd0);
    wire shift_in        = (loading && is_write_reg) || (commit_byte && rx_got) || commit_zero || sending_word;
    wire [7:0] word_in   = commit_zero || sending_word ? 8'd0 : rx_data;
    assign want_byte     = ((state == S_LOAD) && (index != arg_bytes) && !payload_done) ||
                           commit_byte || ((state == S_SKIP) && (index != 3'd4));
    wire fetched         = (state == S_FETCH) && ((is_read_mem && mem_ack) || (is_read_regs && index == 3'd2));
    assign stream_take   = (state == S_SEND) && can_send && is_read_stream && stream_out_valid;

    // Memory map of the selected memory, and the checks' arithmetic.
    wire [SEL_BITS-1:0] sel_index = sel;
    wire [1:0]  mem_log2   = MEM_WORD_LOG2[sel_index * 8 +: 2];
    wire [24:0] limit_25   = reg_command ? REG_LIMIT : MEM_DEPTHS[sel_index * 25 +: 25];
    wire [RANGE_BITS-1:0] limit = limit_25[RANGE_BITS-1:0];   // depths fit ADDR_BITS (the generator sizes it)
    // One past the last word (WRITE_REG counts one register through the carry in), registered a clock before
    // it is compared.
    reg  [RANGE_BITS-1:0] range_end;
    always @(posedge clk)
        range_end <= {{(RANGE_BITS - ADDR_BITS){1'b0}}, address} + {{(RANGE_BITS - 10){1'b0}}, count} +
                     {{(RANGE_BITS - 1){1'b0}}, is_write_reg};
    reg  [11:0] reply_bytes;      // count << word_log2, a clock behind
    always @(posedge clk) reply_bytes <= {2'b00, count} << word_log2;
    wire [8:0]  data_bytes = length - 9'd4;                          // WRITE_MEM
    wire [1:0]  word_mask  = (2'd1 << mem_log2) - 2'd1;
    wire        length_ok  = is_write_mem ? (length >= 9'd4) :
                             (length == {6'd0, arg_bytes});
    wire [15:0] stream_have = {{(15 - STREAM_FIFO_LOG2){1'b0}}, stream_count};   // at most 2^STREAM_FIFO_LOG2 + 1
    wire        read_command = is_identify || is_read_regs || is_read_mem || is_read_stream;
    wire [15:0] reply_length = (status == ST_OK && read_command) ? {4'd0, reply_bytes} : 16'd0;
    // The checks' verdicts, registered every clock from registers only, so no comparison sits on the state
    // logic's path: each is current two clocks after its inputs settle (the check steps wait for that).
    reg sel_bad, part_word, reply_too_long, past_end, stream_short;
    wire sel_outside;   // the memory index names none of the design's memories (all of them when it has none)
    generate
        if (MEM_COUNT == 0) begin : g_no_memory
            assign sel_outside = 1'b1;
        end else begin : g_memories
            assign sel_outside = {{(8 - SEL_BITS){1'b0}}, sel} >= MEM_COUNT_8;
        end
    endgenerate
    reg [9:0] data_words, stream_have_q;   // WRITE_MEM's words; bytes the stream buffer holds
    always @(posedge clk) begin
        data_words     <= {1'b0, data_bytes >> mem_log2};
        stream_have_q  <= stream_have[9:0];
        stream_short   <= {6'd0, count} > stream_have;
        sel_bad        <= sel_high || sel_outside;
        part_word      <= (data_bytes[1:0] & word_mask) != 2'd0;
        reply_too_long <= read_command && (count_big || reply_bytes > {3'd0, MAX_LEN});
        past_end       <= (reg_command || mem_command) && (address_high || range_end > limit);
    end
    wire [2:0]  verdict = (mem_command && sel_bad) ? ST_BAD_ADDRESS :
                          (is_write_mem && part_word) ? ST_BAD_LENGTH :
                          reply_too_long ? ST_BAD_LENGTH :
                          past_end ? ST_BAD_ADDRESS :
                          (mem_command && busy_seen) ? ST_BUSY : ST_OK;
    wire [2:0]  check_status =
        (crc32 != 32'd0) ? ST_BAD_CRC :
        !(is_identify || reg_command || mem_command || is_read_stream) ? ST_UNKNOWN_CMD :
        !length_ok ? ST_BAD_LENGTH : ST_OK;

    always @(posedge clk) begin
        // Payload bytes still to read: counted down in each pass.
        if (state == S_HEADER && rx_got && index == 3'd4) begin
            remaining    <= {rx_data[0], len_lo};
            payload_done <= ({rx_data[0], len_lo} == 9'd0);
        end else if (reread) begin
            remaining    <= length;
            payload_done <= (length == 9'd0);
        end else if (rx_got && !payload_done && state != S_HUNT && state != S_HEADER) begin
            remaining    <= remaining - 9'd1;
            payload_done <= (remaining == 9'd1);
        end

        if (state == S_HEADER) begin
            sel       <= {SEL_BITS{1'b0}};
            sel_high  <= 1'b0;
            address      <= {ADDR_BITS{1'b0}};
            address_high <= 1'b0;
            requested <= 10'd0;
            count_big <= 1'b0;
        end else begin
            if (loading && arg_sel) begin
                sel      <= rx_data[SEL_BITS-1:0];
                sel_high <= (rx_data >> SEL_BITS) != 8'd0;
            end
            if (address_lane) begin
                address      <= address_loaded[ADDR_BITS-1:0];
                address_high <= address_high || ((lane_in & HIGH_BITS) != 24'd0);
            end else if ((state == S_WRITE && mem_ack) || (state == S_SEND && can_send && index[1:0] == send_last)) begin
                address <= address + 1'b1;
            end
            if (loading && arg_count_low) requested[7:0] <= rx_data;
            if (loading && arg_count_high) begin
                requested[9:8] <= rx_data[1:0];
                count_big  <= rx_data[7:2] != 6'd0;
            end
        end
        // count: from the checks (step 2 sets it, step 5 clamps READ_STREAM to what is buffered; the verdicts
        // read at step 6 see step 2's value through their registers), then down one per word. Kept apart from
        // `requested` so its enable has few terms.
        if (state == S_CHECK && index == 3'd2)
            count <= is_identify ? ID_COUNT : is_write_mem ? data_words : requested;
        else if (state == S_CHECK && index == 3'd5 && is_read_stream && stream_short)
            count <= stream_have_q;
        else if (fetched || (byte_reply && state == S_FETCH) || (state == S_WRITE && mem_ack))
            count <= count - 10'd1;

        if (shift_in) word <= {word_in, word[31:8]};
        else if (fetched) word <= is_read_mem ? mem_rdata : reg_rdata;
    end

    // ---- index: a counter that only steps or clears (one enable, one reset; no multiplexer) ----
    wire send_go = can_send && (!is_read_stream || stream_out_valid);   // S_SEND sends a byte
    assign tx_load = ((state == S_HEAD || state == S_TAIL) && can_send) || (state == S_SEND && send_go);
    wire index_clear =
        (state == S_HUNT) ||
        (state == S_HEADER && index == 3'd6) ||
        (state == S_BODY && rx_got && payload_done && index == 3'd3) ||
        (state == S_LOAD && !rx_got && (index == arg_bytes || payload_done)) ||
        (state == S_SKIP && !(rx_got && payload_done) && index == 3'd4) ||
        (state == S_HEAD && can_send && index == 3'd6) ||
        (state == S_FETCH && (byte_reply || fetched)) ||
        (state == S_SEND && send_go && index[1:0] == send_last) ||
        (state == S_TAIL && can_send && index == 3'd3);
    wire index_step =
        (state == S_HEADER && rx_got) ||
        ((state == S_BODY || state == S_SKIP) && rx_got && payload_done) ||
        (state == S_LOAD && rx_got) ||
        (state == S_CHECK && !crc_busy) ||
        ((state == S_HEAD || state == S_TAIL) && can_send) ||
        (state == S_FETCH && index != 3'd3) ||
        (state == S_SEND && send_go);
    always @(posedge clk) begin
        if (rst || index_clear) index <= 3'd0;
        else if (index_step) index <= index + 3'd1;
    end

    // ---- status and word size: set by the header (too long) and the check steps ----
    // Their own block, so the header's rewind and timeout logic does not gate them (a frame that rewinds or
    // times out goes back to hunting, where neither is used).
    wire check_step = (state == S_CHECK) && !crc_busy;
    always @(posedge clk) begin
        if (state == S_HEADER && index == 3'd6 && too_long) begin
            status    <= ST_BAD_LENGTH;
            word_log2 <= 2'd0;
        end
        if (check_step && index == 3'd0) begin
            status    <= check_status;
            word_log2 <= is_read_regs ? 2'd2 : 2'd0;
        end
        if (check_step && index == 3'd1 && mem_command) word_log2 <= mem_log2;
        if (check_step && index == 3'd6 && status == ST_OK) status <= verdict;
    end

    // ---- the sequencer ----
    always @(posedge clk) begin
        reg_write <= 1'b0;
        reg_read  <= (state == S_FETCH) && is_read_regs && index == 3'd0;
        mem_read  <= (state == S_FETCH) && is_read_mem && index == 3'd0;
        mem_write <= 1'b0;
        if (tx_valid && tx_ready) tx_valid <= 1'b0;

        if (rst) begin
            state    <= S_HUNT;
            tx_valid <= 1'b0;
        end else begin
            // A bad header or a timeout (in S_HEADER / S_BODY only) sends the decoder back to hunting; kept
            // inside those states so it gates nothing else.
            case (state)
                S_HUNT: if (rx_got && rx_data == SYNC_REQUEST) begin
                    state <= S_HEADER;
                end

                S_HEADER: if (rewind || timed_out) begin
                    state <= S_HUNT;
                end else if (index == 3'd6) begin   // a good hcrc (a bad one rewinds)
                    if (too_long) begin
                        state <= S_HEAD;   // cannot follow it: reply BAD_LENGTH, then hunt
                    end else begin
                        state <= S_BODY;
                    end
                end else if (rx_got) begin
                    case (index)
                        3'd0: seq <= rx_data;
                        3'd1: begin
                            cmd            <= rx_data;
                            is_identify    <= (rx_data == CMD_IDENTIFY);
                            is_read_regs   <= (rx_data == CMD_READ_REGS);
                            is_write_reg   <= (rx_data == CMD_WRITE_REG);
                            is_read_mem    <= (rx_data == CMD_READ_MEM);
                            is_write_mem   <= (rx_data == CMD_WRITE_MEM);
                            is_read_stream <= (rx_data == CMD_READ_STREAM);
                        end
                        3'd2: ;   // status byte: ignored in requests
                        3'd3: len_lo <= rx_data;
                        3'd4: begin
                            len_bit8     <= rx_data[0];
                            too_long     <= (rx_data[7:1] != 7'd0) || ({rx_data[0], len_lo} > MAX_LEN);
                        end
                        default: hcrc_ok <= (rx_data == crc8);   // acted on at index 6
                    endcase
                end

                S_BODY: if (timed_out) begin
                    state <= S_HUNT;
                end else if (rx_got && payload_done) begin   // the 4 CRC bytes after the payload
                    if (index == 3'd3) begin   // rx_read rewinds to the payload (reread)
                        state <= S_LOAD;
                    end
                end

                // The argument bytes, or as many as the payload has (a short one fails its length check).
                S_LOAD: if (!rx_got && (index == arg_bytes || payload_done)) begin
                    state <= S_CHECK;
                end

                S_CHECK: if (!crc_busy) begin
                    // Once the CRC engine has digested the last CRC byte: step 0 the frame, command and length;
                    // step 1 the word size; steps 2-5 let the registered verdicts settle; step 6 takes the first
                    // failure in the documented order; step 7 acts on the registered status.
                    case (index)
                        3'd7: begin
                            state <= (status == ST_OK && is_write_mem && count != 10'd0) ? S_COMMIT : S_SKIP;
                            take  <= 3'd1 << word_log2;
                            pad   <= 3'd4 - (3'd1 << word_log2);
                            reg_write <= (status == ST_OK) && is_write_reg;
                        end
                        default: ;
                    endcase
                end

                S_COMMIT: begin
                    // The word's bytes shift in (each read from the FIFO), then zeros up to four; then write.
                    if (commit_byte && rx_got) take <= take - 3'd1;
                    if (commit_zero) pad <= pad - 3'd1;
                    if (take == 3'd0 && pad == 3'd0) begin
                        mem_write <= 1'b1;
                        state     <= S_WRITE;
                    end
                end

                S_WRITE: if (mem_ack) begin
                    state <= (count == 10'd1) ? S_SKIP : S_COMMIT;
                    take  <= 3'd1 << word_log2;
                    pad   <= 3'd4 - (3'd1 << word_log2);
                end

                // Whatever the second pass did not use, then the 4 CRC bytes: the frame is released.
                S_SKIP: if (!(rx_got && payload_done) && index == 3'd4) begin
                    state <= S_HEAD;
                end

                S_HEAD: if (can_send) begin
                    tx_valid  <= 1'b1;
                    tx_in_crc <= (index != 3'd0);   // sync is outside both CRCs
                    case (index)
                        3'd0: tx_data <= SYNC_REPLY;
                        3'd1: tx_data <= seq;
                        3'd2: tx_data <= cmd;
                        3'd3: tx_data <= {5'd0, status};
                        3'd4: tx_data <= reply_length[7:0];
                        3'd5: tx_data <= reply_length[15:8];
                        default: begin
                            tx_data <= crc8;   // every header byte has entered the CRC by now
                            state   <= (reply_length == 16'd0) ? S_TAIL : S_FETCH;
                        end
                    endcase
                end

                S_FETCH: begin
                    // Registers answer the clock after reg_read, memories when they ack; the ROM and the
                    // stream FIFO need no request (their byte is there when S_SEND sends it).
                    if (byte_reply || fetched) begin
                        state <= S_SEND;
                    end
                end

                S_SEND: if (send_go) begin
                    tx_data   <= is_identify ? id_data : is_read_stream ? stream_out : word[7:0];
                    tx_valid  <= 1'b1;
                    tx_in_crc <= 1'b1;
                    if (index[1:0] == send_last) begin
                        state <= (count == 10'd0) ? S_TAIL : S_FETCH;
                    end
                end

                S_TAIL: if (can_send) begin
                    // Most significant byte first: a receiver running the CRC over these bytes too ends at zero.
                    tx_valid  <= 1'b1;
                    tx_in_crc <= 1'b0;
                    tx_data   <= crc32[31 - index[1:0] * 8 -: 8];
                    if (index == 3'd3) begin
                        state <= S_HUNT;
                    end
                end

                default: state <= S_HUNT;
            endcase
        end
    end

    assign line_error = line_error_seen;
    assign reg_wdata  = word;
    assign reg_addr   = address_wide[15:0];
    assign mem_sel    = {{(8 - SEL_BITS){1'b0}}, sel};
    assign mem_addr   = address_wide;
    assign id_addr    = address[7:0];
    assign mem_wdata  = word;
    assign idle = (state == S_HUNT) && rx_empty && !rx_got && !tx_valid && tx_ready;

    wire unused_ok = &{1'b0, lane_now[2], stream_fifo_ready, address_loaded, limit_25};
endmodule

`default_nettype wire
