// uart_tx — 8N1 UART transmitter with a valid/ready byte input.
//
// A byte is taken when `valid && ready`; the line then carries a start bit, eight data bits LSB first and a
// stop bit, each CLKS_PER_BIT clk cycles long — or CLKS_PER_BIT + EXTRA_EIGHTHS/8 on average, so that a core
// clock that is no whole multiple of the baud (28.875 MHz at 3 Mbaud: 9.625 cycles) still keeps the bit rate:
// a 3-bit phase gains EXTRA_EIGHTHS each bit, and a bit whose addition carries lasts one cycle longer (every
// edge within one cycle of its frame's ideal grid). `ready` is high when idle and in the last cycle of a stop
// bit, so a source that keeps `valid` high sends frames back to back at exactly the configured bit rate.
`default_nettype none

module uart_tx #(
    parameter integer CLKS_PER_BIT  = 12,  // clk frequency / baud rate, whole cycles
    parameter integer EXTRA_EIGHTHS = 0    // the fraction of a cycle left over, in eighths (0–7)
) (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] data,
    input  wire       valid,
    output wire       ready,
    output wire       tx            // serial output, idle high
);
    // A long bit reloads the timer with CLKS_PER_BIT, which may need one more bit than CLKS_PER_BIT - 1.
    localparam integer COUNT_WIDTH = EXTRA_EIGHTHS > 0 ? $clog2(CLKS_PER_BIT + 1) : $clog2(CLKS_PER_BIT);
    // Counter reload values, computed in 32 bits and cut to the counter width without a width warning.
    localparam [31:0] FULL_BIT_32 = CLKS_PER_BIT - 1;
    localparam [COUNT_WIDTH-1:0] FULL_BIT = FULL_BIT_32[COUNT_WIDTH-1:0];
    localparam [3:0] FRAME_BITS = 4'd10;   // start + 8 data + stop

    reg [9:0]             frame;        // bits still to send, LSB goes out first; idles at all ones
    reg [3:0]             bits_left;
    reg [COUNT_WIDTH-1:0] bit_timer;

    // The last cycle of the stop bit already accepts the next byte, so back-to-back frames keep the exact
    // bit rate (a transmitter that idles one extra cycle per frame falls behind a receiver at the same baud).
    wire last_cycle = (bits_left == 4'd1) && (bit_timer == {COUNT_WIDTH{1'b0}});
    wire take       = ready && valid;
    wire long_bit;   // the next bit lasts one cycle more (the fractional phase carries)
    wire [COUNT_WIDTH-1:0] bit_reload = FULL_BIT + {{(COUNT_WIDTH - 1){1'b0}}, long_bit};
    generate
        if (EXTRA_EIGHTHS == 0) begin : g_whole_bits
            assign long_bit = 1'b0;
        end else begin : g_fractional_bits
            localparam [31:0] EXTRA_32 = EXTRA_EIGHTHS;
            reg  [2:0] phase;
            wire [3:0] phase_sum = {1'b0, phase} + {1'b0, EXTRA_32[2:0]};   // {carry, next phase}
            // A new bit starts whenever the timer reloads.
            wire bit_start = take || ((bits_left != 4'd0) && (bit_timer == {COUNT_WIDTH{1'b0}}));
            assign long_bit = phase_sum[3];
            always @(posedge clk) begin
                if (rst) phase <= 3'd0;
                else if (bit_start) phase <= phase_sum[2:0];
            end
        end
    endgenerate

    assign ready = (bits_left == 4'd0) || last_cycle;
    assign tx    = frame[0];

    always @(posedge clk) begin
        if (rst) begin
            frame     <= 10'h3FF;
            bits_left <= 4'd0;
            bit_timer <= {COUNT_WIDTH{1'b0}};
        end else if (take) begin
            frame     <= {1'b1, data, 1'b0};
            bits_left <= FRAME_BITS;
            bit_timer <= bit_reload;
        end else if (bits_left != 4'd0) begin
            if (bit_timer == {COUNT_WIDTH{1'b0}}) begin
                frame     <= {1'b1, frame[9:1]};
                bits_left <= bits_left - 1'b1;
                bit_timer <= bit_reload;
            end else begin
                bit_timer <= bit_timer - 1'b1;
            end
        end
    end
endmodule

`default_nettype wire
