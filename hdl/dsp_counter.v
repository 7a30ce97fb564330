// dsp_counter — a 32-bit event counter: cleared by `clear` (which wins), else +1 on each clock `count` is high.
// On the UP5K (USE_DSP = 1) synthesis puts it into one SB_MAC16 used as a 32-bit accumulator — the bottom half
// adds `count` to itself, the top half adds the bottom's carry; a synchronous load of 0 (OLOAD, C = D = 0)
// clears it — so it costs no logic cells (32 LUT4, 32 flip-flops and a 32-bit carry chain in the fabric).
// Accumulator mode as in Lattice TN1295 (DSP Function Usage Guide for iCE40 Devices) and yosys' SB_MAC16
// model. Simulation (Verilator: SYNTHESIS undefined) and devices without DSPs use the fabric counter; the
// routed-netlist co-simulation runs the SB_MAC16 model against the same tests.
`default_nettype none

module dsp_counter #(
    parameter integer USE_DSP = 0
) (
    input  wire        clk,
    input  wire        clear,
    input  wire        count,
    output wire [31:0] value
);
    generate
`ifdef SYNTHESIS
        if (USE_DSP != 0) begin : dsp
            SB_MAC16 #(
                .TOPOUTPUT_SELECT(2'b01),          // the accumulator registers
                .BOTOUTPUT_SELECT(2'b01),
                .TOPADDSUB_LOWERINPUT(2'b00),      // top: A (0) + its accumulator + the bottom's carry
                .TOPADDSUB_UPPERINPUT(1'b0),
                .TOPADDSUB_CARRYSELECT(2'b10),
                .BOTADDSUB_LOWERINPUT(2'b00),      // bottom: B (count) + its accumulator
                .BOTADDSUB_UPPERINPUT(1'b0),
                .BOTADDSUB_CARRYSELECT(2'b00)
            ) u_mac (
                .CLK(clk), .CE(1'b1),
                .A(16'd0), .B({15'd0, count}), .C(16'd0), .D(16'd0),
                .AHOLD(1'b0), .BHOLD(1'b0), .CHOLD(1'b0), .DHOLD(1'b0),
                .IRSTTOP(1'b0), .IRSTBOT(1'b0), .ORSTTOP(1'b0), .ORSTBOT(1'b0),
                .OLOADTOP(clear), .OLOADBOT(clear),
                .ADDSUBTOP(1'b0), .ADDSUBBOT(1'b0),
                .OHOLDTOP(1'b0), .OHOLDBOT(1'b0),
                .CI(1'b0), .ACCUMCI(1'b0), .SIGNEXTIN(1'b0),
                .O(value),
                /* verilator lint_off PINCONNECTEMPTY */
                .CO(), .ACCUMCO(), .SIGNEXTOUT()
                /* verilator lint_on PINCONNECTEMPTY */
            );
        end else
`endif
        begin : fabric
            // (USE_DSP only matters to synthesis.)
            wire unused_use_dsp = (USE_DSP != 0);
            reg [31:0] counter;
            always @(posedge clk) begin
                if (clear) counter <= 32'd0;
                else if (count) counter <= counter + 32'd1;
            end
            assign value = counter;
        end
    endgenerate
endmodule

`default_nettype wire
