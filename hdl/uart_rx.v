// uart_rx — 8N1 UART receiver.
//
// The serial input is asynchronous to clk, so it passes a 2-flip-flop synchronizer before any logic looks
// at it. A falling edge starts a frame; every bit is sampled once, in the middle of its bit time, counted in
// clk cycles (CLKS_PER_BIT, at least 4 — the generator checks this; plus EXTRA_EIGHTHS/8 on average when the
// clock is no whole multiple of the baud: a 3-bit phase, restarted with each frame, gains EXTRA_EIGHTHS per bit
// and a carry makes that bit one cycle longer, so every sample stays within a cycle of the bit's middle). A start bit that is high again at its
// middle is a glitch and is ignored. A low stop bit reports frame_error instead of valid, and the receiver
// then waits for the line to return high (a break holds it low) before it looks for the next start bit.
`default_nettype none

module uart_rx #(
    parameter integer CLKS_PER_BIT  = 12,  // clk frequency / baud rate, whole cycles
    parameter integer EXTRA_EIGHTHS = 0    // the fraction of a cycle left over, in eighths (0–7)
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       rx,           // serial input, idle high, asynchronous
    output wire [7:0] data,         // the received byte, with `valid` (held until the next start bit)
    output reg        valid,        // one-cycle strobe: `data` holds a new byte
    output reg        frame_error   // one-cycle strobe: stop bit was low, byte dropped
);
    // A long bit reloads the timer with CLKS_PER_BIT, which may need one more bit than CLKS_PER_BIT - 1.
    localparam integer COUNT_WIDTH = EXTRA_EIGHTHS > 0 ? $clog2(CLKS_PER_BIT + 1) : $clog2(CLKS_PER_BIT);
    // Counter reload values, computed in 32 bits and cut to the counter width without a width warning.
    localparam [31:0] FULL_BIT_32 = CLKS_PER_BIT - 1;
    localparam [COUNT_WIDTH-1:0] FULL_BIT = FULL_BIT_32[COUNT_WIDTH-1:0];
    localparam [31:0] HALF_BIT_32 = CLKS_PER_BIT / 2 - 1;
    localparam [COUNT_WIDTH-1:0] HALF_BIT = HALF_BIT_32[COUNT_WIDTH-1:0];

    localparam [2:0] S_IDLE      = 3'd0,
                     S_START     = 3'd1,
                     S_DATA      = 3'd2,
                     S_STOP      = 3'd3,
                     S_WAIT_HIGH = 3'd4;

    // Two-stage synchronizer; both stages start high (line idle) so power-up is not a start bit.
    reg rx_meta = 1'b1;
    reg rx_sync = 1'b1;
    always @(posedge clk) begin
        rx_meta <= rx;
        rx_sync <= rx_meta;
    end

    reg [2:0]             state;
    reg [COUNT_WIDTH-1:0] bit_timer;   // cycles left until the next sample point
    reg [2:0]             bit_index;   // data bit being received, LSB first
    reg [7:0]             shift;    // doubles as `data`: it holds the byte until the next byte's first bit
    assign data = shift;

    // The next bit time: one cycle longer when the fractional phase carries (see the header).
    wire long_bit;
    wire [COUNT_WIDTH-1:0] bit_reload = FULL_BIT + {{(COUNT_WIDTH - 1){1'b0}}, long_bit};
    generate
        if (EXTRA_EIGHTHS == 0) begin : g_whole_bits
            assign long_bit = 1'b0;
        end else begin : g_fractional_bits
            localparam [31:0] EXTRA_32 = EXTRA_EIGHTHS;
            reg  [2:0] phase;
            wire [3:0] phase_sum = {1'b0, phase} + {1'b0, EXTRA_32[2:0]};   // {carry, next phase}
            wire frame_start = (state == S_IDLE) && !rx_sync;
            wire bit_due     = (state == S_START || state == S_DATA) && (bit_timer == {COUNT_WIDTH{1'b0}});
            assign long_bit = phase_sum[3];
            always @(posedge clk) begin
                if (rst || frame_start) phase <= 3'd0;
                else if (bit_due) phase <= phase_sum[2:0];
            end
        end
    endgenerate

    always @(posedge clk) begin
        valid       <= 1'b0;
        frame_error <= 1'b0;
        if (rst) begin
            state     <= S_IDLE;
            bit_timer <= {COUNT_WIDTH{1'b0}};
            bit_index <= 3'd0;
            shift     <= 8'd0;
        end else begin
            case (state)
                S_IDLE: if (!rx_sync) begin
                    state     <= S_START;
                    bit_timer <= HALF_BIT;
                end
                S_START: if (bit_timer == {COUNT_WIDTH{1'b0}}) begin
                    state     <= rx_sync ? S_IDLE : S_DATA;   // high at mid start bit: a glitch
                    bit_timer <= bit_reload;
                    bit_index <= 3'd0;
                end else begin
                    bit_timer <= bit_timer - 1'b1;
                end
                S_DATA: if (bit_timer == {COUNT_WIDTH{1'b0}}) begin
                    shift     <= {rx_sync, shift[7:1]};
                    bit_timer <= bit_reload;
                    bit_index <= bit_index + 1'b1;
                    if (bit_index == 3'd7) state <= S_STOP;
                end else begin
                    bit_timer <= bit_timer - 1'b1;
                end
                S_STOP: if (bit_timer == {COUNT_WIDTH{1'b0}}) begin
                    if (rx_sync) begin
                        valid <= 1'b1;
                        state <= S_IDLE;
                    end else begin
                        frame_error <= 1'b1;
                        state       <= S_WAIT_HIGH;
                    end
                end else begin
                    bit_timer <= bit_timer - 1'b1;
                end
                S_WAIT_HIGH: if (rx_sync) state <= S_IDLE;
                default: state <= S_IDLE;
            endcase
        end
    end
endmodule

`default_nettype wire
