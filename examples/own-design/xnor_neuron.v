// xnor_neuron — one binarized neuron behind spinbit's serial link: the XNOR-popcount step of a binary network
// (Terada & Shouno's B-DCGAN uses thousands of them). WEIGHTS holds a WIDTH-bit weight vector of ±1 values
// (bit 1 = +1); each word written to INPUT is an activation vector, and the neuron adds the number of positions
// where weight and activation agree to SUM. OUTPUT reads 1 when SUM ≥ THRESHOLD (batch-norm folded into a
// threshold, as the paper does). Register addresses come from the contract (neuron_map.vh, generated).
`default_nettype none

module xnor_neuron #(
    parameter integer WIDTH = 32          // bits per weight and activation word, 1 … 32
) (
    input  wire        clk,
    input  wire        rst,
    // link bus: registers only (src/link/bus.ts)
    input  wire [15:0] reg_addr,
    input  wire [31:0] reg_wdata,
    input  wire        reg_write,
    input  wire        reg_read,
    output reg  [31:0] reg_rdata,
    output wire        led              // lights while the neuron fires
);
`include "neuron_map.vh"

    reg  [WIDTH-1:0] weights;
    reg  [31:0]      threshold;
    reg  [31:0]      sum;
    reg  [31:0]      count;

    // Agreeing positions of weight and activation: the popcount of their XNOR.
    wire [WIDTH-1:0] agree = ~(weights ^ reg_wdata[WIDTH-1:0]);
    reg  [5:0]       agree_count;
    integer          i;
    always @* begin
        agree_count = 6'd0;
        for (i = 0; i < WIDTH; i = i + 1) agree_count = agree_count + {5'd0, agree[i]};
    end

    wire fires = (sum >= threshold);
    assign led = fires;

    always @(posedge clk) begin
        if (rst) begin
            weights   <= {WIDTH{1'b0}};
            threshold <= 32'd0;
            sum       <= 32'd0;
            count     <= 32'd0;
        end else if (reg_write) begin
            case (reg_addr)
                REG_WEIGHTS:   weights   <= reg_wdata[WIDTH-1:0];
                REG_THRESHOLD: threshold <= reg_wdata;
                REG_INPUT: begin
                    sum   <= sum + {26'd0, agree_count};
                    count <= count + 32'd1;
                end
                REG_CLEAR: begin
                    sum   <= 32'd0;
                    count <= 32'd0;
                end
                default: ;
            endcase
        end
    end

    // reg_rdata is taken the clock after reg_read.
    always @(posedge clk) begin
        if (reg_read) begin
            case (reg_addr)
                REG_ID:        reg_rdata <= NEURON_ID;
                REG_WEIGHTS:   reg_rdata <= {{(32 - WIDTH){1'b0}}, weights};
                REG_THRESHOLD: reg_rdata <= threshold;
                REG_SUM:       reg_rdata <= sum;
                REG_COUNT:     reg_rdata <= count;
                REG_OUTPUT:    reg_rdata <= {31'd0, fires};
                REG_WIDTH:     reg_rdata <= WIDTH;
                default:       reg_rdata <= 32'd0;
            endcase
        end
    end

endmodule

`default_nettype wire
