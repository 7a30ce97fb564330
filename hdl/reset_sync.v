// reset_sync — reset that asserts at configuration and whenever arst_n is low, and releases synchronously
// HOLD_CYCLES clocks after both have passed.
//
// Why a hold and not just a synchronizer: an iCE40's block RAM reads as zero for about 3 µs after
// configuration (no published erratum; the open-FPGA community holds reset ≥ 15 µs), the UP5K's internal
// oscillator needs ~100 µs to settle, and a PLL's output is unusable until LOCK. The board wrapper
// (src/boards/wrapper.ts, resetHold) sets HOLD_CYCLES from the core clock so that reset is released at
// least 15 µs (100 µs from the internal oscillator) after configuration and after every rise of arst_n
// (a PLL's LOCK): the counter starts over whenever arst_n is low. iCE40 flip-flops load their initial
// values at configuration, so no reset pin is needed.
`default_nettype none

module reset_sync #(
    parameter integer HOLD_CYCLES = 4,   // clocks from configuration / arst_n rising to release (≥ 2)
    parameter integer COUNT_BITS  = 3    // bits of the hold counter: 2^COUNT_BITS > HOLD_CYCLES
) (
    input  wire clk,
    input  wire arst_n,   // asynchronous, active low; tie high when unused
    output wire rst       // synchronous release, active high
);
    localparam [COUNT_BITS-1:0] LAST = HOLD_CYCLES[COUNT_BITS-1:0] - 1'b1;

    // arst_n synchronized: asserts at once, releases two clocks later (no flip-flop sees it mid-cycle).
    reg [1:0]            armed = 2'b00;
    reg [COUNT_BITS-1:0] count = {COUNT_BITS{1'b0}};
    reg                  released = 1'b0;

    always @(posedge clk or negedge arst_n) begin
        if (!arst_n) armed <= 2'b00;
        else         armed <= {armed[0], 1'b1};
    end

    always @(posedge clk) begin
        if (!armed[1]) begin
            count    <= {COUNT_BITS{1'b0}};
            released <= 1'b0;
        end else if (!released) begin
            count    <= count + 1'b1;
            released <= (count == LAST);
        end
    end

    assign rst = !released;
endmodule

`default_nettype wire
