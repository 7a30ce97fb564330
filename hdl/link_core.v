// link_core — the spinbit serial link: UART → frame decoder → command dispatch → register / memory / stream
// ports of a core → frame encoder → UART. docs/protocol.md is the specification; this is its hardware half.
//
// Frames (both directions): sync, seq, cmd, status, len_lo, len_hi, hcrc, payload[len], crc_lo, crc_hi.
//   sync  0x5A for requests, 0xA5 for replies;
//   hcrc  CRC-8 (poly 0x07, init 0x00) over seq … len_hi — a bad header is dropped silently (resync);
//   crc   CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over every byte after sync up to the end of the
//         payload (hcrc included).
// Requests are handled strictly in order, one at a time. Received bytes wait in an rx FIFO of 2^RX_FIFO_LOG2
// bytes; the host keeps its unanswered request bytes below that size (identity reports it), so the FIFO can
// never overflow. A frame that stops arriving for TIMEOUT_CYCLES is abandoned (back to hunting for sync).
// Memory writes are applied while the payload streams in (so a frame whose CRC then fails may have written
// some words; the reply says BAD_CRC and the host repeats the write, which is idempotent). Register writes
// wait for the CRC.
`default_nettype none

module link_core #(
    parameter integer CLKS_PER_BIT     = 12,
    parameter integer RX_FIFO_LOG2     = 10,      // rx buffer: the host's credit, in bytes (2^n + 1)
    parameter integer STREAM_FIFO_LOG2 = 9,
    parameter integer MAX_PAYLOAD      = 512,
    parameter integer IDENTITY_BYTES   = 64,
    parameter integer TIMEOUT_CYCLES   = 120000,  // inter-byte timeout inside a frame
    parameter integer REG_COUNT        = 16,      // registers 0 … REG_COUNT-1 exist
    parameter integer MEM_COUNT        = 1,
    // Per memory (index = memory id): log2 of bytes per word (0, 1 or 2), 8 bits each; depth in words.
    parameter [127:0] MEM_WORD_LOG2    = 128'd0,
    parameter [399:0] MEM_DEPTHS       = 400'd0   // words per memory, 25 bits each
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        uart_rx,
    output wire        uart_tx,

    // Identity ROM (generated per design): synchronous read, data valid the cycle after id_addr.
    output reg  [7:0]  id_addr,
    input  wire [7:0]  id_data,

    // Register port: reg_write / reg_read are one-cycle strobes; reg_rdata is sampled the cycle after reg_read.
    output reg  [15:0] reg_addr,
    output wire [31:0] reg_wdata,     // valid with reg_write
    output reg         reg_write,
    output reg         reg_read,
    input  wire [31:0] reg_rdata,

    // Memory port: mem_write / mem_read are one-cycle strobes; the core answers each with mem_ack (any
    // later cycle), carrying mem_rdata for reads.
    output reg  [7:0]  mem_sel,
    output reg  [23:0] mem_addr,
    output reg  [31:0] mem_wdata,
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
    localparam [7:0] SYNC_REQUEST = 8'h5A;
    localparam [7:0] SYNC_REPLY   = 8'hA5;
    localparam [7:0] CMD_IDENTIFY    = 8'h01;
    localparam [7:0] CMD_READ_REGS   = 8'h02;
    localparam [7:0] CMD_WRITE_REG   = 8'h03;
    localparam [7:0] CMD_READ_MEM    = 8'h04;
    localparam [7:0] CMD_WRITE_MEM   = 8'h05;
    localparam [7:0] CMD_READ_STREAM = 8'h06;
    localparam [7:0] ST_OK          = 8'h00;
    localparam [7:0] ST_BAD_CRC     = 8'h01;
    localparam [7:0] ST_UNKNOWN_CMD = 8'h02;
    localparam [7:0] ST_BAD_LENGTH  = 8'h03;
    localparam [7:0] ST_BUSY        = 8'h04;
    localparam [7:0] ST_BAD_ADDRESS = 8'h05;
    localparam [15:0] MAX_LEN = MAX_PAYLOAD[15:0];
    localparam [15:0] ID_LEN  = IDENTITY_BYTES[15:0];
    localparam integer TIMEOUT_WIDTH = $clog2(TIMEOUT_CYCLES + 1);
    localparam [31:0] TIMEOUT_32 = TIMEOUT_CYCLES;
    localparam [TIMEOUT_WIDTH-1:0] TIMEOUT = TIMEOUT_32[TIMEOUT_WIDTH-1:0];
    localparam [7:0]  MEM_COUNT_8 = MEM_COUNT[7:0];
    localparam [16:0] REG_COUNT_17 = REG_COUNT[16:0];

    // ---- CRCs, one byte per call ----
    function [7:0] crc8_next(input [7:0] crc, input [7:0] data);
        integer i;
        reg [7:0] c;
        begin
            c = crc ^ data;
            for (i = 0; i < 8; i = i + 1) c = c[7] ? {c[6:0], 1'b0} ^ 8'h07 : {c[6:0], 1'b0};
            crc8_next = c;
        end
    endfunction

    function [15:0] crc16_next(input [15:0] crc, input [7:0] data);
        integer i;
        reg [15:0] c;
        begin
            c = crc ^ {data, 8'h00};
            for (i = 0; i < 8; i = i + 1) c = c[15] ? {c[14:0], 1'b0} ^ 16'h1021 : {c[14:0], 1'b0};
            crc16_next = c;
        end
    endfunction

    // ---- UART and buffers ----
    wire [7:0] rx_byte;
    wire       rx_byte_valid;
    wire       rx_frame_error;   // the garbled byte is dropped; the frame's CRC or the timeout catches it
    wire [7:0] rx_data;
    wire       rx_valid;
    reg        rx_take;
    wire       rx_fifo_ready;
    wire [RX_FIFO_LOG2:0] rx_count;
    reg        line_error_seen;

    uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_uart_rx (
        .clk(clk), .rst(rst), .rx(uart_rx), .data(rx_byte), .valid(rx_byte_valid), .frame_error(rx_frame_error)
    );
    sync_fifo #(.WIDTH(8), .DEPTH_LOG2(RX_FIFO_LOG2)) u_rx_fifo (
        .clk(clk), .rst(rst), .in_data(rx_byte), .in_valid(rx_byte_valid), .in_ready(rx_fifo_ready),
        .out_data(rx_data), .out_valid(rx_valid), .out_ready(rx_take), .count(rx_count)
    );

    reg  [7:0] tx_data;
    reg        tx_valid;
    wire       tx_ready;
    uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_uart_tx (
        .clk(clk), .rst(rst), .data(tx_data), .valid(tx_valid), .ready(tx_ready), .tx(uart_tx)
    );

    wire [7:0] stream_out;
    wire       stream_out_valid;
    reg        stream_take;
    wire [STREAM_FIFO_LOG2:0] stream_count;
    sync_fifo #(.WIDTH(8), .DEPTH_LOG2(STREAM_FIFO_LOG2)) u_stream_fifo (
        .clk(clk), .rst(rst), .in_data(stream_data), .in_valid(stream_valid), .in_ready(stream_ready),
        .out_data(stream_out), .out_valid(stream_out_valid), .out_ready(stream_take), .count(stream_count)
    );

    // ---- the request/reply state machine ----
    localparam [3:0] S_HUNT       = 4'd0,
                     S_HEADER     = 4'd1,   // seq … hcrc
                     S_PAYLOAD    = 4'd2,
                     S_MEM_WRITE  = 4'd3,   // waiting for mem_ack of a write inside the payload
                     S_CRC        = 4'd4,
                     S_EXECUTE    = 4'd5,
                     S_REPLY_HEAD = 4'd6,
                     S_FETCH      = 4'd7,   // start reading the next reply word
                     S_FETCH_WAIT = 4'd8,   // wait for it
                     S_REPLY_BODY = 4'd9,   // send the bytes of the word
                     S_REPLY_CRC  = 4'd10;

    reg [3:0]  state;
    reg [2:0]  index;          // byte index within header / args / CRC / word
    reg [7:0]  seq;
    reg [7:0]  cmd;
    reg [15:0] length;
    reg [15:0] received;       // payload bytes consumed
    reg [7:0]  crc8;
    reg [15:0] crc16;
    reg [15:0] frame_crc;      // CRC as received
    reg [47:0] args;           // first six payload bytes, little endian
    reg [7:0]  status;         // reply status decided so far (payload checks)
    reg [TIMEOUT_WIDTH-1:0] idle_cycles;   // inside a frame, cycles without a byte

    reg [7:0]  reply_status;
    reg [15:0] reply_length;
    reg [15:0] words_left;     // reply words still to fetch
    reg [31:0] word;           // reply word being sent, LSB first
    reg [1:0]  word_log2;      // bytes per word of the current transfer: 1, 2 or 4
    reg [2:0]  word_bytes_left;
    reg [7:0]  tx_crc8;
    reg [15:0] tx_crc16;
    reg        tx_in_crc;      // the byte in tx_data counts in the reply CRCs (sync and CRC bytes do not)
    wire [7:0]  rx_crc8_next  = crc8_next(crc8, rx_data);
    wire [15:0] rx_crc16_next = crc16_next(crc16, rx_data);

    // Memory map lookups for the memory named by a request.
    wire [7:0]  sel_arg     = args[7:0];
    wire        sel_valid   = sel_arg < MEM_COUNT_8;
    wire [1:0]  sel_word    = MEM_WORD_LOG2[sel_arg[3:0] * 8 +: 2];
    wire [24:0] sel_depth   = MEM_DEPTHS[sel_arg[3:0] * 25 +: 25];
    wire [23:0] addr_arg    = args[31:8];
    // WRITE_MEM: the address's top byte is the one arriving when the memory header completes.
    wire [23:0] write_addr  = {rx_data, args[23:8]};
    wire [15:0] write_bytes = length - 16'd4;                    // WRITE_MEM data bytes
    wire [15:0] write_words = write_bytes >> sel_word;
    wire [15:0] read_words  = args[47:32];                        // READ_MEM count
    wire        write_whole = (write_bytes & ((16'd1 << sel_word) - 16'd1)) == 16'd0;
    // addr + words must not pass the end of the memory; 25 bits hold any sum.
    wire [24:0] write_end   = {1'b0, write_addr} + {9'd0, write_words};
    wire [24:0] read_end    = {1'b0, addr_arg} + {9'd0, read_words};
    wire        write_fits  = write_end <= sel_depth;
    wire        read_fits   = read_end <= sel_depth;
    wire [17:0] read_bytes  = {2'b00, read_words} << sel_word;
    // Register ranges: READ_REGS addr + count, WRITE_REG addr, within REG_COUNT.
    wire        regs_fit    = ({1'b0, args[15:0]} + {9'd0, args[23:16]}) <= REG_COUNT_17;
    wire        reg_exists  = {1'b0, args[15:0]} < REG_COUNT_17;
    wire [15:0] stream_avail = {{(15 - STREAM_FIFO_LOG2){1'b0}}, stream_count};
    wire [15:0] stream_ask   = args[15:0] < MAX_LEN ? args[15:0] : MAX_LEN;
    wire [15:0] stream_len   = stream_ask < stream_avail ? stream_ask : stream_avail;

    wire byte_ready = rx_valid && !rx_take;   // rx_take pops on the next edge: never take twice
    wire [2:0] word_last        = (3'd1 << sel_word) - 3'd1;
    wire       write_header_done = (cmd == CMD_WRITE_MEM) && (received == 16'd3);
    wire       write_data_byte   = (cmd == CMD_WRITE_MEM) && (received >= 16'd4);
    wire       write_word_done   = write_data_byte && (index == word_last);
    wire can_send   = !tx_valid;

    assign line_error = line_error_seen;
    assign reg_wdata  = args[47:16];   // WRITE_REG's value; args hold still until the next frame starts
    assign idle = (state == S_HUNT) && !rx_valid && !tx_valid && tx_ready && (rx_count == {(RX_FIFO_LOG2 + 1){1'b0}});

    // A reply byte enters both reply CRCs when the transmitter takes it (one CRC network for all bytes).
    task send(input [7:0] data);
        begin
            tx_data   <= data;
            tx_valid  <= 1'b1;
            tx_in_crc <= 1'b1;
        end
    endtask

    task reply(input [7:0] code, input [15:0] len);
        begin
            reply_status <= code;
            reply_length <= len;
            index        <= 3'd0;
            state        <= S_REPLY_HEAD;
        end
    endtask

    always @(posedge clk) begin
        rx_take     <= 1'b0;
        stream_take <= 1'b0;
        reg_write   <= 1'b0;
        reg_read    <= 1'b0;
        mem_write   <= 1'b0;
        mem_read    <= 1'b0;
        if (tx_valid && tx_ready) begin
            tx_valid <= 1'b0;
            if (tx_in_crc) begin
                tx_crc8  <= crc8_next(tx_crc8, tx_data);
                tx_crc16 <= crc16_next(tx_crc16, tx_data);
            end
        end
        if (rx_frame_error || (rx_byte_valid && !rx_fifo_ready)) line_error_seen <= 1'b1;

        if (rst) begin
            state         <= S_HUNT;
            tx_valid      <= 1'b0;
            line_error_seen <= 1'b0;
            idle_cycles   <= {TIMEOUT_WIDTH{1'b0}};
            index         <= 3'd0;
            id_addr       <= 8'd0;
        end else begin
            // Abandon a frame that stops arriving (lost bytes, a false sync in garbage).
            if (state == S_HEADER || state == S_PAYLOAD || state == S_CRC) begin
                if (byte_ready) idle_cycles <= {TIMEOUT_WIDTH{1'b0}};
                else if (idle_cycles == TIMEOUT) state <= S_HUNT;
                else idle_cycles <= idle_cycles + 1'b1;
            end else begin
                idle_cycles <= {TIMEOUT_WIDTH{1'b0}};
            end

            case (state)
                S_HUNT: if (byte_ready) begin
                    rx_take <= 1'b1;
                    if (rx_data == SYNC_REQUEST) begin
                        state    <= S_HEADER;
                        index    <= 3'd0;
                        crc8     <= 8'h00;
                        crc16    <= 16'hFFFF;
                        received <= 16'd0;
                        args     <= 48'd0;
                        status   <= ST_OK;
                    end
                end

                S_HEADER: if (byte_ready) begin
                    rx_take <= 1'b1;
                    crc16   <= rx_crc16_next;
                    if (index != 3'd5) crc8 <= rx_crc8_next;
                    index <= index + 3'd1;
                    case (index)
                        3'd0: seq <= rx_data;
                        3'd1: cmd <= rx_data;
                        3'd2: ;   // status byte: zero in requests, ignored
                        3'd3: length[7:0] <= rx_data;
                        3'd4: length[15:8] <= rx_data;
                        default: begin
                            index <= 3'd0;
                            if (rx_data != crc8) state <= S_HUNT;                     // untrustworthy: drop
                            else if (length > MAX_LEN) reply(ST_BAD_LENGTH, 16'd0);   // cannot follow it: resync
                            else if (length == 16'd0) state <= S_CRC;
                            else state <= S_PAYLOAD;
                        end
                    endcase
                end

                S_PAYLOAD: if (byte_ready) begin
                    rx_take  <= 1'b1;
                    crc16    <= rx_crc16_next;
                    received <= received + 16'd1;
                    if (received < 16'd6) args[received[2:0] * 8 +: 8] <= rx_data;
                    if (write_header_done) begin
                        // The memory header is complete: check it once, before any data word is written.
                        if (!sel_valid) status <= ST_BAD_ADDRESS;
                        else if (!write_whole) status <= ST_BAD_LENGTH;
                        else if (!write_fits) status <= ST_BAD_ADDRESS;
                        else if (core_busy) status <= ST_BUSY;
                        mem_sel   <= sel_arg;
                        mem_addr  <= write_addr;
                        mem_wdata <= 32'd0;
                        index     <= 3'd0;
                    end
                    if (write_data_byte) begin
                        mem_wdata[index[1:0] * 8 +: 8] <= rx_data;
                        index <= write_word_done ? 3'd0 : index + 3'd1;
                    end
                    if (write_word_done && status == ST_OK) begin
                        mem_write <= 1'b1;
                        state     <= S_MEM_WRITE;   // continues to S_CRC after the last word
                    end else if (received + 16'd1 == length) begin
                        state <= S_CRC;
                        index <= 3'd0;
                    end
                end

                S_MEM_WRITE: if (mem_ack) begin
                    mem_addr <= mem_addr + 24'd1;
                    mem_wdata <= 32'd0;
                    state    <= (received == length) ? S_CRC : S_PAYLOAD;
                    index    <= 3'd0;
                end

                S_CRC: if (byte_ready) begin
                    rx_take <= 1'b1;
                    index   <= index + 3'd1;
                    if (index == 3'd0) frame_crc[7:0] <= rx_data;
                    else begin
                        frame_crc[15:8] <= rx_data;
                        state <= S_EXECUTE;
                    end
                end

                S_EXECUTE: begin
                    if (frame_crc != crc16) reply(ST_BAD_CRC, 16'd0);
                    else case (cmd)
                        CMD_IDENTIFY:
                            if (length != 16'd0) reply(ST_BAD_LENGTH, 16'd0);
                            else begin
                                word_log2  <= 2'd0;
                                words_left <= ID_LEN;
                                id_addr    <= 8'd0;
                                reply(ST_OK, ID_LEN);
                            end
                        CMD_READ_REGS:
                            if (length != 16'd3 || {8'd0, args[23:16]} > (MAX_LEN >> 2)) reply(ST_BAD_LENGTH, 16'd0);
                            else if (!regs_fit) reply(ST_BAD_ADDRESS, 16'd0);
                            else begin
                                word_log2  <= 2'd2;
                                words_left <= {8'd0, args[23:16]};
                                reg_addr   <= args[15:0];
                                reply(ST_OK, {6'd0, args[23:16], 2'b00});
                            end
                        CMD_WRITE_REG:
                            if (length != 16'd6) reply(ST_BAD_LENGTH, 16'd0);
                            else if (!reg_exists) reply(ST_BAD_ADDRESS, 16'd0);
                            else begin
                                reg_addr  <= args[15:0];
                                reg_write <= 1'b1;
                                words_left <= 16'd0;
                                reply(ST_OK, 16'd0);
                            end
                        CMD_READ_MEM:
                            if (length != 16'd6) reply(ST_BAD_LENGTH, 16'd0);
                            else if (!sel_valid || !read_fits) reply(ST_BAD_ADDRESS, 16'd0);
                            else if (read_bytes > {2'b00, MAX_LEN}) reply(ST_BAD_LENGTH, 16'd0);
                            else if (core_busy) reply(ST_BUSY, 16'd0);
                            else begin
                                word_log2  <= sel_word;
                                words_left <= read_words;
                                mem_sel    <= sel_arg;
                                mem_addr   <= addr_arg;
                                reply(ST_OK, read_bytes[15:0]);
                            end
                        CMD_WRITE_MEM: begin
                            words_left <= 16'd0;
                            reply(length < 16'd4 ? ST_BAD_LENGTH : status, 16'd0);
                        end
                        CMD_READ_STREAM:
                            if (length != 16'd2) reply(ST_BAD_LENGTH, 16'd0);
                            else begin
                                word_log2  <= 2'd0;
                                words_left <= stream_len;
                                reply(ST_OK, stream_len);
                            end
                        default: reply(ST_UNKNOWN_CMD, 16'd0);
                    endcase
                    // Error replies carry no payload.
                end

                S_REPLY_HEAD: if (can_send) begin
                    index <= index + 3'd1;
                    case (index)
                        3'd0: begin
                            tx_data   <= SYNC_REPLY;   // sync is outside both CRCs
                            tx_valid  <= 1'b1;
                            tx_in_crc <= 1'b0;
                            tx_crc8   <= 8'h00;
                            tx_crc16  <= 16'hFFFF;
                        end
                        3'd1: send(seq);   // (tx_crc8/16 were reset with the sync byte)
                        3'd2: send(cmd);
                        3'd3: send(reply_status);
                        3'd4: send(reply_length[7:0]);
                        3'd5: send(reply_length[15:8]);
                        default: begin
                            send(tx_crc8);
                            index <= 3'd0;
                            if (reply_status != ST_OK || reply_length == 16'd0) state <= S_REPLY_CRC;
                            else state <= S_FETCH;
                        end
                    endcase
                end

                S_FETCH: begin
                    // Ask the source of the next word; S_FETCH_WAIT collects it.
                    case (cmd)
                        CMD_READ_REGS:   reg_read <= 1'b1;
                        CMD_READ_MEM:    mem_read <= 1'b1;
                        default: ;
                    endcase
                    index <= 3'd0;
                    state <= S_FETCH_WAIT;
                end

                S_FETCH_WAIT: begin
                    // Registers answer the cycle after reg_read, the ROM the cycle after id_addr; memories when
                    // they ack; the
                    // stream FIFO's output is already there (its length was checked before the reply).
                    index <= index + 3'd1;
                    if ((cmd == CMD_READ_MEM && mem_ack) ||
                        (cmd == CMD_READ_REGS && index == 3'd1) ||
                        (cmd == CMD_IDENTIFY && index == 3'd0) ||
                        (cmd == CMD_READ_STREAM && stream_out_valid && !stream_take)) begin
                        case (cmd)
                            CMD_READ_MEM:  word <= mem_rdata;
                            CMD_READ_REGS: word <= reg_rdata;
                            CMD_IDENTIFY:  word <= {24'd0, id_data};
                            default:       begin word <= {24'd0, stream_out}; stream_take <= 1'b1; end
                        endcase
                        word_bytes_left <= 3'd1 << word_log2;
                        words_left      <= words_left - 16'd1;
                        state           <= S_REPLY_BODY;
                    end
                end

                S_REPLY_BODY: if (can_send) begin
                    send(word[7:0]);
                    word            <= {8'd0, word[31:8]};
                    word_bytes_left <= word_bytes_left - 3'd1;
                    if (word_bytes_left == 3'd1) begin
                        if (words_left == 16'd0) begin
                            state <= S_REPLY_CRC;
                            index <= 3'd0;
                        end else begin
                            // Next word: registers and memory addresses advance, the ROM index too.
                            reg_addr <= reg_addr + 16'd1;
                            mem_addr <= mem_addr + 24'd1;
                            id_addr  <= id_addr + 8'd1;
                            state    <= S_FETCH;
                        end
                    end
                end

                S_REPLY_CRC: if (can_send) begin
                    index <= index + 3'd1;
                    if (index == 3'd0) begin
                        tx_data   <= tx_crc16[7:0];
                        tx_valid  <= 1'b1;
                        tx_in_crc <= 1'b0;
                    end else begin
                        tx_data   <= tx_crc16[15:8];
                        tx_valid  <= 1'b1;
                        index     <= 3'd0;
                        state     <= S_HUNT;
                    end
                end

                default: state <= S_HUNT;
            endcase
        end
    end
endmodule

`default_nettype wire
