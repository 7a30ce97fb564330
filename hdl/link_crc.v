// link_crc — the link's two CRCs, one bit per clock: CRC-8 (poly 0x07, init 0x00) and CRC-16/CCITT-FALSE
// (poly 0x1021, init 0xFFFF), both MSB first, as docs/protocol.md specifies.
//
// A byte-wide CRC-16 is a ~60-LUT XOR network per direction; shifting one bit per clock costs a few LUTs
// and 8 cycles per byte, while a byte on the wire takes at least 40 cycles (10 bits × ≥ 4 clocks per bit).
// `start` loads a byte (ignored while busy); both CRCs are current again when `busy` drops. `clear`
// restarts both CRCs at their initial values. `with_crc8` = 0 feeds the byte to CRC-16 only.
`default_nettype none

module link_crc (
    input  wire        clk,
    input  wire        clear,
    input  wire        start,
    input  wire [7:0]  data,
    input  wire        with_crc8,
    output reg  [7:0]  crc8,
    output reg  [15:0] crc16,
    output wire        busy
);
    reg [7:0] shift;
    reg [3:0] bits_left;
    reg       update8;

    assign busy = (bits_left != 4'd0);

    wire bit_in = shift[7];
    wire feedback8  = crc8[7] ^ bit_in;
    wire feedback16 = crc16[15] ^ bit_in;

    always @(posedge clk) begin
        if (clear) begin
            crc8      <= 8'h00;
            crc16     <= 16'hFFFF;
            bits_left <= 4'd0;
        end else if (busy) begin
            crc16     <= {crc16[14:0], 1'b0} ^ (feedback16 ? 16'h1021 : 16'h0000);
            if (update8) crc8 <= {crc8[6:0], 1'b0} ^ (feedback8 ? 8'h07 : 8'h00);
            shift     <= {shift[6:0], 1'b0};
            bits_left <= bits_left - 4'd1;
        end else if (start) begin
            shift     <= data;
            update8   <= with_crc8;
            bits_left <= 4'd8;
        end
    end
endmodule

`default_nettype wire
