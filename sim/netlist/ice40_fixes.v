// Simulation models for the packed iCE40 cells that nextpnr writes into a routed netlist and that yosys's
// share/ice40/cells_sim.v does not define: each maps the bit-blasted ports back onto the cell model yosys
// ships (the models themselves are used as shipped). Read together with cells_sim.v, only in simulation.
`default_nettype none

// UP5K single-port RAM as placed (ICESTORM_SPRAM) → SB_SPRAM256KA.
module ICESTORM_SPRAM (
    input  wire ADDRESS_0, ADDRESS_1, ADDRESS_2, ADDRESS_3, ADDRESS_4, ADDRESS_5, ADDRESS_6, ADDRESS_7,
    input  wire ADDRESS_8, ADDRESS_9, ADDRESS_10, ADDRESS_11, ADDRESS_12, ADDRESS_13,
    input  wire DATAIN_0, DATAIN_1, DATAIN_2, DATAIN_3, DATAIN_4, DATAIN_5, DATAIN_6, DATAIN_7,
    input  wire DATAIN_8, DATAIN_9, DATAIN_10, DATAIN_11, DATAIN_12, DATAIN_13, DATAIN_14, DATAIN_15,
    input  wire MASKWREN_0, MASKWREN_1, MASKWREN_2, MASKWREN_3,
    input  wire WREN, CHIPSELECT, CLOCK, STANDBY, SLEEP, POWEROFF,
    output wire DATAOUT_0, DATAOUT_1, DATAOUT_2, DATAOUT_3, DATAOUT_4, DATAOUT_5, DATAOUT_6, DATAOUT_7,
    output wire DATAOUT_8, DATAOUT_9, DATAOUT_10, DATAOUT_11, DATAOUT_12, DATAOUT_13, DATAOUT_14, DATAOUT_15
);
    wire [15:0] dataout;
    assign {DATAOUT_15, DATAOUT_14, DATAOUT_13, DATAOUT_12, DATAOUT_11, DATAOUT_10, DATAOUT_9, DATAOUT_8,
            DATAOUT_7, DATAOUT_6, DATAOUT_5, DATAOUT_4, DATAOUT_3, DATAOUT_2, DATAOUT_1, DATAOUT_0} = dataout;
    SB_SPRAM256KA ram (
        .ADDRESS({ADDRESS_13, ADDRESS_12, ADDRESS_11, ADDRESS_10, ADDRESS_9, ADDRESS_8, ADDRESS_7, ADDRESS_6,
                  ADDRESS_5, ADDRESS_4, ADDRESS_3, ADDRESS_2, ADDRESS_1, ADDRESS_0}),
        .DATAIN({DATAIN_15, DATAIN_14, DATAIN_13, DATAIN_12, DATAIN_11, DATAIN_10, DATAIN_9, DATAIN_8,
                 DATAIN_7, DATAIN_6, DATAIN_5, DATAIN_4, DATAIN_3, DATAIN_2, DATAIN_1, DATAIN_0}),
        .MASKWREN({MASKWREN_3, MASKWREN_2, MASKWREN_1, MASKWREN_0}),
        .WREN(WREN), .CHIPSELECT(CHIPSELECT), .CLOCK(CLOCK), .STANDBY(STANDBY), .SLEEP(SLEEP),
        .POWEROFF(POWEROFF), .DATAOUT(dataout)
    );
endmodule

// UP5K DSP as placed (ICESTORM_DSP) → SB_MAC16, same parameters.
module ICESTORM_DSP (
    input  wire CLK, CE,
    input  wire A_0, A_1, A_2, A_3, A_4, A_5, A_6, A_7, A_8, A_9, A_10, A_11, A_12, A_13, A_14, A_15,
    input  wire B_0, B_1, B_2, B_3, B_4, B_5, B_6, B_7, B_8, B_9, B_10, B_11, B_12, B_13, B_14, B_15,
    input  wire C_0, C_1, C_2, C_3, C_4, C_5, C_6, C_7, C_8, C_9, C_10, C_11, C_12, C_13, C_14, C_15,
    input  wire D_0, D_1, D_2, D_3, D_4, D_5, D_6, D_7, D_8, D_9, D_10, D_11, D_12, D_13, D_14, D_15,
    input  wire AHOLD, BHOLD, CHOLD, DHOLD, IRSTTOP, IRSTBOT, ORSTTOP, ORSTBOT, OLOADTOP, OLOADBOT,
    input  wire ADDSUBTOP, ADDSUBBOT, OHOLDTOP, OHOLDBOT, CI, ACCUMCI, SIGNEXTIN,
    output wire O_0, O_1, O_2, O_3, O_4, O_5, O_6, O_7, O_8, O_9, O_10, O_11, O_12, O_13, O_14, O_15, O_16, O_17, O_18, O_19, O_20, O_21, O_22, O_23, O_24, O_25, O_26, O_27, O_28, O_29, O_30, O_31,
    output wire CO, ACCUMCO, SIGNEXTOUT
);
    parameter [0:0] NEG_TRIGGER = 0;
    parameter [0:0] C_REG = 0;
    parameter [0:0] A_REG = 0;
    parameter [0:0] B_REG = 0;
    parameter [0:0] D_REG = 0;
    parameter [0:0] TOP_8x8_MULT_REG = 0;
    parameter [0:0] BOT_8x8_MULT_REG = 0;
    parameter [0:0] PIPELINE_16x16_MULT_REG1 = 0;
    parameter [0:0] PIPELINE_16x16_MULT_REG2 = 0;
    parameter [1:0] TOPOUTPUT_SELECT = 0;
    parameter [1:0] TOPADDSUB_LOWERINPUT = 0;
    parameter [0:0] TOPADDSUB_UPPERINPUT = 0;
    parameter [1:0] TOPADDSUB_CARRYSELECT = 0;
    parameter [1:0] BOTOUTPUT_SELECT = 0;
    parameter [1:0] BOTADDSUB_LOWERINPUT = 0;
    parameter [0:0] BOTADDSUB_UPPERINPUT = 0;
    parameter [1:0] BOTADDSUB_CARRYSELECT = 0;
    parameter [0:0] MODE_8x8 = 0;
    parameter [0:0] A_SIGNED = 0;
    parameter [0:0] B_SIGNED = 0;
    wire [31:0] o;
    assign {O_31, O_30, O_29, O_28, O_27, O_26, O_25, O_24, O_23, O_22, O_21, O_20, O_19, O_18, O_17, O_16, O_15, O_14, O_13, O_12, O_11, O_10, O_9, O_8, O_7, O_6, O_5, O_4, O_3, O_2, O_1, O_0} = o;
    SB_MAC16 #(
        .NEG_TRIGGER(NEG_TRIGGER),
        .C_REG(C_REG),
        .A_REG(A_REG),
        .B_REG(B_REG),
        .D_REG(D_REG),
        .TOP_8x8_MULT_REG(TOP_8x8_MULT_REG),
        .BOT_8x8_MULT_REG(BOT_8x8_MULT_REG),
        .PIPELINE_16x16_MULT_REG1(PIPELINE_16x16_MULT_REG1),
        .PIPELINE_16x16_MULT_REG2(PIPELINE_16x16_MULT_REG2),
        .TOPOUTPUT_SELECT(TOPOUTPUT_SELECT),
        .TOPADDSUB_LOWERINPUT(TOPADDSUB_LOWERINPUT),
        .TOPADDSUB_UPPERINPUT(TOPADDSUB_UPPERINPUT),
        .TOPADDSUB_CARRYSELECT(TOPADDSUB_CARRYSELECT),
        .BOTOUTPUT_SELECT(BOTOUTPUT_SELECT),
        .BOTADDSUB_LOWERINPUT(BOTADDSUB_LOWERINPUT),
        .BOTADDSUB_UPPERINPUT(BOTADDSUB_UPPERINPUT),
        .BOTADDSUB_CARRYSELECT(BOTADDSUB_CARRYSELECT),
        .MODE_8x8(MODE_8x8),
        .A_SIGNED(A_SIGNED),
        .B_SIGNED(B_SIGNED)
    ) mac (
        .CLK(CLK), .CE(CE), .A({A_15, A_14, A_13, A_12, A_11, A_10, A_9, A_8, A_7, A_6, A_5, A_4, A_3, A_2, A_1, A_0}),
        .B({B_15, B_14, B_13, B_12, B_11, B_10, B_9, B_8, B_7, B_6, B_5, B_4, B_3, B_2, B_1, B_0}),
        .C({C_15, C_14, C_13, C_12, C_11, C_10, C_9, C_8, C_7, C_6, C_5, C_4, C_3, C_2, C_1, C_0}),
        .D({D_15, D_14, D_13, D_12, D_11, D_10, D_9, D_8, D_7, D_6, D_5, D_4, D_3, D_2, D_1, D_0}),
        .AHOLD(AHOLD), .BHOLD(BHOLD), .CHOLD(CHOLD), .DHOLD(DHOLD), .IRSTTOP(IRSTTOP), .IRSTBOT(IRSTBOT),
        .ORSTTOP(ORSTTOP), .ORSTBOT(ORSTBOT), .OLOADTOP(OLOADTOP), .OLOADBOT(OLOADBOT), .ADDSUBTOP(ADDSUBTOP),
        .ADDSUBBOT(ADDSUBBOT), .OHOLDTOP(OHOLDTOP), .OHOLDBOT(OHOLDBOT), .CI(CI), .ACCUMCI(ACCUMCI),
        .SIGNEXTIN(SIGNEXTIN), .O(o), .CO(CO), .ACCUMCO(ACCUMCO), .SIGNEXTOUT(SIGNEXTOUT)
    );
endmodule

// A PLL as placed (ICESTORM_PLL). The virtual board simulates clock cycles, not time, and its clock already
// runs at the core frequency (timing is the build's job), so the model passes the reference clock through to
// both outputs. LOCK rises 8 reference clocks after RESETB, so the wrapper's reset-after-lock path runs (the virtual
// board's wait before a host talks, src/flow/netlist.ts resetCycles, has a 16-clock margin).
// src/flow/netlist.ts (wirePllClock) wires the reference and the global output that nextpnr leaves implicit.
module ICESTORM_PLL (
    input  wire REFERENCECLK, RESETB, BYPASS, EXTFEEDBACK, LATCHINPUTVALUE, SCLK, SDI,
    input  wire DYNAMICDELAY_0, DYNAMICDELAY_1, DYNAMICDELAY_2, DYNAMICDELAY_3,
    input  wire DYNAMICDELAY_4, DYNAMICDELAY_5, DYNAMICDELAY_6, DYNAMICDELAY_7,
    output wire PLLOUT_A, PLLOUT_A_GLOBAL, PLLOUT_B, PLLOUT_B_GLOBAL, LOCK, SDO
);
    parameter [0:0] DELAY_ADJMODE_FB = 0;
    parameter [0:0] DELAY_ADJMODE_REL = 0;
    parameter [6:0] DIVF = 0;
    parameter [2:0] DIVQ = 0;
    parameter [3:0] DIVR = 0;
    parameter [0:0] ENABLE_ICEGATE_PORTA = 0;
    parameter [0:0] ENABLE_ICEGATE_PORTB = 0;
    parameter [3:0] FDA_FEEDBACK = 0;
    parameter [3:0] FDA_RELATIVE = 0;
    parameter [2:0] FEEDBACK_PATH = 0;
    parameter [2:0] FILTER_RANGE = 0;
    parameter [1:0] PLLOUT_SELECT_A = 0;
    parameter [1:0] PLLOUT_SELECT_B = 0;
    parameter [31:0] PLLTYPE = 0;
    parameter [0:0] SHIFTREG_DIVMODE = 0;
    parameter [0:0] TEST_MODE = 0;
    reg [3:0] lock_count = 4'd0;
    always @(posedge REFERENCECLK or negedge RESETB)
        if (!RESETB) lock_count <= 4'd0;
        else if (!lock_count[3]) lock_count <= lock_count + 4'd1;
    assign LOCK = lock_count[3];
    assign PLLOUT_A = REFERENCECLK;
    assign PLLOUT_A_GLOBAL = REFERENCECLK;
    assign PLLOUT_B = REFERENCECLK;
    assign PLLOUT_B_GLOBAL = REFERENCECLK;
    assign SDO = 1'b0;
endmodule

`default_nettype wire
