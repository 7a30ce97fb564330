// bdcgan_engine — the binarized DCGAN generator: a P-wide XNOR-popcount datapath behind a layer sequencer.
// src/cores/bdcgan/reference.ts is the same arithmetic in TypeScript; the model memory holds the image of
// src/cores/bdcgan/image.ts; the layer program (sizes, bases, strides) comes from the generated bdcgan_layers.
//
// Memories (the host writes and reads them while the engine is idle; reads answer the next clock):
//   model  2^ROW_BITS rows × P bits, as P/16 lanes of 16-bit words (host word address = row·lanes + lane).
//          Each lane is written SPRAM-shaped (write, else read) so yosys maps it to UP5K SPRAM.
//   table  words 0 … 511: the sigmoid table, two 8-bit pixels per word; 512, 513: the last layer's bias.
//   jobs   per image j, 16 words at 16·j: z value words, z presence words (Z_WORDS each), then the label.
// `start` runs jobs 0 … job_count − 1; every image's 784 pixels leave through `pixel` (row-major).
//
// Pipeline: the sequencer issues one item per clock: a weight row (with the matching activation word), or at
// the end of an output its parameter row (threshold and flag) / the last layer's pixel end. Taps outside the
// input cost one clock and issue nothing. The row's masks (stored inputs, present inputs, the requested label's
// bit) are formed at issue and travel with it. Stage 1 meets the memory words: XNOR with the present inputs
// (binary) or conditional negation of the int8 weights (last layer); stage 1b sums: 2·popcount(agree) −
// present, or the ±w sum; stage 2 accumulates and at the end item decides: writes the output bit to the
// activation bank, or (stages 3 to 5) adds the bias, looks up the sigmoid and pushes the pixel. The pipeline
// drains between layers.
`default_nettype none

module bdcgan_engine #(
    parameter integer P          = 64,   // datapath width: 16, 32 or 64
    parameter integer LANE_BITS  = 2,    // log2(P / 16)
    parameter integer ROW_BITS   = 14,   // model rows = 2^ROW_BITS
    parameter integer ACT_BITS   = 8,    // activation words per bank = 2^ACT_BITS
    parameter integer Z_WORDS    = 4,    // 16-bit words of z (≤ 7)
    parameter integer JOB_BITS   = 5     // up to 2^JOB_BITS images per start
) (
    input  wire                          clk,
    input  wire                          rst,
    // host ports (idle only)
    input  wire                          model_write,
    input  wire                          model_read,
    input  wire [ROW_BITS+LANE_BITS-1:0] model_addr,
    input  wire [15:0]                   model_wdata,
    output wire [15:0]                   model_rdata,
    input  wire                          table_write,
    input  wire                          table_read,
    input  wire [9:0]                    table_addr,
    input  wire [15:0]                   table_wdata,
    output wire [15:0]                   table_rdata,
    input  wire                          job_write,
    input  wire                          job_read,
    input  wire [JOB_BITS+3:0]           job_addr,
    input  wire [15:0]                   job_wdata,
    output wire [15:0]                   job_rdata,
    // run
    input  wire                          start,
    input  wire [JOB_BITS:0]             job_count,
    output wire                          busy,      // running, or pixels still buffered
    output wire                          running,   // making images (pixels may still be buffered after)
    output wire [7:0]                    pixel,
    output wire                          pixel_valid,
    input  wire                          pixel_ready
);
    localparam integer LANES = P / 16;
    localparam integer BYTES = P / 8;        // last-layer weights per row
    localparam integer PIXEL_FIFO_LOG2 = 9;
    localparam integer DRAIN = 8;            // clocks from the last issue until its effects have landed
    localparam integer ZB = Z_WORDS * 16;
    localparam integer Z_ROWS = (ZB + P - 1) / P;
    localparam integer LOG2P = LANE_BITS + 4;
    localparam integer BIT_MASK = P - 1;
    localparam [4:0]   ZW = Z_WORDS[4:0];

    // ---- layer program ----
    reg  [2:0]  layer;
    wire [1:0]  kind;            // 0 dense, 1 binary deconvolution, 2 last layer
    wire        last_layer_of_net;
    wire [11:0] prev;            // stored inputs of a weight row (labels follow)
    wire        with_label;
    wire [1:0]  copies_log2;     // each label input comes in 2^copies_log2 adjacent copies
    wire [5:0]  rows;            // model rows per output (dense) or per tap (deconvolutions)
    wire [11:0] outputs;         // dense outputs, or deconvolution output channels
    wire [5:0]  out_pixels;      // dense: pixels of the reshaped output (1 between dense layers)
    wire [3:0]  out_words;       // activation words per output pixel
    wire [3:0]  in_words;        // activation words per input pixel
    wire [4:0]  size;            // deconvolution input side
    wire [5:0]  out_side;
    wire [2:0]  kernel;
    wire        pad_odd;         // padding parity (kernel 4: p = 1, kernel 5: p = 2)
    wire [1:0]  pad;
    wire [1:0]  taps_last;       // candidate taps per axis − 1
    wire [9:0]  tap_stride_y;    // kernel · rows
    wire [11:0] channel_stride;  // kernel² · rows
    wire [ROW_BITS-1:0] weight_base, param_base;
    bdcgan_layers u_layers (
        .layer(layer), .kind(kind), .last(last_layer_of_net), .prev(prev), .with_label(with_label), .copies_log2(copies_log2), .rows(rows),
        .outputs(outputs), .out_pixels(out_pixels), .out_words(out_words), .in_words(in_words), .size(size),
        .out_side(out_side), .kernel(kernel), .pad(pad), .taps_last(taps_last), .tap_stride_y(tap_stride_y),
        .channel_stride(channel_stride), .weight_base(weight_base), .param_base(param_base)
    );
    assign pad_odd = pad[0];

    // ---- sequencer state ----
    localparam [1:0] S_IDLE = 2'd0, S_LOAD = 2'd1, S_ISSUE = 2'd2, S_DRAIN = 2'd3;
    reg  [1:0]  state;
    assign      running = (state != S_IDLE);
    reg  [JOB_BITS:0] job, jobs_total;
    reg  [4:0]  load_step;       // job word being read
    reg  [ZB-1:0] z_value, z_present;
    reg  [3:0]  label;
    reg  [3:0]  drain;

    // output being computed
    reg  [11:0] out_index;       // dense: output number (c · out_pixels + p)
    reg  [11:0] channel;         // output channel c
    reg  [5:0]  dense_pixel;     // dense: p
    reg  [5:0]  oy, ox;          // deconvolutions: output position
    reg  [ACT_BITS-1:0] pixel_base;   // activation word of the output pixel
    reg  [ROW_BITS-1:0] weight_ptr;   // dense: next weight row; deconvolutions: the channel's first row
    // within the output
    reg  [1:0]  ty, tx;          // candidate tap
    reg  [5:0]  w;               // row within the tap
    reg  [11:0] row_first;       // input index of the row's bit 0
    reg         at_param;        // all taps issued: the parameter / pixel-end item is next
    reg         nothing_yet;     // no weight row of this output issued yet (the accumulator restarts)
    reg         fresh;           // first clock of a layer: its bases are loaded

    // ---- tap geometry (deconvolutions) ----
    wire [2:0]  ky = {2'd0, oy[0] ^ pad_odd} + {ty, 1'b0};
    wire [2:0]  kx = {2'd0, ox[0] ^ pad_odd} + {tx, 1'b0};
    wire signed [7:0] iy_2 = $signed({2'b0, oy}) + $signed({6'd0, pad}) - $signed({5'd0, ky});
    wire signed [7:0] ix_2 = $signed({2'b0, ox}) + $signed({6'd0, pad}) - $signed({5'd0, kx});
    wire signed [7:0] iy = iy_2 >>> 1;
    wire signed [7:0] ix = ix_2 >>> 1;
    wire        tap_valid = (kind == 2'd0) ||
                            ((ky < kernel) && (kx < kernel) && !iy[7] && !ix[7] &&
                             (iy < $signed({3'b0, size})) && (ix < $signed({3'b0, size})));
    wire        last_tap = (kind == 2'd0) || (ty == taps_last && tx == taps_last);
    wire        last_row = (w == rows - 6'd1);
    // small products only: tap offset (ky·k + kx)·rows, input pixel (iy·size + ix)·words
    wire [12:0] tap_offset = {10'd0, ky} * {3'd0, tap_stride_y} + {10'd0, kx} * {7'd0, rows};
    wire [9:0]  in_pixel = {5'd0, iy[4:0]} * {5'd0, size} + {5'd0, ix[4:0]};
    wire [13:0] in_pixel_words = {4'd0, in_pixel} * {10'd0, in_words};
    wire [ACT_BITS-1:0] in_pixel_base = in_pixel_words[ACT_BITS-1:0];

    // ---- issue ----
    wire [ROW_BITS-1:0] weight_row = (kind == 2'd0) ? weight_ptr : weight_ptr + {{(ROW_BITS-13){1'b0}}, tap_offset} + {{(ROW_BITS-6){1'b0}}, w};
    wire [11:0] channel_word = channel >> LOG2P;          // activation word of the output channel
    wire [11:0] param_output = (kind == 2'd0) ? out_index : channel;
    wire [11:0] param_row_offset = param_output >> LANE_BITS;
    wire [ROW_BITS-1:0] param_row = param_base + {{(ROW_BITS-12){1'b0}}, param_row_offset};
    wire [ACT_BITS-1:0] act_row = (kind == 2'd0) ? {{(ACT_BITS-6){1'b0}}, w} :
                                  (kind == 2'd1) ? in_pixel_base + {{(ACT_BITS-6){1'b0}}, w} :
                                                   in_pixel_base + {{(ACT_BITS-3){1'b0}}, w[5:3]};
    // the pixel FIFO must have room for every pixel in flight before a last-layer pixel starts
    wire [PIXEL_FIFO_LOG2:0] fifo_count;
    reg  [2:0]  pixels_in_flight;
    wire        pixel_room = ({{(PIXEL_FIFO_LOG2-2){1'b0}}, pixels_in_flight} + fifo_count) < (1 << PIXEL_FIFO_LOG2);
    wire        hold = fresh || ((kind == 2'd2) && nothing_yet && !at_param && ty == 2'd0 && tx == 2'd0 && !pixel_room);
    wire        issue_weight = (state == S_ISSUE) && !at_param && tap_valid && !hold;
    wire        issue_end = (state == S_ISSUE) && at_param;
    wire        output_done_layer = (kind == 2'd0) ? (out_index == outputs - 12'd1)
                                  : ((kind == 2'd2 || channel == outputs - 12'd1) && oy == out_side - 6'd1 && ox == out_side - 6'd1);

    // ---- memories ----
    // model: one SPRAM-shaped memory per lane
    wire [ROW_BITS-1:0]  host_row  = model_addr[ROW_BITS+LANE_BITS-1:LANE_BITS];
    wire [ROW_BITS-1:0]  model_row = running ? (issue_end ? param_row : weight_row) : host_row;
    wire [P-1:0]         model_q;
    genvar lane;
    generate
        for (lane = 0; lane < LANES; lane = lane + 1) begin : g_lane
            reg [15:0] memory [0:(1<<ROW_BITS)-1];
            reg [15:0] q;
            wire       we = model_write && !running && (LANES == 1 || model_addr[LANE_BITS-1:0] == lane);
            always @(posedge clk) begin
                if (we) memory[model_row] <= model_wdata;
                else q <= memory[model_row];
            end
            assign model_q[16*lane +: 16] = q;
        end
    endgenerate
    reg  [LANE_BITS-1:0] host_lane;
    always @(posedge clk) host_lane <= model_addr[LANE_BITS-1:0];
    assign model_rdata = model_q[16*host_lane +: 16];

    // activations: two banks (bank = layer parity) of P-bit words, written one bit at a time
    reg  [P-1:0] act [0:(2<<ACT_BITS)-1];
    reg  [P-1:0] act_q;
    reg          act_we;
    reg  [ACT_BITS-1:0] act_waddr;
    reg  [5:0]   act_wbit;
    reg          act_wvalue;
    always @(posedge clk) begin
        if (act_we) act[{layer[0], act_waddr}][act_wbit] <= act_wvalue;
        if (issue_weight) act_q <= act[{~layer[0], act_row}];
    end

    // table: sigmoid words (block RAM) and the bias (registers)
    reg  [15:0] sigmoid [0:511];
    reg  [15:0] sigmoid_q;
    reg  [31:0] bias;
    reg  [9:0]  sigmoid_index;   // stage 3
    reg         host_table_bias;
    reg         host_table_high;
    always @(posedge clk) begin
        if (table_write && !running && !table_addr[9]) sigmoid[table_addr[8:0]] <= table_wdata;
        if (table_write && !running && table_addr[9] && !table_addr[0]) bias[15:0] <= table_wdata;
        if (table_write && !running && table_addr[9] && table_addr[0]) bias[31:16] <= table_wdata;
        sigmoid_q <= sigmoid[running ? sigmoid_index[9:1] : table_addr[8:0]];
        host_table_bias <= table_addr[9];
        host_table_high <= table_addr[0];
    end
    assign table_rdata = host_table_bias ? (host_table_high ? bias[31:16] : bias[15:0]) : sigmoid_q;

    // jobs
    reg  [15:0] jobs [0:(16<<JOB_BITS)-1];
    reg  [15:0] job_q;
    always @(posedge clk) begin
        if (job_write && !running) jobs[job_addr] <= job_wdata;
        job_q <= jobs[running ? {job[JOB_BITS-1:0], load_step[3:0]} : job_addr];
    end
    assign job_rdata = job_q;
    wire unused = &{1'b0, model_read, table_read, job_read, in_pixel_words, channel_word};

    // ---- issue-side row masks (registered with the item) ----
    // stored bits of the row (value from memory or z), the requested label's bit, and for z rows the
    // presence bits; the number of present inputs comes with them (z rows: counted when the job was loaded)
    wire [3:0]  row_width_log2 = (kind == 2'd2) ? LANE_BITS[3:0] + 4'd1 : LANE_BITS[3:0] + 4'd4;
    wire [11:0] row_width = 12'd1 << row_width_log2;
    wire [11:0] stored_left = (prev > row_first) ? prev - row_first : 12'd0;
    wire [6:0]  stored_bits = (stored_left > row_width) ? row_width[6:0] : stored_left[6:0];
    // a label's copies are aligned to their count (checked by the generator), so they share one row and the
    // mask is the bits whose index matches the first copy's above the low copies_log2 bits
    wire [11:0] label_index = prev + ({8'd0, label} << copies_log2);
    wire [11:0] label_offset = label_index - row_first;
    wire        label_in_row = with_label && label_index >= row_first && label_offset < row_width;
    wire [5:0]  copy_bits = ~(6'h3f << copies_log2);
    wire [3:0]  label_count = 4'd1 << copies_log2;
    wire [5:0]  z_row = (w < Z_ROWS[5:0]) ? w : 6'd0;   // rows past z hold only labels
    wire [Z_ROWS*P-1:0] z_value_rows   = {{(Z_ROWS*P-ZB){1'b0}}, z_value};
    wire [Z_ROWS*P-1:0] z_present_rows = {{(Z_ROWS*P-ZB){1'b0}}, z_present};
    reg  [7*Z_ROWS-1:0] z_counts;                        // present z values per row, 7 bits each
    reg  [P-1:0] stored_mask, label_mask;
    integer j;
    always @* begin
        for (j = 0; j < P; j = j + 1) begin
            stored_mask[j] = (j[6:0] < stored_bits);
            label_mask[j]  = label_in_row && ((j[5:0] ^ label_offset[5:0]) & ~copy_bits) == 6'd0;
        end
    end
    wire        first_layer = (layer == 3'd0);
    wire [P-1:0] present_mask = (stored_mask & (first_layer ? z_present_rows[P*z_row +: P] : {P{1'b1}})) | label_mask;
    wire [6:0]  present_count = (first_layer ? ((w < Z_ROWS[5:0]) ? z_counts[7*z_row +: 7] : 7'd0) : stored_bits) + (label_in_row ? {3'd0, label_count} : 7'd0);

    // ---- stage 1: inputs against weights ----
    reg          s1_valid, s1_end, s1_first, s1_empty, s1_layer0, s1_last_kind;
    reg  [P-1:0] s1_stored, s1_present, s1_z_value;
    reg  [6:0]   s1_present_count;
    reg  [2:0]   s1_byte_offset; // last layer: which P/8 channels of the activation word
    reg  [LANE_BITS-1:0] s1_lane;
    reg  [ACT_BITS-1:0]  s1_waddr;
    reg  [5:0]   s1_wbit;
    wire [P-1:0] source = s1_layer0 ? s1_z_value : s1_last_kind ? (act_q >> (BYTES * s1_byte_offset)) : act_q;
    wire [P-1:0] value  = (s1_stored & source) | ~s1_stored;     // a present label input is +1
    wire [P-1:0] agree  = ~(value ^ model_q) & s1_present;
    // last layer: ±w as (w XOR s) + s with s = all ones for −w: the XOR here, the +1s counted
    reg  [9*BYTES-1:0] flipped;
    reg  [3:0]   negations;
    integer b;
    always @* begin
        negations = 4'd0;
        for (b = 0; b < BYTES; b = b + 1) begin
            flipped[9*b +: 9] = s1_present[b] ? ({model_q[8*b+7], model_q[8*b +: 8]} ^ {9{~value[b]}}) : 9'd0;
            negations = negations + {3'd0, s1_present[b] & ~value[b]};
        end
    end
    wire [15:0] param_word = model_q[16*s1_lane +: 16];

    // ---- stage 1b: sums ----
    reg          t_valid, t_end, t_first, t_empty, t_last_kind;
    reg  [P-1:0] t_agree;
    reg  [6:0]   t_present_count;
    reg  [9*BYTES-1:0] t_flipped;
    reg  [3:0]   t_negations;
    reg  [15:0]  t_param;
    reg  [ACT_BITS-1:0] t_waddr;
    reg  [5:0]   t_wbit;
    function [7:0] popcount(input [P-1:0] v);
        integer k;
        begin
            popcount = 8'd0;
            for (k = 0; k < P; k = k + 1) popcount = popcount + {7'd0, v[k]};
        end
    endfunction
    wire signed [12:0] binary_step = $signed({4'd0, popcount(t_agree), 1'b0}) - $signed({6'd0, t_present_count});
    reg  signed [12:0] last_step;
    integer c;
    always @* begin
        last_step = $signed({9'd0, t_negations});
        for (c = 0; c < BYTES; c = c + 1) last_step = last_step + {{4{t_flipped[9*c+8]}}, t_flipped[9*c +: 9]};
    end

    // ---- stage 2: accumulate, decide ----
    reg          s2_valid, s2_end, s2_first, s2_empty, s2_last_kind;
    reg  signed [12:0] s2_step;
    reg  signed [14:0] s2_threshold;
    reg          s2_flag;
    reg  [ACT_BITS-1:0] s2_waddr;
    reg  [5:0]   s2_wbit;
    reg  signed [31:0] acc;
    wire signed [31:0] acc_final = s2_empty ? 32'sd0 : acc;
    wire signed [31:0] threshold_wide = {{17{s2_threshold[14]}}, s2_threshold};
    wire         out_bit = s2_flag ? (acc_final <= threshold_wide) : (acc_final >= threshold_wide);

    // ---- stages 3 to 5: sigmoid index, lookup, pixel ----
    reg  [31:0]  bias_offset;        // bias + half the table, added once per pixel
    reg          s3_valid, s4_valid, s5_valid;
    reg  signed [31:0] s3_sum;
    wire [9:0]   table_index = s3_sum[31] ? 10'd0 : (s3_sum > 32'sd1023) ? 10'd1023 : s3_sum[9:0];
    reg          s5_high;
    wire [7:0]   pixel_byte = s5_high ? sigmoid_q[15:8] : sigmoid_q[7:0];
    wire         fifo_in_ready;

    sync_fifo #(.WIDTH(8), .DEPTH_LOG2(PIXEL_FIFO_LOG2)) u_pixels (
        .clk(clk), .rst(rst), .in_data(pixel_byte), .in_valid(s5_valid), .in_ready(fifo_in_ready),
        .out_data(pixel), .out_valid(pixel_valid), .out_ready(pixel_ready), .count(fifo_count)
    );
    assign busy = running || pixel_valid || (fifo_count != 0);

    function [4:0] popcount16(input [15:0] v);
        integer k;
        begin
            popcount16 = 5'd0;
            for (k = 0; k < 16; k = k + 1) popcount16 = popcount16 + {4'd0, v[k]};
        end
    endfunction

    always @(posedge clk) begin
        act_we   <= 1'b0;
        s1_valid <= 1'b0;
        s3_valid <= 1'b0;
        s4_valid <= s3_valid;
        s5_valid <= s4_valid;
        s5_high  <= sigmoid_index[0];
        bias_offset <= bias + 32'd512;
        if (rst) begin
            state <= S_IDLE;
            t_valid <= 1'b0;
            s2_valid <= 1'b0;
            s4_valid <= 1'b0;
            s5_valid <= 1'b0;
            pixels_in_flight <= 3'd0;
        end else begin
            // stage 1b
            t_valid <= s1_valid;
            t_end <= s1_end; t_first <= s1_first; t_empty <= s1_empty; t_last_kind <= s1_last_kind;
            t_agree <= agree; t_present_count <= s1_present_count; t_flipped <= flipped; t_negations <= negations;
            t_param <= param_word; t_waddr <= s1_waddr; t_wbit <= s1_wbit;
            // stage 2
            s2_valid <= t_valid;
            s2_end <= t_end; s2_first <= t_first; s2_empty <= t_empty; s2_last_kind <= t_last_kind;
            s2_step <= t_last_kind ? last_step : binary_step;
            s2_threshold <= t_param[15:1];
            s2_flag <= t_param[0];
            s2_waddr <= t_waddr; s2_wbit <= t_wbit;
            if (s2_valid && !s2_end) acc <= (s2_first ? 32'sd0 : acc) + {{19{s2_step[12]}}, s2_step};
            if (s2_valid && s2_end && !s2_last_kind) begin
                act_we     <= 1'b1;
                act_waddr  <= s2_waddr;
                act_wbit   <= s2_wbit;
                act_wvalue <= out_bit;
            end
            if (s2_valid && s2_end && s2_last_kind) begin
                s3_sum <= acc_final + $signed(bias_offset);
                s3_valid <= 1'b1;
            end
            // stage 3: the table index; stage 4 reads the table (sigmoid_q); stage 5 pushes the pixel
            if (s3_valid) sigmoid_index <= table_index;
            // pixels issued but not yet in the FIFO (the FIFO never refuses: room was checked at the start)
            pixels_in_flight <= pixels_in_flight + {2'd0, issue_end && kind == 2'd2} - {2'd0, s5_valid && fifo_in_ready};

            case (state)
                S_IDLE: if (start && job_count != 0) begin
                    jobs_total <= job_count;
                    job <= 0;
                    load_step <= 5'd0;
                    state <= S_LOAD;
                end
                S_LOAD: begin
                    // job word load_step is read now; its data (word load_step − 1) arrive now
                    load_step <= load_step + 5'd1;
                    if (load_step == 0) z_counts <= {(7*Z_ROWS){1'b0}};
                    if (load_step != 0) begin
                        if (load_step <= ZW) z_value[16*(load_step-1) +: 16] <= job_q;
                        else if (load_step <= 2 * ZW) begin
                            z_present[16*(load_step-1-ZW) +: 16] <= job_q;
                            z_counts[7*((load_step-1-ZW) >> LANE_BITS) +: 7] <= z_counts[7*((load_step-1-ZW) >> LANE_BITS) +: 7] + {2'd0, popcount16(job_q)};
                        end
                        else begin
                            label <= job_q[3:0];
                            layer <= 3'd0;
                            state <= S_ISSUE;
                        end
                    end
                end
                S_DRAIN: begin
                    drain <= drain - 4'd1;
                    if (drain == 4'd0) begin
                        if (!last_layer_of_net) begin
                            layer <= layer + 3'd1;
                            state <= S_ISSUE;
                        end else if (job + 1 == jobs_total) state <= S_IDLE;
                        else begin
                            job <= job + 1;
                            load_step <= 5'd0;
                            state <= S_LOAD;
                        end
                    end
                end
                default: ;
            endcase

            // issue: counters of the output being worked on
            if (state == S_LOAD || (state == S_DRAIN && drain == 4'd0)) begin
                out_index <= 12'd0; channel <= 12'd0; dense_pixel <= 6'd0; oy <= 6'd0; ox <= 6'd0;
                pixel_base <= {ACT_BITS{1'b0}}; ty <= 2'd0; tx <= 2'd0; w <= 6'd0; row_first <= 12'd0;
                at_param <= 1'b0; nothing_yet <= 1'b1; fresh <= 1'b1;
            end
            if (state == S_ISSUE && fresh) begin
                weight_ptr <= weight_base;
                fresh <= 1'b0;
            end else if (issue_weight && kind == 2'd0) weight_ptr <= weight_ptr + 1'b1;

            s1_first <= nothing_yet;
            s1_empty <= nothing_yet;
            s1_layer0 <= first_layer;
            s1_last_kind <= (kind == 2'd2);
            s1_stored <= stored_mask;
            s1_present <= present_mask;
            s1_present_count <= present_count;
            s1_z_value <= z_value_rows[P*z_row +: P];
            s1_byte_offset <= w[2:0];
            s1_lane <= param_output[LANE_BITS-1:0];
            s1_waddr <= pixel_base + channel_word[ACT_BITS-1:0];
            s1_wbit <= channel[5:0] & BIT_MASK[5:0];
            s1_end <= issue_end;
            if (issue_weight || issue_end) s1_valid <= 1'b1;
            if (state == S_ISSUE && !at_param && !hold) begin
                // the next candidate: row, tap, then the parameter item
                if (issue_weight) nothing_yet <= 1'b0;
                if (issue_weight && !last_row) begin
                    w <= w + 6'd1;
                    row_first <= row_first + row_width;
                end else begin
                    w <= 6'd0;
                    row_first <= 12'd0;
                    if (last_tap) at_param <= 1'b1;
                    else if (tx == taps_last) begin
                        tx <= 2'd0;
                        ty <= ty + 2'd1;
                    end else tx <= tx + 2'd1;
                end
            end
            if (issue_end) begin
                // next output
                at_param <= 1'b0;
                nothing_yet <= 1'b1;
                ty <= 2'd0; tx <= 2'd0;
                if (output_done_layer) begin
                    drain <= DRAIN[3:0];
                    state <= S_DRAIN;
                end
                if (kind == 2'd0) begin
                    out_index <= out_index + 12'd1;
                    if (dense_pixel == out_pixels - 6'd1) begin
                        dense_pixel <= 6'd0;
                        pixel_base <= {ACT_BITS{1'b0}};
                        channel <= channel + 12'd1;
                    end else begin
                        dense_pixel <= dense_pixel + 6'd1;
                        pixel_base <= pixel_base + {{(ACT_BITS-4){1'b0}}, out_words};
                    end
                end else if (kind == 2'd1 && channel != outputs - 12'd1) begin
                    channel <= channel + 12'd1;
                    weight_ptr <= weight_ptr + {{(ROW_BITS-12){1'b0}}, channel_stride};
                end else begin
                    channel <= 12'd0;
                    weight_ptr <= weight_base;
                    pixel_base <= pixel_base + {{(ACT_BITS-4){1'b0}}, out_words};
                    if (ox != out_side - 6'd1) ox <= ox + 6'd1;
                    else begin
                        ox <= 6'd0;
                        oy <= oy + 6'd1;
                    end
                end
            end
        end
    end
endmodule

`default_nettype wire
