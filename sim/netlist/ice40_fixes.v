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

`default_nettype wire
