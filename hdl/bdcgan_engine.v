// bdcgan_engine — the binarized DCGAN generator's datapath and sequencer (work in progress: core level only,
// no link yet). src/cores/bdcgan/reference.ts is the same arithmetic in TypeScript; the model memory holds the
// image of src/cores/bdcgan/image.ts; the layer program (sizes, bases) comes from the generated bdcgan_layers.
//
// One 16-bit model word per clock: a binary step adds 2·popcount(XNOR(x, w) & present) − popcount(present) to
// the accumulator; a last-layer step adds two ±int8 products. Activations live in two ping-pong banks of
// 16-bit words, pixel-major with the channels packed (word p·CW + c/16, bit c mod 16); label inputs are made
// on the fly (the requested label's input is a present +1, the other labels are absent).
`default_nettype none

module bdcgan_engine #(
    parameter integer MODEL_WORDS = 32768,
    parameter integer MODEL_BITS  = 15,
    parameter integer ACT_WORDS   = 1024,
    parameter integer ACT_BITS    = 10,
    parameter integer Z_WORDS     = 4
) (
    input  wire                  clk,
    input  wire                  rst,
    // model memory port for the host, used while the engine is idle: a write, or a read whose word appears on
    // model_rdata the next clock
    input  wire                  model_write,
    input  wire                  model_read_host,
    input  wire [MODEL_BITS-1:0] model_addr,
    input  wire [15:0]           model_wdata,
    output wire [15:0]           model_rdata,
    // one image: z as value and presence bits, the label, start
    input  wire [Z_WORDS*16-1:0] z_value,
    input  wire [Z_WORDS*16-1:0] z_present,
    input  wire [3:0]            label,
    input  wire                  start,
    output wire                  busy,
    // pixels, row-major, 784 per image
    output reg  [7:0]            pixel,
    output reg                   pixel_valid,
    input  wire                  pixel_ready
);
    // ---- layer program ----
    reg  [2:0]  layer;
    wire [1:0]  kind;           // 0 dense, 1 binary deconvolution, 2 last layer
    wire [15:0] n_in, prev, outputs, out_pixels, out_words, in_words, row_words;
    wire [7:0]  size;           // deconvolution input side
    wire [2:0]  kernel, pad;
    wire        with_label;
    wire [MODEL_BITS-1:0] weight_base, param_base;
    bdcgan_layers u_layers (
        .layer(layer), .kind(kind), .n_in(n_in), .prev(prev), .outputs(outputs), .out_pixels(out_pixels),
        .out_words(out_words), .in_words(in_words), .row_words(row_words), .size(size), .kernel(kernel), .pad(pad),
        .with_label(with_label), .weight_base(weight_base), .param_base(param_base)
    );

    // ---- memories ----
    reg [15:0] model [0:MODEL_WORDS-1];
    reg [15:0] model_q;
    reg [15:0] bank0 [0:ACT_WORDS-1];
    reg [15:0] bank1 [0:ACT_WORDS-1];
    reg [15:0] act_q;

    // ---- sequencer state ----
    localparam [2:0] S_IDLE = 3'd0, S_ACC = 3'd1, S_PARAM = 3'd2, S_DECIDE = 3'd3, S_PIXEL = 3'd4, S_EMIT = 3'd5,
                     S_NEXT = 3'd6;
    reg  [2:0]  state;
    reg  [15:0] o_ch;           // output channel (dense: c of the (c, p) split; deconv: o)
    reg  [15:0] o_pix;          // output pixel (dense: p; deconv: Y·2H + X)
    reg  [7:0]  oy, ox;         // output position (deconvolutions)
    reg  [1:0]  ty, tx;         // tap candidates
    reg  [15:0] w;              // word within a row
    reg  [15:0] row;            // dense: weight row = output index
    reg         pending;        // a word was issued last clock: its data arrive now
    reg         pending_last;
    reg         pending_valid_tap;
    reg  [15:0] pending_w;
    reg  signed [31:0] acc;
    reg  [15:0] threshold;
    reg  [1:0]  param_step;
    wire [15:0] param_index = (kind == 2'd0) ? row : o_ch;   // output whose threshold and flags are read

    assign busy = (state != S_IDLE);

    wire       out_bank = layer[0];            // layer l writes bank l mod 2, reads the other (layer 0 reads z)
    wire [2:0] taps_per_axis = (kernel == 3'd5) ? 3'd3 : 3'd2;
    wire [7:0] out_side = {size[6:0], 1'b0};
    // tap under consideration
    wire [7:0] ky = {7'd0, (oy[0] ^ pad[0])} + {5'd0, ty, 1'b0};
    wire [7:0] kx = {7'd0, (ox[0] ^ pad[0])} + {5'd0, tx, 1'b0};
    wire signed [9:0] iy_2 = $signed({2'b0, oy}) + $signed({7'd0, pad}) - $signed({2'b0, ky});
    wire signed [9:0] ix_2 = $signed({2'b0, ox}) + $signed({7'd0, pad}) - $signed({2'b0, kx});
    wire signed [9:0] iy = iy_2 >>> 1;
    wire signed [9:0] ix = ix_2 >>> 1;
    wire tap_valid = (ky < {5'd0, kernel}) && (kx < {5'd0, kernel}) && (iy >= 0) && (ix >= 0) &&
                     (iy < $signed({2'b0, size})) && (ix < $signed({2'b0, size}));
    wire [15:0] in_pixel = (kind == 2'd0) ? 16'd0 : ({8'd0, iy[7:0]} * {8'd0, size} + {8'd0, ix[7:0]});
    wire [15:0] tap_index = {8'd0, ky} * {13'd0, kernel} + {8'd0, kx};
    // addresses of the word to issue
    wire [31:0] weight_row = (kind == 2'd0) ? {16'd0, row} :
                             (kind == 2'd1) ? {16'd0, o_ch} * {27'd0, kernel} * {27'd0, kernel} + {16'd0, tap_index} : {16'd0, tap_index};
    wire [31:0] weight_addr_wide = {17'd0, weight_base} + weight_row * {16'd0, row_words} + {16'd0, w};
    // the activation word holding input 16·w (dense) or channel pair 2w (last layer)
    wire [15:0] act_word = (kind == 2'd2) ? (w >> 3) : w;
    wire [31:0] act_addr_wide = {16'd0, in_pixel} * {16'd0, in_words} + {16'd0, act_word};
    wire [15:0] words_per_row = row_words;
    wire        last_word = (w == words_per_row - 16'd1);
    wire        last_tap = (kind == 2'd0) || ((ty == taps_per_axis[1:0] - 2'd1) && (tx == taps_per_axis[1:0] - 2'd1));

    // ---- presence and label inputs of the word whose data arrive now ----
    localparam [Z_WORDS*16-1:0] Z_ONE = {{(Z_WORDS*16-1){1'b0}}, 1'b1};
    // input index of bit j: binary layers 16·w + j; the last layer channels 2w, 2w + 1
    function [15:0] present_bits(input [11:0] word, input [15:0] stored, input [15:0] total, input has_label, input [3:0] lab,
                                 input first_layer, input [Z_WORDS*16-1:0] zp);
        integer j;
        reg [15:0] index;
        begin
            for (j = 0; j < 16; j = j + 1) begin
                index = {word, 4'd0} + j[15:0];
                if (index < stored) present_bits[j] = first_layer ? |(zp & (Z_ONE << index)) : 1'b1;
                else if (has_label && index == stored + {12'd0, lab} && index < total) present_bits[j] = 1'b1;
                else present_bits[j] = 1'b0;
            end
        end
    endfunction
    function [15:0] value_bits(input [11:0] word, input [15:0] stored, input [15:0] data, input first_layer,
                               input [Z_WORDS*16-1:0] zv);
        integer j;
        reg [15:0] index;
        begin
            for (j = 0; j < 16; j = j + 1) begin
                index = {word, 4'd0} + j[15:0];
                if (index < stored) value_bits[j] = first_layer ? |(zv & (Z_ONE << index)) : data[j];
                else value_bits[j] = 1'b1;   // a present label input is +1
            end
        end
    endfunction

    wire        first_layer = (layer == 3'd0);
    wire [15:0] data_word = (kind == 2'd2) ? (pending_w >> 3) : pending_w;   // activation word index
    wire [15:0] x_present = pending_valid_tap ? present_bits(data_word[11:0], prev, n_in, with_label, label, first_layer, z_present) : 16'd0;
    wire [15:0] x_value   = value_bits(data_word[11:0], prev, act_q, first_layer, z_value);
    wire [15:0] agree     = ~(x_value ^ model_q) & x_present;
    function [4:0] popcount16(input [15:0] v);
        integer j;
        begin
            popcount16 = 5'd0;
            for (j = 0; j < 16; j = j + 1) popcount16 = popcount16 + {4'd0, v[j]};
        end
    endfunction
    wire signed [31:0] binary_step = $signed({26'd0, popcount16(agree), 1'b0}) - $signed({27'd0, popcount16(x_present)});
    // last layer: channels 2w' and 2w' + 1 sit at bits (2w') mod 16 and +1 of the activation word
    wire [3:0]  pair_bit = {pending_w[2:0], 1'b0};
    wire        p0 = x_present[pair_bit], p1 = x_present[pair_bit + 4'd1];
    wire        v0 = x_value[pair_bit], v1 = x_value[pair_bit + 4'd1];
    wire signed [31:0] w0 = {{24{model_q[7]}}, model_q[7:0]};
    wire signed [31:0] w1 = {{24{model_q[15]}}, model_q[15:8]};
    wire signed [31:0] last_step = (p0 ? (v0 ? w0 : -w0) : 32'sd0) + (p1 ? (v1 ? w1 : -w1) : 32'sd0);

    // output bit of a binary layer: acc ≥ T, or acc ≤ T when flags bit 0 is set
    reg         flags0;
    wire signed [31:0] threshold_wide = {{16{threshold[15]}}, threshold};
    wire        out_bit = flags0 ? (acc <= threshold_wide) : (acc >= threshold_wide);
    wire [15:0] out_pixel_index = (kind == 2'd0) ? o_pix : ({8'd0, oy} * {8'd0, out_side} + {8'd0, ox});
    wire [31:0] out_addr_wide = {16'd0, out_pixel_index} * {16'd0, out_words} + {16'd0, o_ch >> 4};

    // last layer: the sigmoid index
    wire signed [31:0] with_bias = acc + threshold_wide_bias;
    reg  [31:0] bias;
    wire signed [31:0] threshold_wide_bias = $signed(bias);
    wire signed [31:0] shifted = with_bias + 32'sd512;
    wire [9:0]  sig_index = (shifted < 0) ? 10'd0 : (shifted > 32'sd1023) ? 10'd1023 : shifted[9:0];
    reg         sig_odd;        // the pixel is the high byte of its sigmoid word

    // ---- model memory port: host writes, engine reads ----
    // Reads are issued combinationally from the state, so the data arrive the next clock.
    wire [MODEL_BITS-1:0] param_addr = (kind == 2'd2) ? param_base + {{(MODEL_BITS-2){1'b0}}, param_step}
                                                      : param_base + {param_index[MODEL_BITS-2:0], 1'b0} + {{(MODEL_BITS-2){1'b0}}, param_step};
    wire [MODEL_BITS-1:0] sigmoid_addr = param_base + 2 + {{(MODEL_BITS-9){1'b0}}, sig_index[9:1]};
    wire [MODEL_BITS-1:0] model_read_addr = (state == S_ACC) ? weight_addr_wide[MODEL_BITS-1:0] : (state == S_PARAM) ? param_addr : sigmoid_addr;
    wire                  model_read = (state == S_ACC) || (state == S_PARAM) || (state == S_PIXEL && param_step == 2'd0);
    // One port (SPRAM-shaped: write, else read), shared by the host (idle) and the engine (busy).
    wire [MODEL_BITS-1:0] model_port_addr = busy ? model_read_addr : model_addr;
    always @(posedge clk) begin
        if (model_write && !busy) model[model_port_addr] <= model_wdata;
        else if (busy ? model_read : model_read_host) model_q <= model[model_port_addr];
    end
    assign model_rdata = model_q;

    // activation reads (bank not written by this layer) and single-bit writes
    wire [ACT_BITS-1:0] act_read_addr = act_addr_wide[ACT_BITS-1:0];
    wire                act_read = (state == S_ACC);
    reg                 act_write;
    reg  [ACT_BITS-1:0] act_write_addr;
    reg  [3:0]          act_write_bit;
    reg                 act_write_value;
    always @(posedge clk) begin
        if (act_write && !out_bank) bank0[act_write_addr][act_write_bit] <= act_write_value;
        if (act_write && out_bank)  bank1[act_write_addr][act_write_bit] <= act_write_value;
        if (act_read) act_q <= out_bank ? bank0[act_read_addr] : bank1[act_read_addr];
    end

    // ---- sequencer ----
    always @(posedge clk) begin
        act_write   <= 1'b0;
        pending     <= 1'b0;
        if (pixel_valid && pixel_ready) pixel_valid <= 1'b0;
        if (rst) begin
            state       <= S_IDLE;
            pixel_valid <= 1'b0;
        end else begin
            if (pending) acc <= acc + ((kind == 2'd2) ? last_step : binary_step);
            case (state)
                S_IDLE: if (start) begin
                    layer <= 3'd0;
                    o_ch <= 16'd0; o_pix <= 16'd0; oy <= 8'd0; ox <= 8'd0; row <= 16'd0;
                    ty <= 2'd0; tx <= 2'd0; w <= 16'd0;
                    acc <= 32'sd0;
                    state <= S_ACC;
                end
                S_ACC: begin
                    // issue one word: model word and activation word, with what the data will need
                    pending         <= 1'b1;
                    pending_w       <= w;
                    pending_valid_tap <= (kind == 2'd0) || tap_valid;
                    pending_last    <= last_word && last_tap;
                    if (!last_word) begin
                        w <= w + 16'd1;
                    end else begin
                        w <= 16'd0;
                        if (!last_tap) begin
                            if (tx == taps_per_axis[1:0] - 2'd1) begin
                                tx <= 2'd0;
                                ty <= ty + 2'd1;
                            end else tx <= tx + 2'd1;
                        end else begin
                            ty <= 2'd0; tx <= 2'd0;
                            param_step <= 2'd0;
                            state <= S_PARAM;
                        end
                    end
                end
                S_PARAM: begin
                    // read the output's threshold and flags (binary) or the bias (last layer); the last
                    // accumulate lands this clock
                    param_step <= param_step + 2'd1;
                    if (param_step == 2'd1) state <= S_DECIDE;
                    if (param_step == 2'd1 && kind != 2'd2) threshold <= model_q;
                    if (param_step == 2'd1 && kind == 2'd2) bias[15:0] <= model_q;
                end
                S_DECIDE: begin
                    if (kind == 2'd2) begin
                        bias[31:16] <= model_q;
                        state <= S_PIXEL;
                        param_step <= 2'd0;
                    end else begin
                        flags0 <= model_q[0];
                        state <= S_NEXT;
                        param_step <= 2'd2;
                    end
                end
                S_PIXEL: begin
                    // sigmoid lookup: word param_base + 2 + index/2, byte index mod 2
                    param_step <= param_step + 2'd1;
                    if (param_step == 2'd0) sig_odd <= sig_index[0];
                    if (param_step == 2'd2) begin
                        pixel       <= sig_odd ? model_q[15:8] : model_q[7:0];
                        pixel_valid <= 1'b1;
                        state       <= S_EMIT;
                    end
                end
                S_EMIT: if (!pixel_valid || pixel_ready) state <= S_NEXT;
                S_NEXT: begin
                    if (kind != 2'd2 && param_step == 2'd2) begin
                        // write the output bit (flags arrived last clock)
                        act_write       <= 1'b1;
                        act_write_addr  <= out_addr_wide[ACT_BITS-1:0];
                        act_write_bit   <= o_ch[3:0];
                        act_write_value <= out_bit;
                        param_step      <= 2'd3;
                    end else begin
                        acc <= 32'sd0;
                        state <= S_ACC;
                        // advance to the next output
                        if (kind == 2'd0) begin
                            row <= row + 16'd1;
                            if (o_pix == out_pixels - 16'd1) begin
                                o_pix <= 16'd0;
                                o_ch <= o_ch + 16'd1;
                            end else o_pix <= o_pix + 16'd1;
                            if (row == outputs - 16'd1) begin
                                layer <= layer + 3'd1;
                                row <= 16'd0; o_pix <= 16'd0; o_ch <= 16'd0;
                            end
                        end else begin
                            // deconvolution: channels inner, then x, then y
                            if (kind == 2'd1 && o_ch != outputs - 16'd1) o_ch <= o_ch + 16'd1;
                            else begin
                                o_ch <= 16'd0;
                                if (ox != out_side - 8'd1) ox <= ox + 8'd1;
                                else begin
                                    ox <= 8'd0;
                                    if (oy != out_side - 8'd1) oy <= oy + 8'd1;
                                    else begin
                                        oy <= 8'd0;
                                        if (kind == 2'd2) state <= S_IDLE;
                                        else layer <= layer + 3'd1;
                                    end
                                end
                            end
                        end
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    wire unused = &{1'b0, act_addr_wide[31:ACT_BITS], weight_addr_wide[31:MODEL_BITS], out_addr_wide[31:ACT_BITS],
                    pending_last, param_index, taps_per_axis, data_word[15:12]};
endmodule

`default_nettype wire
