// link_crc — the link's two CRCs, one bit per clock: CRC-8 (poly 0x07, init 0x00) and CRC-32/MPEG-2
// (poly 0x04C11DB7, init 0xFFFFFFFF, no reflection, no final xor), both MSB first, as docs/protocol.md specifies.
//
// A byte-wide CRC-32 is a large XOR network per direction; shifting one bit per clock costs a few LUTs
// and 8 cycles per byte, while a byte on the wire takes at least 40 cycles (10 bits × ≥ 4 clocks per bit).
// `start` takes a byte (ignored while busy); both CRCs are current again when `busy` drops. `data` must hold
// until then (the link's rx and tx bytes do: neither changes while the CRC engine is busy), so the bits are
// picked from it in place rather than copied into a shift register. `clear` restarts both CRCs at their
// initial values. `with_crc8` = 0 feeds the byte to CRC-32 only.
`default_nettype none

module link_crc (
    input  wire        clk,
    input  wire        clear,
    input  wire        start,
    input  wire [7:0]  data,         // held from start until busy drops
    input  wire        with_crc8,
    output reg  [7:0]  crc8,
    output reg  [31:0] crc32,
    output wire        busy
);
    reg [3:0] bits_left;          // 8 … 1 while busy: data bit bits_left - 1 is next (MSB first)
    reg       update8;

    assign busy = (bits_left != 4'd0);

    wire [2:0] bit_index = bits_left[2:0] - 3'd1;
    wire bit_in = data[bit_index];
    wire feedback8  = crc8[7] ^ bit_in;
    wire feedback32 = crc32[31] ^ bit_in;

    always @(posedge clk) begin
        if (clear) begin
            crc8      <= 8'h00;
            crc32     <= 32'hFFFFFFFF;
            bits_left <= 4'd0;
        end else if (busy) begin
            crc32     <= {crc32[30:0], 1'b0} ^ (feedback32 ? 32'h04C11DB7 : 32'h00000000);
            if (update8) crc8 <= {crc8[6:0], 1'b0} ^ (feedback8 ? 8'h07 : 8'h00);
            bits_left <= bits_left - 4'd1;
        end else if (start) begin
            update8   <= with_crc8;
            bits_left <= 4'd8;
        end
    end
endmodule

`default_nettype wire
