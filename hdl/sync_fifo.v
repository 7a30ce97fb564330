// sync_fifo — single-clock first-word-fall-through FIFO with valid/ready on both sides.
//
// Storage is a 2^DEPTH_LOG2 × WIDTH memory with a registered read, written so yosys maps it to iCE40 block
// RAM (EBR) and Verilator simulates it as an array. The read register doubles as the output stage, so the
// FIFO holds up to 2^DEPTH_LOG2 + 1 entries and a word written at cycle t is visible at out_valid in t+2.
// A read never targets the address being written (it only reads when the memory is not empty), so the
// block RAM's read-during-write behaviour does not matter.
`default_nettype none

module sync_fifo #(
    parameter integer WIDTH      = 8,
    parameter integer DEPTH_LOG2 = 9
) (
    input  wire             clk,
    input  wire             rst,
    input  wire [WIDTH-1:0] in_data,
    input  wire             in_valid,
    output wire             in_ready,    // low when full
    output wire [WIDTH-1:0] out_data,
    output reg              out_valid,   // high when out_data holds the oldest entry
    input  wire             out_ready,
    output wire [DEPTH_LOG2:0] count     // entries held, 0 … 2^DEPTH_LOG2 + 1
);
    localparam integer DEPTH = 1 << DEPTH_LOG2;

    reg [WIDTH-1:0] memory [0:DEPTH-1];
    reg [WIDTH-1:0] read_data;
    // Pointers carry one extra wrap bit so that full (wrap bits differ) and empty (equal) are distinct.
    reg [DEPTH_LOG2:0] write_ptr;
    reg [DEPTH_LOG2:0] read_ptr;

    wire memory_empty = (write_ptr == read_ptr);
    wire memory_full  = (write_ptr[DEPTH_LOG2] != read_ptr[DEPTH_LOG2]) &&
                        (write_ptr[DEPTH_LOG2-1:0] == read_ptr[DEPTH_LOG2-1:0]);
    wire push  = in_valid && !memory_full;
    // Fetch the next word into the output stage when it is empty or being emptied this cycle.
    wire fetch = !memory_empty && (!out_valid || out_ready);

    assign in_ready = !memory_full;
    // Pointer difference (wraps correctly in DEPTH_LOG2+1 bits) plus the word waiting in the output stage.
    assign count    = (write_ptr - read_ptr) + {{DEPTH_LOG2{1'b0}}, out_valid};
    assign out_data = read_data;

    always @(posedge clk) begin
        if (push) memory[write_ptr[DEPTH_LOG2-1:0]] <= in_data;
        if (fetch) read_data <= memory[read_ptr[DEPTH_LOG2-1:0]];
    end

    always @(posedge clk) begin
        if (rst) begin
            write_ptr <= {(DEPTH_LOG2 + 1){1'b0}};
            read_ptr  <= {(DEPTH_LOG2 + 1){1'b0}};
            out_valid <= 1'b0;
        end else begin
            if (push)  write_ptr <= write_ptr + 1'b1;
            if (fetch) read_ptr  <= read_ptr + 1'b1;
            if (fetch)          out_valid <= 1'b1;
            else if (out_ready) out_valid <= 1'b0;
        end
    end
endmodule

`default_nettype wire
