// uart_rx — 8N1 UART receiver.
//
// The serial input is asynchronous to clk, so it passes a 2-flip-flop synchronizer before any logic looks
// at it. A falling edge starts a frame; every bit is sampled once, in the middle of its bit time, counted in
// clk cycles (CLKS_PER_BIT, at least 4 — the generator checks this). A start bit that is high again at its
// middle is a glitch and is ignored. A low stop bit reports frame_error instead of valid, and the receiver
// then waits for the line to return high (a break holds it low) before it looks for the next start bit.
`default_nettype none

module uart_rx #(
    parameter integer CLKS_PER_BIT = 12   // clk frequency / baud rate, rounded
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       rx,           // serial input, idle high, asynchronous
    output wire [7:0] data,         // the received byte, with `valid` (held until the next start bit)
    output reg        valid,        // one-cycle strobe: `data` holds a new byte
    output reg        frame_error   // one-cycle strobe: stop bit was low, byte dropped
);
    localparam integer COUNT_WIDTH = $clog2(CLKS_PER_BIT);
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
                    bit_timer <= FULL_BIT;
                    bit_index <= 3'd0;
                end else begin
                    bit_timer <= bit_timer - 1'b1;
                end
                S_DATA: if (bit_timer == {COUNT_WIDTH{1'b0}}) begin
                    shift     <= {rx_sync, shift[7:1]};
                    bit_timer <= FULL_BIT;
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
