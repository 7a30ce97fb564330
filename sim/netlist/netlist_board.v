// netlist_board — the routed netlist of a whole bitstream (module `top`: pins, PLL, reset, core) behind the
// virtual board's port list. The harness's rst and idle have no counterpart on a real chip: reset comes
// from the wrapper's own reset_sync after "configuration" (time 0), so rst is unused, and idle is held low
// (the board keeps clocking while the host is connected; it still sleeps once its stdin closes).
`default_nettype none

module netlist_board (
    input  wire clk,
    input  wire rst,
    input  wire uart_rx,
    output wire uart_tx,
    output wire idle
);
    top chip (.clk(clk), .uart_rx(uart_rx), .uart_tx(uart_tx));
    assign idle = 1'b0;
    wire unused_rst = rst;
endmodule

`default_nettype wire
