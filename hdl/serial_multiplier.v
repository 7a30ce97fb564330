// serial_multiplier — unsigned W × W → 2W-bit product, one bit of the multiplier per clock (shift and add).
// `load` takes the multiplier b; then W clocks of `step` with the multiplicand a held give a·b on `product`.
// A (W+1)-bit adder and 2W flip-flops: the cheapest exact multiplier where a product is needed only every few
// dozen clocks (the Ising engine's measurement unit) and the device has no DSP blocks (HX8K).
`default_nettype none

module serial_multiplier #(
    parameter integer W = 8
) (
    input  wire           clk,
    input  wire           load,      // start a product: clears the sum, takes b
    input  wire           step,      // one shift-and-add step (W of them after load)
    input  wire [W-1:0]   a,         // multiplicand, held during the steps
    input  wire [W-1:0]   b,         // multiplier, taken on load
    output wire [2*W-1:0] product    // valid after the W-th step, held until the next load
);
    reg  [W-1:0] high;               // the running sum's upper half
    reg  [W-1:0] low;                // multiplier bits not yet used, below them the product's low bits
    wire [W:0]   sum = {1'b0, high} + (low[0] ? {1'b0, a} : {(W + 1){1'b0}});

    always @(posedge clk) begin
        if (load) begin
            high <= {W{1'b0}};
            low  <= b;
        end else if (step) begin
            high <= sum[W:1];
            low  <= {sum[0], low[W-1:1]};
        end
    end

    assign product = {high, low};
endmodule

`default_nettype wire
