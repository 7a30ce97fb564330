// serial_multiplier — bit-serial × parallel multiplication that emits the product least significant bit first:
// at step k the serial operand's bit k comes in (0 once its bits are used up) and bit k of a·b comes out on
// `product_bit`, combinationally, in the same clock. After n steps `upper` holds product bits n … n+W−1.
// A (W+1)-bit adder and W flip-flops: the cheapest exact multiplier for the Ising engine's bit-serial
// measurement unit, where products are consumed a bit per clock and the HX8K has no DSP blocks.
`default_nettype none

module serial_multiplier #(
    parameter integer W = 8
) (
    input  wire         clk,
    input  wire         clear,        // start a product (the sum of partial products becomes 0)
    input  wire         step,         // consume b_bit, emit product_bit
    input  wire [W-1:0] a,            // parallel operand, held while stepping
    input  wire         b_bit,        // serial operand, least significant bit first
    output wire         product_bit,  // this step's product bit
    output wire [W-1:0] upper         // the product bits above those emitted so far
);
    reg  [W-1:0] high;
    wire [W:0]   sum = {1'b0, high} + (b_bit ? {1'b0, a} : {(W + 1){1'b0}});

    always @(posedge clk) begin
        if (clear) high <= {W{1'b0}};
        else if (step) high <= sum[W:1];
    end

    assign product_bit = sum[0];
    assign upper       = high;
endmodule

`default_nettype wire
