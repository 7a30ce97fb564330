/**
 * The lane generator in Verilog, generated from the same design as rng.ts (taps, reset constants, chunk
 * mapping), so the reference model and the hardware share one source. tests/ising-rng-rtl.test.ts runs both
 * side by side in Verilator.
 */
import { Module } from '../../hdl/module.ts';
import { BANK_BITS, bankDesign, bankResetState, CHUNK_BITS, lanesPerBank, type BankDesign } from './rng.ts';

function literal(bits: Uint8Array): string {
  let value = 0n;
  for (let i = bits.length - 1; i >= 0; i--) value = (value << 1n) | BigInt(bits[i]!);
  return `${bits.length}'h${value.toString(16)}`;
}

/** One 127-bit bank: every bit the XOR of its taps and the seeding input (one LUT4 each). */
export function rngBankModule(design: BankDesign = bankDesign()): Module {
  const bank = new Module('rng_bank', [
    `rng_bank: ${BANK_BITS}-bit LUT-optimised linear generator (src/cores/ising/rng.ts, docs/ising.md).`,
    'Each bit becomes the XOR of two or three state bits plus the seeding input: one LUT4 and one flip-flop.',
    `The taps give an irreducible degree-${BANK_BITS} minimal polynomial: period 2^${BANK_BITS} - 1 (a prime).`,
  ]);
  bank.parameter('RESET', `${BANK_BITS}'h1`, 'state after reset (differs per bank)', BANK_BITS);
  bank
    .input('clk')
    .input('rst', 1, 'load RESET')
    .input('step', 1, 'advance one clock')
    .input('seeding', 1, 'XOR the seed in while stepping')
    .input('seed', 32)
    .output('state', BANK_BITS, 'lanes read 12-bit slices', { reg: true });
  bank.wire('inject', 32, 'seed bits while seeding').wire('next_state', BANK_BITS).blank();
  bank.assign('inject', "seeding ? seed : 32'd0");
  bank.body(
    design.taps
      .map(
        (taps, bit) =>
          `assign next_state[${bit}] = ${taps.map((t) => `state[${t}]`).join(' ^ ')} ^ inject[${bit % 32}];`,
      )
      .join('\n'),
  );
  bank.body(`
    always @(posedge clk) begin
        if (rst)       state <= RESET;
        else if (step) state <= next_state;
    end
  `);
  return bank;
}

/** All banks of an engine with `lanes` lanes; `chunks[ℓ*b +: b]` is lane ℓ's b-bit uniform. */
export function laneRngModule(lanes: number, bank: Module, chunkBits: number = CHUNK_BITS): Module {
  const CHUNK_BITS = chunkBits;
  const LANES_PER_BANK = lanesPerBank(chunkBits);
  const banks = Math.ceil(lanes / LANES_PER_BANK);
  const rng = new Module('lane_rng', [
    `lane_rng: ${lanes} lanes × ${CHUNK_BITS} random bits per clock from ${banks} bank(s) of ${BANK_BITS} bits.`,
    `Lane l reads bank l/${LANES_PER_BANK}, bits (l mod ${LANES_PER_BANK})*${CHUNK_BITS} and up.`,
  ]);
  rng
    .input('clk')
    .input('rst')
    .input('step')
    .input('seeding')
    .input('seed', 32)
    .output('chunks', lanes * CHUNK_BITS, `lane l: chunks[l*${CHUNK_BITS} +: ${CHUNK_BITS}]`);
  for (let k = 0; k < banks; k++) rng.wire(`bank_${k}`, BANK_BITS);
  rng.blank();
  for (let k = 0; k < banks; k++) {
    rng.instance(
      bank.asCell,
      `u_bank_${k}`,
      { clk: 'clk', rst: 'rst', step: 'step', seeding: 'seeding', seed: 'seed', state: `bank_${k}` },
      { RESET: literal(bankResetState(k)) },
    );
  }
  rng.blank();
  const slices = Array.from({ length: lanes }, (_, lane) => {
    const base = (lane % LANES_PER_BANK) * CHUNK_BITS;
    return `bank_${Math.floor(lane / LANES_PER_BANK)}[${base + CHUNK_BITS - 1}:${base}]`;
  });
  rng.assign('chunks', `{${slices.reverse().join(', ')}}`);
  // Bits of the last bank that no lane reads.
  const used = (((lanes - 1) % LANES_PER_BANK) + 1) * CHUNK_BITS;
  const spareBits = (k: number) => `bank_${k}[${BANK_BITS - 1}:${LANES_PER_BANK * CHUNK_BITS}]`;
  const otherBanks = banks > 1 ? `, ${Array.from({ length: banks - 1 }, (_, k) => spareBits(k)).join(', ')}` : '';
  rng.body(`wire unused_bits = &{1'b0, bank_${banks - 1}[${BANK_BITS - 1}:${used}]${otherBanks}};`);
  return rng;
}
