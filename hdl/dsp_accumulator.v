// dsp_accumulator — a 32-bit accumulator: cleared by `clear` (which wins), else value + addend every clock,
// the 16-bit addend unsigned (SIGNED = 0) or two's complement (SIGNED = 1, sign-extended). A counter adds
// {15'd0, count}. On the UP5K (USE_DSP = 1) synthesis puts it into one SB_MAC16 in accumulator mode — the
// bottom half adds the addend to itself, the top half adds 0 (or the addend's sign extension) and the
// bottom's carry; a synchronous load of 0 (OLOAD, C = D = 0) clears it — so it costs no logic cells (32 LUT4,
// 32 flip-flops and a 32-bit carry chain in the fabric). Accumulator mode as in Lattice TN1295 (DSP Function
// Usage Guide for iCE40 Devices) and yosys' SB_MAC16 model. Simulation (Verilator: SYNTHESIS undefined) and
// devices without DSPs use the fabric version; the routed-netlist co-simulation runs the SB_MAC16 model.
`default_nettype none

module dsp_accumulator #(
    parameter integer USE_DSP = 0,
    parameter integer SIGNED  = 0
) (
    input  wire        clk,
    input  wire        clear,
    input  wire [15:0] addend,
    output wire [31:0] value
);
    generate
`ifdef SYNTHESIS
        if (USE_DSP != 0) begin : dsp
            SB_MAC16 #(
                .TOPOUTPUT_SELECT(2'b01),          // the accumulator registers
                .BOTOUTPUT_SELECT(2'b01),
                // top: A (0) or the addend's sign extension, + its accumulator + the bottom's carry
                .TOPADDSUB_LOWERINPUT(SIGNED != 0 ? 2'b11 : 2'b00),
                .TOPADDSUB_UPPERINPUT(1'b0),
                .TOPADDSUB_CARRYSELECT(2'b10),
                .BOTADDSUB_LOWERINPUT(2'b00),      // bottom: B (the addend) + its accumulator
                .BOTADDSUB_UPPERINPUT(1'b0),
                .BOTADDSUB_CARRYSELECT(2'b00)
            ) u_mac (
                .CLK(clk), .CE(1'b1),
                .A(16'd0), .B(addend), .C(16'd0), .D(16'd0),
                .AHOLD(1'b0), .BHOLD(1'b0), .CHOLD(1'b0), .DHOLD(1'b0),
                .IRSTTOP(1'b0), .IRSTBOT(1'b0), .ORSTTOP(1'b0), .ORSTBOT(1'b0),
                .OLOADTOP(clear), .OLOADBOT(clear),
                .ADDSUBTOP(1'b0), .ADDSUBBOT(1'b0),
                .OHOLDTOP(1'b0), .OHOLDBOT(1'b0),
                .CI(1'b0), .ACCUMCI(1'b0), .SIGNEXTIN(1'b0),
                .O(value),
                .CO(), .ACCUMCO(), .SIGNEXTOUT()
            );
        end else
`endif
        begin : fabric
            // (USE_DSP only matters to synthesis.)
            wire unused_use_dsp = (USE_DSP != 0);
            wire [31:0] extended = {{16{SIGNED != 0 && addend[15]}}, addend};
            reg  [31:0] sum;
            always @(posedge clk) begin
                if (clear) sum <= 32'd0;
                else sum <= sum + extended;
            end
            assign value = sum;
        end
    endgenerate
endmodule

`default_nettype wire
