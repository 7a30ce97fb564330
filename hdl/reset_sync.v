// reset_sync — reset that asserts at configuration and whenever arst_n is low, and releases synchronously
// HOLD_CYCLES clocks after both have passed.
//
// Why a hold and not just a synchronizer: an iCE40's block RAM reads as zero for about 3 µs after
// configuration (no published erratum; the open-FPGA community holds reset ≥ 15 µs), the UP5K's internal
// oscillator needs ~100 µs to settle, and a PLL's output is unusable until LOCK. The board wrapper
// (src/boards/wrapper.ts, resetHold) sets HOLD_LOG2 from the core clock so that reset is released at
// least 15 µs (100 µs from the internal oscillator) after configuration and after every rise of arst_n
// (a PLL's LOCK): the counter starts over whenever arst_n is low. iCE40 flip-flops load their initial
// values at configuration, so no reset pin is needed.
`default_nettype none

module reset_sync #(
    parameter integer HOLD_LOG2 = 2,  // reset holds for 2^HOLD_LOG2 clocks after configuration / arst_n rising
    parameter integer HAS_LOCK  = 1   // 0: arst_n is tied high (no PLL): no synchronizer, no restart
) (
    input  wire clk,
    input  wire arst_n,   // asynchronous, active low; tie high when unused
    output wire rst       // synchronous release, active high
);
    // Counts up to 2^HOLD_LOG2 and stops there: its top bit is the release (no comparator). The stop is an
    // adder input, not a clock enable, so these few cells need no control set of their own — on the
    // iCEstick's 96 %-full HX1K a lone enable or reset net is what makes placement fail.
    reg  [HOLD_LOG2:0] count = {(HOLD_LOG2 + 1){1'b0}};
    wire               released = count[HOLD_LOG2];
    wire [HOLD_LOG2:0] next = count + {{HOLD_LOG2{1'b0}}, !released};

    generate
        if (HAS_LOCK != 0) begin : with_lock
            // arst_n synchronized: asserts at once, releases two clocks later (no flip-flop sees it mid-cycle);
            // while it is low the count starts over.
            reg [1:0] armed = 2'b00;
            always @(posedge clk or negedge arst_n) begin
                if (!arst_n) armed <= 2'b00;
                else         armed <= {armed[0], 1'b1};
            end
            always @(posedge clk) count <= armed[1] ? next : {(HOLD_LOG2 + 1){1'b0}};
        end else begin : from_configuration
            always @(posedge clk) count <= next;
            wire unused_arst_n = arst_n;
        end
    endgenerate

    // rst from a flip-flop of its own (not from the counter's carry chain): it drives every reset in the
    // design, and on a nearly full HX1K a high-fanout net leaving a carry chain is what placement chokes on.
    reg rst_q = 1'b1;
    always @(posedge clk) rst_q <= !released;
    assign rst = rst_q;
endmodule

`default_nettype wire
