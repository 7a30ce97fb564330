// link_core — the spinbit serial link: UART → frame decoder → command dispatch → register / memory / stream
// ports of a core → frame encoder → UART. docs/protocol.md is the specification; this is its hardware half.
//
// Frames (both directions): sync, seq, cmd, status, len_lo, len_hi, hcrc, payload[len], crc (4 bytes).
//   sync  0x5A for requests, 0xA5 for replies;
//   hcrc  CRC-8 (poly 0x07, init 0x00) over seq … len_hi — a bad header is dropped silently (resync);
//   crc   CRC-32/MPEG-2 (poly 0x04C11DB7, init 0xFFFFFFFF) over every byte after sync up to the end of
//         the payload (hcrc included), sent most significant byte first — so running the CRC over the CRC
//         bytes too leaves zero, which is how this decoder checks it without storing the received value.
// Requests are handled strictly in order, one at a time. Received bytes wait in an rx FIFO of 2^RX_FIFO_LOG2
// bytes; the host keeps its unanswered request bytes at or below that size (identity reports it), so the
// FIFO cannot overflow. A frame that stops arriving for TIMEOUT_CYCLES is abandoned (back to hunting).
// Nothing is written before the frame's CRC has checked out: WRITE_MEM data waits in a payload buffer (one
// block RAM) and is committed word by word afterwards, WRITE_REG acts after the check too. So a corrupted
// frame — even one whose memory address was hit — changes nothing, and a retry is always safe.
//
// Area and speed: lengths are kept in LEN_WIDTH bits (enough for MAX_PAYLOAD), the CRCs run one bit per clock
// (hdl/link_crc.v), arguments and write data are shift registers, one adder checks every range, and checks are
// registered one cycle before they are used.
`default_nettype none

module link_core #(
    parameter integer CLKS_PER_BIT     = 12,
    parameter integer RX_FIFO_LOG2     = 10,      // rx buffer: the host's credit, in bytes
    parameter integer STREAM_FIFO_LOG2 = 9,
    parameter integer MAX_PAYLOAD      = 512,     // at most 2^15
    parameter integer IDENTITY_BYTES   = 64,
    parameter integer TIMEOUT_CYCLES   = 120000,  // inter-byte timeout inside a frame
    parameter integer REG_COUNT        = 16,      // registers 0 … REG_COUNT-1 exist
    parameter integer MEM_COUNT        = 1,
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
    localparam [7:0] SYNC_REQUEST = 8'h5A;
    localparam [7:0] SYNC_REPLY   = 8'hA5;
    localparam [7:0] CMD_IDENTIFY    = 8'h01;
    localparam [7:0] CMD_READ_REGS   = 8'h02;
    localparam [7:0] CMD_WRITE_REG   = 8'h03;
    localparam [7:0] CMD_READ_MEM    = 8'h04;
    localparam [7:0] CMD_WRITE_MEM   = 8'h05;
    localparam [7:0] CMD_READ_STREAM = 8'h06;
    localparam [2:0] ST_OK          = 3'd0;
    localparam [2:0] ST_BAD_CRC     = 3'd1;
    localparam [2:0] ST_UNKNOWN_CMD = 3'd2;
    localparam [2:0] ST_BAD_LENGTH  = 3'd3;
    localparam [2:0] ST_BUSY        = 3'd4;
    localparam [2:0] ST_BAD_ADDRESS = 3'd5;

    localparam integer LEN_WIDTH = $clog2(MAX_PAYLOAD + 1);
    localparam integer BUFFER_BITS = $clog2(MAX_PAYLOAD);
    localparam [31:0] MAX_PAYLOAD_32    = MAX_PAYLOAD;
    localparam [31:0] IDENTITY_BYTES_32 = IDENTITY_BYTES;
    localparam [LEN_WIDTH-1:0] MAX_LEN  = MAX_PAYLOAD_32[LEN_WIDTH-1:0];
    localparam [LEN_WIDTH-1:0] ID_LEN   = IDENTITY_BYTES_32[LEN_WIDTH-1:0];
    localparam integer TIMEOUT_WIDTH = $clog2(TIMEOUT_CYCLES + 1);
    localparam [31:0] TIMEOUT_32 = TIMEOUT_CYCLES;
    localparam [TIMEOUT_WIDTH-1:0] TIMEOUT = TIMEOUT_32[TIMEOUT_WIDTH-1:0];
    localparam [7:0]  MEM_COUNT_8  = MEM_COUNT[7:0];
    localparam [16:0] REG_COUNT_17 = REG_COUNT[16:0];
    localparam integer SEL_BITS = (MEM_COUNT > 1) ? $clog2(MEM_COUNT) : 1;
    localparam [LEN_WIDTH-1:0] FOUR = 4;

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

    // ---- state ----
    localparam [3:0] S_HUNT        = 4'd0,
                     S_HEADER      = 4'd1,   // seq … hcrc
                     S_PAYLOAD     = 4'd2,
                     S_COMMIT      = 4'd3,   // WRITE_MEM after the CRC: read the next data byte from the buffer
                     S_COMMIT_BYTE = 4'd4,   // add it to the word; a full word goes to S_MEM_WRITE
                     S_CRC         = 4'd5,
                     S_CHECK       = 4'd6,   // register the request's range checks
                     S_EXECUTE     = 4'd7,
                     S_REPLY_HEAD  = 4'd8,
                     S_FETCH       = 4'd9,   // start reading the next reply word
                     S_FETCH_WAIT  = 4'd10,  // wait for it
                     S_REPLY_BODY  = 4'd11,  // send the bytes of the word
                     S_REPLY_CRC   = 4'd12,
                     S_MEM_WRITE   = 4'd13,  // waiting for mem_ack of a committed word
                     S_DECIDE      = 4'd14;  // register the request's verdict (exec_*) before acting on it

    reg [3:0]  state;
    reg [2:0]  index;              // byte index within header / CRC / word
    reg [7:0]  seq;
    reg [7:0]  cmd;
    // The command decoded once, when its byte arrives: one flip-flop per command keeps the 8-bit compare off
    // every control path.
    reg        is_identify, is_read_regs, is_write_reg, is_read_mem, is_write_mem, is_read_stream;
    reg [15:0] length_field;       // as received; checked against MAX_PAYLOAD once
    reg [LEN_WIDTH-1:0] remaining; // payload bytes still to come
    reg [2:0]  arg_index;          // next args byte (saturates at 6)
    reg [23:0] address;            // one counter for ROM, register and memory addresses
    // One CRC engine serves both directions: requests are decoded and replies sent strictly in turn.
    wire [7:0]  crc8;               // over the request or reply so far (link_crc, one bit per clock)
    wire [31:0] crc32;
    wire        crc_busy;
    reg [47:0] args;               // first six payload bytes, little endian
    // WRITE_MEM payload buffer: data bytes wait here until the CRC has checked out.
    reg [7:0]  payload_buffer [0:MAX_PAYLOAD-1];
    reg [7:0]  buffered_byte;                 // payload_buffer[commit_index], one cycle after
    reg [LEN_WIDTH-1:0] data_count;           // data bytes buffered
    reg [LEN_WIDTH-1:0] commit_index;         // next buffered byte to commit
    reg [TIMEOUT_WIDTH-1:0] idle_cycles;   // inside a frame, cycles without a byte

    reg [2:0]  reply_status;
    reg [LEN_WIDTH-1:0] reply_length;
    reg [LEN_WIDTH-1:0] words_left;        // reply words still to fetch
    reg [31:0] word;               // reply word being sent (LSB first), or write data being assembled
    reg [1:0]  word_log2;          // bytes per word of the current transfer: 1, 2 or 4
    reg [2:0]  word_bytes_left;
    reg        tx_in_crc;          // the byte in tx_data counts in the reply CRCs (sync and CRC bytes do not)

    // Registered checks (S_CHECK computes them, S_EXECUTE and the WRITE_MEM payload use them).
    reg [2:0]  check_step;
    reg        whole_words;        // WRITE_MEM data is a whole number of words
    reg        crc_ok;             // the frame CRC checked out (registered: a 32-bit zero test is slow)
    reg [SEL_BITS-1:0] sel_q;
    reg        sel_valid_q;
    reg [1:0]  sel_word_q;
    reg [15:0] count_q;
    reg [24:0] end_q;
    reg        range_ok;           // memory or register range within bounds
    reg        size_ok;            // reply fits MAX_PAYLOAD / write data is whole words
    reg [LEN_WIDTH-1:0] reply_bytes;

    wire [LEN_WIDTH-1:0] length = length_field[LEN_WIDTH-1:0];

    // Argument views. Requests carry 2 (READ_STREAM), 3 (READ_REGS), 4 (WRITE_MEM header) or 6 (WRITE_REG,
    // READ_MEM) argument bytes; with the shift register they land in the top bytes of args.
    wire [2:0]  args_wanted = is_write_mem ? 3'd4 : 3'd6;
    wire [15:0] regs_first  = is_read_regs ? args[39:24] : args[15:0];   // READ_REGS / WRITE_REG
    wire [7:0]  regs_count  = args[47:40];                                         // READ_REGS
    wire [31:0] reg_value   = args[47:16];                                         // WRITE_REG
    wire [15:0] stream_max  = args[47:32];                                         // READ_STREAM
    // Memory map lookups for the memory named by a request (byte 0 of its payload).
    wire [7:0]  sel_arg   = is_write_mem ? args[23:16] : args[7:0];
    wire        sel_valid = sel_arg < MEM_COUNT_8;
    wire [SEL_BITS-1:0] sel = sel_arg[SEL_BITS-1:0];
    wire [1:0]  sel_word  = MEM_WORD_LOG2[sel * 8 +: 2];
    wire [23:0] addr_arg  = is_write_mem ? args[47:24] : args[31:8];
    wire [15:0] count_arg = args[47:32];                   // READ_MEM word count

    wire [LEN_WIDTH-1:0] write_bytes = length - FOUR;     // WRITE_MEM data bytes (length ≥ 4 checked)
    wire [LEN_WIDTH-1:0] write_words = write_bytes >> sel_word_q;
    wire [LEN_WIDTH-1:0] word_mask   = (1 << sel_word_q) - 1;
    wire [17:0] read_bytes = {2'b00, count_arg} << sel_word_q;
    // One adder and one comparator check every range: registers (first + count ≤ REG_COUNT) and memories
    // (address + words ≤ depth).
    wire        reg_command = is_read_regs || is_write_reg;
    wire [24:0] check_limit = reg_command ? {8'd0, REG_COUNT_17} : MEM_DEPTHS[sel_q * 25 +: 25];
    wire [23:0] check_base  = reg_command ? {8'd0, regs_first} : addr_arg;
    wire [15:0] check_count = is_read_regs ? {8'd0, regs_count} :
                              is_write_reg ? 16'd1 :
                              is_write_mem ? {{(16 - LEN_WIDTH){1'b0}}, write_words} : count_arg;

    wire [LEN_WIDTH-1:0] stream_avail = (stream_count > MAX_LEN) ? MAX_LEN : stream_count[LEN_WIDTH-1:0];
    wire [LEN_WIDTH-1:0] stream_ask   = (stream_max > {{(16 - LEN_WIDTH){1'b0}}, MAX_LEN}) ? MAX_LEN : stream_max[LEN_WIDTH-1:0];

    wire [15:0] reply_length_16 = {{(16 - LEN_WIDTH){1'b0}}, reply_length};
    wire [7:0]  head_byte = (index == 3'd1) ? seq :
                            (index == 3'd2) ? cmd :
                            (index == 3'd3) ? {5'd0, reply_status} :
                            (index == 3'd4) ? reply_length_16[7:0] : reply_length_16[15:8];
    // A byte is taken when the CRC engine has digested the previous one; rx_take pops on the next edge.
    wire byte_ready = rx_valid && !rx_take && !crc_busy;
    wire can_send   = !tx_valid && !crc_busy;
    wire buffer_write = (state == S_PAYLOAD) && byte_ready && is_write_mem && (arg_index >= 3'd4);
    always @(posedge clk) begin
        if (buffer_write) payload_buffer[data_count[BUFFER_BITS-1:0]] <= rx_data;
        buffered_byte <= payload_buffer[commit_index[BUFFER_BITS-1:0]];
    end
    wire in_frame   = (state == S_HEADER) || (state == S_PAYLOAD) || (state == S_CRC);

    wire replying   = (state == S_REPLY_HEAD) || (state == S_FETCH) || (state == S_FETCH_WAIT) ||
                      (state == S_REPLY_BODY) || (state == S_REPLY_CRC);
    // Request bytes enter the CRCs as they are taken; reply bytes as the transmitter takes them (sync and CRC
    // bytes excluded). The CRCs restart while hunting and at a reply's sync byte.
    link_crc u_crc (
        .clk(clk),
        .clear((state == S_HUNT) || (state == S_REPLY_HEAD && index == 3'd0)),
        .start(replying ? (tx_valid && tx_ready && tx_in_crc) : (in_frame && byte_ready)),
        .data(replying ? tx_data : rx_data),
        .with_crc8(replying || (state == S_HEADER && index != 3'd5)),
        .crc8(crc8), .crc32(crc32), .busy(crc_busy)
    );
    wire [2:0] word_last = (3'd1 << word_log2) - 3'd1;

    assign line_error = line_error_seen;
    assign reg_wdata  = reg_value;     // args hold still until the next frame starts
    assign mem_sel    = sel_arg;
    assign mem_addr   = address;
    assign reg_addr   = address[15:0];
    assign id_addr    = address[7:0];
    // Write data shifted in from the top: a 1- or 2-byte word ends in the top bytes of `word`.
    assign mem_wdata  = (word_log2 == 2'd0) ? {24'd0, word[31:24]} :
                        (word_log2 == 2'd1) ? {16'd0, word[31:16]} : word;
    assign idle = (state == S_HUNT) && !rx_valid && !tx_valid && tx_ready && (rx_count == {(RX_FIFO_LOG2 + 1){1'b0}});

        task send(input [7:0] data);
        begin
            tx_data   <= data;
            tx_valid  <= 1'b1;
            tx_in_crc <= 1'b1;
        end
    endtask

    // The decision for a complete request: reply status, reply length in bytes, word size, start address.
    // One combinational block (rather than a reply per branch) keeps a single load path per register.
    reg [2:0]           decided_status;      // exec_* registered in S_DECIDE
    reg [LEN_WIDTH-1:0] decided_length;
    reg [1:0]           decided_word_log2;
    reg [23:0]          decided_address;
    reg [2:0]           exec_status;
    reg [LEN_WIDTH-1:0] exec_length;
    reg [1:0]           exec_word_log2;
    reg [23:0]          exec_address;
    always @(*) begin
        exec_status    = ST_OK;
        exec_length    = reply_bytes;
        exec_word_log2 = 2'd0;
        exec_address   = addr_arg;
        case (1'b1)   // one-hot command flags
            is_identify: begin
                exec_length  = ID_LEN;
                exec_address = 24'd0;
                if (length != 0) exec_status = ST_BAD_LENGTH;
            end
            is_read_regs: begin
                exec_word_log2 = 2'd2;
                exec_address   = {8'd0, regs_first};
                if (length != 3 || !size_ok) exec_status = ST_BAD_LENGTH;
                else if (!range_ok) exec_status = ST_BAD_ADDRESS;
            end
            is_write_reg: begin
                exec_length  = {LEN_WIDTH{1'b0}};
                exec_address = {8'd0, regs_first};
                if (length != 6) exec_status = ST_BAD_LENGTH;
                else if (!range_ok) exec_status = ST_BAD_ADDRESS;
            end
            is_read_mem: begin
                exec_word_log2 = sel_word_q;
                if (length != 6) exec_status = ST_BAD_LENGTH;
                else if (!range_ok) exec_status = ST_BAD_ADDRESS;
                else if (!size_ok) exec_status = ST_BAD_LENGTH;
                else if (core_busy) exec_status = ST_BUSY;
            end
            is_write_mem: begin
                exec_length    = {LEN_WIDTH{1'b0}};
                exec_word_log2 = sel_word_q;
                if (length < 4) exec_status = ST_BAD_LENGTH;
                else if (!sel_valid_q) exec_status = ST_BAD_ADDRESS;
                else if (!whole_words) exec_status = ST_BAD_LENGTH;
                else if (!range_ok) exec_status = ST_BAD_ADDRESS;
                else if (core_busy) exec_status = ST_BUSY;
            end
            is_read_stream:
                if (length != 2) exec_status = ST_BAD_LENGTH;
            default: exec_status = ST_UNKNOWN_CMD;
        endcase
        if (!crc_ok) exec_status = ST_BAD_CRC;   // nothing else in the frame can be trusted
    end

    always @(posedge clk) begin
        rx_take     <= 1'b0;
        stream_take <= 1'b0;
        reg_write   <= 1'b0;
        reg_read    <= 1'b0;
        mem_write   <= 1'b0;
        mem_read    <= 1'b0;
        if (tx_valid && tx_ready) tx_valid <= 1'b0;
        if (rx_frame_error || (rx_byte_valid && !rx_fifo_ready)) line_error_seen <= 1'b1;

        if (rst) begin
            state           <= S_HUNT;
            tx_valid        <= 1'b0;
            line_error_seen <= 1'b0;
            idle_cycles     <= {TIMEOUT_WIDTH{1'b0}};
            index           <= 3'd0;
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
                        arg_index <= 3'd0;
                        data_count <= {LEN_WIDTH{1'b0}};
                        args     <= 48'd0;
                    end
                end

                S_HEADER: if (byte_ready) begin
                    rx_take <= 1'b1;
                    index <= index + 3'd1;
                    case (index)
                        3'd0: seq <= rx_data;
                        3'd1: begin
                            cmd            <= rx_data;
                            is_identify    <= rx_data == CMD_IDENTIFY;
                            is_read_regs   <= rx_data == CMD_READ_REGS;
                            is_write_reg   <= rx_data == CMD_WRITE_REG;
                            is_read_mem    <= rx_data == CMD_READ_MEM;
                            is_write_mem   <= rx_data == CMD_WRITE_MEM;
                            is_read_stream <= rx_data == CMD_READ_STREAM;
                        end
                        3'd2: ;   // status byte: zero in requests, ignored
                        3'd3: length_field[7:0] <= rx_data;
                        3'd4: length_field[15:8] <= rx_data;
                        default: begin
                            index <= 3'd0;
                            if (rx_data != crc8) state <= S_HUNT;   // untrustworthy: drop silently
                            else if (length_field > {{(16 - LEN_WIDTH){1'b0}}, MAX_LEN}) begin
                                reply_status <= ST_BAD_LENGTH;   // cannot follow it: resync after replying
                                reply_length <= {LEN_WIDTH{1'b0}};
                                state        <= S_REPLY_HEAD;
                            end
                            else if (length_field == 16'd0) state <= S_CRC;
                            else state <= S_PAYLOAD;
                            remaining <= length;
                        end
                    endcase
                end

                S_PAYLOAD: if (byte_ready) begin
                    rx_take   <= 1'b1;
                    remaining <= remaining - 1'b1;
                    // Arguments shift in from the top: after n bytes (n ≤ 6; 4 for WRITE_MEM, whose data goes
                    // to `word`) byte k sits at args[(6-n+k)*8 +: 8]. See the argument views below.
                    if (arg_index != args_wanted) begin
                        args <= {rx_data, args[47:8]};
                        arg_index <= arg_index + 3'd1;
                    end
                    if (buffer_write) data_count <= data_count + 1'b1;
                    if (remaining == 1) begin
                        state <= S_CRC;
                        index <= 3'd0;
                    end
                end

                S_CRC: if (byte_ready) begin
                    rx_take <= 1'b1;
                    index   <= index + 3'd1;
                    if (index == 3'd3) begin
                        state      <= S_CHECK;
                        check_step <= 3'd0;
                    end
                end

                S_CHECK: if (!crc_busy) begin
                    // Range and size checks as a short pipeline (steps 0-4), so no long path runs from the
                    // arguments through the memory map and an adder into a decision. Entered after the CRC
                    // for every request, and for WRITE_MEM also when its header is complete.
                    check_step <= check_step + 3'd1;
                    case (check_step)
                        3'd0: begin
                            crc_ok      <= (crc32 == 32'h00000000);
                            sel_q       <= sel;
                            sel_valid_q <= sel_valid;
                            sel_word_q  <= sel_word;
                            address     <= check_base;   // S_EXECUTE sets the same start address
                        end
                        3'd1: begin
                            count_q <= check_count;
                        end
                        3'd2: end_q <= {1'b0, address} + {9'd0, count_q};
                        3'd3: begin
                            range_ok    <= (sel_valid_q || reg_command) && (end_q <= check_limit);
                            whole_words <= (write_bytes & word_mask) == {LEN_WIDTH{1'b0}};
                            case (1'b1)   // one-hot command flags
                                is_read_regs: begin
                                    size_ok     <= {2'b00, regs_count} <= (MAX_LEN >> 2);
                                    reply_bytes <= {regs_count[LEN_WIDTH-3:0], 2'b00};
                                end
                                is_read_mem: begin
                                    size_ok     <= read_bytes <= {{(18 - LEN_WIDTH){1'b0}}, MAX_LEN};
                                    reply_bytes <= read_bytes[LEN_WIDTH-1:0];
                                end
                                default: begin   // READ_STREAM; the others do not use these
                                    size_ok     <= 1'b1;
                                    reply_bytes <= (stream_ask < stream_avail) ? stream_ask : stream_avail;
                                end
                            endcase
                        end
                        default: begin
                            state <= S_DECIDE;
                        end
                    endcase
                end

                S_DECIDE: begin
                    decided_status    <= exec_status;
                    decided_length    <= exec_length;
                    decided_word_log2 <= exec_word_log2;
                    decided_address   <= exec_address;
                    state             <= S_EXECUTE;
                end

                S_EXECUTE: begin
                    reply_status <= decided_status;
                    reply_length <= (decided_status == ST_OK) ? decided_length : {LEN_WIDTH{1'b0}};
                    words_left   <= decided_length >> decided_word_log2;
                    word_log2    <= decided_word_log2;
                    address      <= decided_address;
                    reg_write    <= is_write_reg && (decided_status == ST_OK);
                    index        <= 3'd0;
                    word         <= 32'd0;
                    commit_index <= {LEN_WIDTH{1'b0}};
                    // A good WRITE_MEM with data commits it first; everything else replies at once.
                    if (is_write_mem && decided_status == ST_OK && data_count != 0) state <= S_COMMIT;
                    else state <= S_REPLY_HEAD;
                end

                S_COMMIT: state <= S_COMMIT_BYTE;   // buffered_byte follows commit_index one cycle later

                S_COMMIT_BYTE: begin
                    word         <= {buffered_byte, word[31:8]};   // aligned to the bottom by mem_wdata
                    commit_index <= commit_index + 1'b1;
                    index        <= index + 3'd1;
                    if (index == word_last) begin
                        mem_write <= 1'b1;
                        state     <= S_MEM_WRITE;
                    end else begin
                        state <= S_COMMIT;
                    end
                end

                S_MEM_WRITE: if (mem_ack) begin
                    address <= address + 24'd1;
                    word    <= 32'd0;
                    index   <= 3'd0;
                    state   <= (commit_index == data_count) ? S_REPLY_HEAD : S_COMMIT;
                end

                S_REPLY_HEAD: if (can_send) begin
                    index <= index + 3'd1;
                    case (index)
                        3'd0: begin
                            tx_data   <= SYNC_REPLY;   // sync is outside both CRCs
                            tx_valid  <= 1'b1;
                            tx_in_crc <= 1'b0;
                        end
                        3'd6: begin
                            send(crc8);   // every header byte has entered the CRC by now
                            index <= 3'd0;
                            if (reply_status != ST_OK || reply_length == 0) state <= S_REPLY_CRC;
                            else state <= S_FETCH;
                        end
                        default: send(head_byte);
                    endcase
                end

                S_FETCH: begin
                    // Ask the source of the next word; S_FETCH_WAIT collects it.
                    if (is_read_regs) reg_read <= 1'b1;
                    if (is_read_mem)  mem_read <= 1'b1;
                    index <= 3'd0;
                    state <= S_FETCH_WAIT;
                end

                S_FETCH_WAIT: begin
                    // Registers answer the cycle after reg_read, the ROM the cycle after id_addr, memories
                    // when they ack; the stream FIFO's output is already there (its count was checked).
                    index <= index + 3'd1;
                    if ((is_read_mem && mem_ack) ||
                        (is_read_regs && index == 3'd1) ||
                        (is_identify && index == 3'd0) ||
                        (is_read_stream && stream_out_valid && !stream_take)) begin
                        case (1'b1)   // one-hot command flags
                            is_read_mem:  word <= mem_rdata;
                            is_read_regs: word <= reg_rdata;
                            is_identify:  word <= {24'd0, id_data};
                            default: begin
                                word        <= {24'd0, stream_out};
                                stream_take <= 1'b1;
                            end
                        endcase
                        word_bytes_left <= 3'd1 << word_log2;
                        words_left      <= words_left - 1'b1;
                        state           <= S_REPLY_BODY;
                    end
                end

                S_REPLY_BODY: if (can_send) begin
                    send(word[7:0]);
                    word            <= {8'd0, word[31:8]};
                    word_bytes_left <= word_bytes_left - 3'd1;
                    if (word_bytes_left == 3'd1) begin
                        if (words_left == 0) begin
                            state <= S_REPLY_CRC;
                            index <= 3'd0;
                        end else begin
                            address <= address + 24'd1;   // next register, memory word or ROM byte
                            state   <= S_FETCH;
                        end
                    end
                end

                S_REPLY_CRC: if (can_send) begin
                    // Most significant byte first: a receiver running the CRC over these bytes too ends at zero.
                    index     <= index + 3'd1;
                    tx_valid  <= 1'b1;
                    tx_in_crc <= 1'b0;
                    tx_data   <= crc32[31 - index[1:0] * 8 -: 8];
                    if (index == 3'd3) begin
                        index <= 3'd0;
                        state <= S_HUNT;
                    end
                end

                default: state <= S_HUNT;
            endcase
        end
    end
endmodule

`default_nettype wire
