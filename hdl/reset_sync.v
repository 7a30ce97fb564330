// reset_sync — reset that asserts at configuration and whenever arst_n is low, and releases synchronously.
//
// iCE40 flip-flops load their initial value at configuration, so `stages` starting at zero holds the design
// in reset for STAGES clk cycles after power-up with no external reset pin. arst_n (a PLL's LOCK, a button)
// asserts reset immediately; release is synchronized to clk so no flip-flop sees it mid-cycle.
`default_nettype none

module reset_sync #(
    parameter integer STAGES = 4
) (
    input  wire clk,
    input  wire arst_n,   // asynchronous, active low; tie high when unused
    output wire rst       // synchronous release, active high
);
    reg [STAGES-1:0] stages = {STAGES{1'b0}};

    always @(posedge clk or negedge arst_n) begin
        if (!arst_n) stages <= {STAGES{1'b0}};
        else         stages <= {stages[STAGES-2:0], 1'b1};
    end

    assign rst = !stages[STAGES-1];
endmodule

`default_nettype wire
