/**
 * The lane random-number generator, bit for bit as the hardware will build it (issue 4; the RTL follows).
 *
 * Scheme: a bank of LUT-optimised linear generators (Thomas & Luk's idea, fitted to the iCE40's LUT4).
 * Each bank is 127 flip-flops; every clock, every state bit becomes the XOR of two or three state bits
 * (chosen once, below) and one seeding input — at most four inputs, one LUT4, one flip-flop per bit. (The tap
 * counts must be mixed: if every row had the same weight, the all-ones vector would be an eigenvector and the
 * characteristic polynomial could never be irreducible.) So a bank yields 127 fresh
 * bits per clock for 127 logic cells; ten lanes take 12 bits each (120 bits), the rest is slack.
 *
 * Period: the bank's next-state matrix is chosen so that its minimal polynomial has degree 127 and is
 * irreducible; 2^127 − 1 is prime (a Mersenne prime), so irreducible implies primitive and every non-zero
 * state runs through all 2^127 − 1 non-zero states. Every bank uses the same matrix from a different,
 * bank-specific reset state; banks are 2^127-long cycles started at unrelated points, so no lane's stream is a
 * shifted copy of another's within any feasible run (tests measure the cross-correlations).
 *
 * Comparison: a lane compares its 12-bit chunk with the top 12 bits of a 24-bit threshold; only on a tie does it
 * need the next 12 bits, which it takes from the bank's next clock (all lanes step together: the tie costs
 * one extra clock for every lane, about P·f/4096 of the steps, f = share of updates with 0 < P(flip) < 1).
 * The decision is exactly u24 < T24 with u24 = (chunk at the step) · 2^12 + (chunk one clock later).
 *
 * Seeding: reset loads each bank's fixed constant (flip-flop set/reset values, no logic); then for 128 clocks
 * the 32-bit seed is XORed into the state (bit b gets seed bit b mod 32), which is the fourth LUT input.
 */

import storedDesign from './bank-design.json' with { type: 'json' };

export const BANK_BITS = 127;
/** Each state bit is the XOR of two or three state bits (plus the seeding input: at most four LUT inputs). */
export const MAX_TAPS_PER_BIT = 3;
/** Default lane chunk width; 8 (three comparison levels) is the cheaper choice in logic. */
export const CHUNK_BITS = 12;
/** Chunk widths the engine supports: each divides THRESHOLD_BITS. */
export const CHUNK_CHOICES = [8, 12] as const;
/** Lanes one 127-bit bank serves: 10 with 12-bit chunks, 15 with 8-bit chunks. */
export function lanesPerBank(chunkBits: number): number {
  return Math.floor(BANK_BITS / chunkBits);
}
export const LANES_PER_BANK = lanesPerBank(CHUNK_BITS);
export const SEED_STEPS = 128;
/** Threshold precision of the lazy comparison (two 12-bit levels or three 8-bit levels). */
export const THRESHOLD_BITS = 24;

// ---- polynomials over GF(2), as bigint bit sets ----

function degree(p: bigint): number {
  return p === 0n ? -1 : p.toString(2).length - 1;
}

function mulMod(a: bigint, b: bigint, modulus: bigint): bigint {
  const d = degree(modulus);
  let result = 0n;
  while (b !== 0n) {
    if (b & 1n) result ^= a;
    b >>= 1n;
    a <<= 1n;
    if ((a >> BigInt(d)) & 1n) a ^= modulus;
  }
  return result;
}

/** Shortest linear recurrence (connection polynomial, as a bigint) generating `bits` (Berlekamp–Massey). */
export function berlekampMassey(bits: Uint8Array): { polynomial: bigint; length: number } {
  let c = 1n; // current connection polynomial
  let b = 1n; // previous
  let length = 0;
  let shift = 1;
  for (let n = 0; n < bits.length; n++) {
    let discrepancy = bits[n]!;
    for (let i = 1; i <= length; i++) if ((c >> BigInt(i)) & 1n) discrepancy ^= bits[n - i]!;
    if (discrepancy === 0) {
      shift++;
    } else if (2 * length <= n) {
      const previous = c;
      c ^= b << BigInt(shift);
      length = n + 1 - length;
      b = previous;
      shift = 1;
    } else {
      c ^= b << BigInt(shift);
      shift++;
    }
  }
  return { polynomial: c, length };
}

/**
 * True when p (degree n, n prime) is irreducible: x^(2^n) ≡ x (mod p) and p has no factor of degree 1
 * (for prime n those are the only checks needed).
 */
export function irreducibleOfPrimeDegree(p: bigint): boolean {
  const n = degree(p);
  if (n < 2 || (p & 1n) === 0n) return false;
  // no root in GF(2): p(0) = 1 (checked) and p(1) = parity of the terms = 1
  if (
    p
      .toString(2)
      .split('')
      .filter((c) => c === '1').length %
      2 ===
    0
  )
    return false;
  let x = 2n; // the polynomial "x"
  for (let i = 0; i < n; i++) x = mulMod(x, x, p);
  return x === 2n;
}

// ---- the bank ----

export interface BankDesign {
  /** taps[b] = the state bits (two or three) whose XOR becomes bit b. */
  taps: number[][];
}

/** splitmix32: a tiny seeded generator for the deterministic design search and reset constants. */
function splitmix(seed: number): () => number {
  let z = seed >>> 0;
  return () => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
    return (t ^ (t >>> 16)) >>> 0;
  };
}

function stepState(state: Uint8Array, taps: BankDesign['taps'], out: Uint8Array): void {
  for (let bit = 0; bit < state.length; bit++) {
    const t = taps[bit]!;
    out[bit] = t.length === 3 ? state[t[0]!]! ^ state[t[1]!]! ^ state[t[2]!]! : state[t[0]!]! ^ state[t[1]!]!;
  }
}

/** Minimal polynomial of the bank's matrix as seen through bit 0 of a state sequence. */
function minimalPolynomial(taps: BankDesign['taps'], bits: number): { polynomial: bigint; length: number } {
  let state = new Uint8Array(bits);
  state[0] = 1;
  let next = new Uint8Array(bits);
  const sequence = new Uint8Array(2 * bits + 2);
  for (let i = 0; i < sequence.length; i++) {
    sequence[i] = state[0]!;
    stepState(state, taps, next);
    [state, next] = [next, state];
  }
  return berlekampMassey(sequence);
}

/**
 * Searches (deterministically, from `searchSeed`) for a tap choice whose minimal polynomial has full degree and
 * is irreducible; with a prime 2^bits − 1 that means the period is 2^bits − 1. `bits` must be a Mersenne
 * exponent (e.g. 7, 13, 17, 19, 31, 61, 89, 107, 127). Every bit's taps are distinct.
 */
export function searchBankDesign(bits: number, searchSeed: number): BankDesign {
  const random = splitmix(searchSeed);
  for (let attempt = 0; attempt < 20_000; attempt++) {
    // Every state bit must feed some row (else the matrix is singular): the first tap of row b is π(b) for a
    // random permutation π, the others are random.
    const permutation = [...Array(bits).keys()];
    for (let i = bits - 1; i > 0; i--) {
      const j = random() % (i + 1);
      [permutation[i], permutation[j]] = [permutation[j]!, permutation[i]!];
    }
    const taps: BankDesign['taps'] = [];
    for (let bit = 0; bit < bits; bit++) {
      const chosen = new Set<number>([permutation[bit]!]);
      const count = 2 + (random() & 1);
      while (chosen.size < count) chosen.add(random() % bits);
      taps.push([...chosen].sort((a, b) => a - b));
    }
    const { polynomial, length } = minimalPolynomial(taps, bits);
    if (length === bits && irreducibleOfPrimeDegree(reverseBits(polynomial, bits))) return { taps };
  }
  throw new Error(`no full-period ${bits}-bit design found`);
}

/** Berlekamp–Massey returns the connection polynomial (reciprocal of the characteristic one); reverse it. */
function reverseBits(p: bigint, bits: number): bigint {
  let out = 0n;
  for (let i = 0; i <= bits; i++) if ((p >> BigInt(i)) & 1n) out |= 1n << BigInt(bits - i);
  return out;
}

/** Seed of the deterministic search that produced bank-design.json. */
export const BANK_SEARCH_SEED = 0x5b1d_2026;

/**
 * The 127-bit bank design every spinbit Ising engine uses: searchBankDesign(127, BANK_SEARCH_SEED), stored in
 * bank-design.json so a process does not spend a second searching (tests/ising-rng.test.ts repeats the search
 * and checks the file).
 */
export function bankDesign(): BankDesign {
  return { taps: storedDesign.taps };
}

/** Reset constant of bank k (its flip-flops' set/reset values): non-zero, different per bank. */
export function bankResetState(bank: number): Uint8Array {
  const random = splitmix(0xc0ffee + bank * 7919);
  const state = new Uint8Array(BANK_BITS);
  for (let i = 0; i < BANK_BITS; i++) state[i] = random() & 1;
  state[bank % BANK_BITS] = 1; // never all zero
  return state;
}

/**
 * The bank's next-state map is linear over GF(2), so it can be applied a byte at a time: entry (g, v) of the
 * step table is the next state of the state whose byte g is v and whose other bits are zero, and a bank's next
 * state is the XOR of the sixteen entries its bytes select. This replaces 127 bit-wise tap gathers by sixteen
 * 16-byte lookups (64 KiB of table, shared by every bank and every generator), XORed 64 bits at a time: the
 * optimizing compiler turns BigUint64Array element XORs into plain 64-bit instructions (the interpreter makes
 * a BigInt of every value, slow but only until stepBanks is compiled). The halves are only XORed and stored,
 * so which word of a pair is the low one (the machine's byte order) does not matter.
 */
const STEP_GROUPS = 16;
const stepTables = new WeakMap<BankDesign['taps'], BigUint64Array>();

function stepTable(taps: BankDesign['taps']): BigUint64Array {
  let table = stepTables.get(taps);
  if (table) return table;
  // column[4j … 4j+3]: the next-state bits that state bit j feeds. A tap counts as the bit-sliced generator
  // counted it: the first two taps and a third one if present, truncated to integers, ignored out of range.
  const column = new Uint32Array(4 * 128);
  for (let bit = 0; bit < BANK_BITS; bit++) {
    const t = taps[bit]!;
    for (const tap of Int32Array.of(t[0]!, t[1]!, t.length === 3 ? t[2]! : BANK_BITS))
      if (tap >= 0 && tap < BANK_BITS) column[4 * tap + (bit >>> 5)]! ^= 1 << (bit & 31);
  }
  // Built as 32-bit words (bit b of an entry in word ⌊b/32⌋, as in the state), read as 64-bit halves.
  const words = new Uint32Array(STEP_GROUPS * 256 * 4);
  for (let g = 0; g < STEP_GROUPS; g++) {
    // Entry v is entry v − (its lowest set bit), XOR that bit's column.
    for (let v = 1; v < 256; v++) {
      const entry = 4 * (256 * g + v);
      const rest = 4 * (256 * g + (v & (v - 1)));
      const bit = 8 * g + 31 - Math.clz32(v & -v);
      for (let w = 0; w < 4; w++) words[entry + w] = words[rest + w]! ^ column[4 * bit + w]!;
    }
  }
  table = new BigUint64Array(words.buffer);
  stepTables.set(taps, table);
  return table;
}

/**
 * One clock of banks 0 … banks−1, bank k's state being words 4k … 4k+3 of s32 (the same bytes as halves 2k,
 * 2k+1 of s64): each becomes the XOR of the sixteen table entries its bytes select.
 */
function stepBanks(s32: Uint32Array, s64: BigUint64Array, banks: number, t: BigUint64Array): void {
  for (let k = 0; k < banks; k++) {
    const w0 = s32[4 * k]!;
    const w1 = s32[4 * k + 1]!;
    const w2 = s32[4 * k + 2]!;
    const w3 = s32[4 * k + 3]!;
    // Offsets in 64-bit halves: group g starts at 512·g (256 entries of two halves).
    const i0 = (w0 & 255) << 1;
    const i1 = 512 | (((w0 >>> 8) & 255) << 1);
    const i2 = 1024 | (((w0 >>> 16) & 255) << 1);
    const i3 = 1536 | ((w0 >>> 24) << 1);
    const i4 = 2048 | ((w1 & 255) << 1);
    const i5 = 2560 | (((w1 >>> 8) & 255) << 1);
    const i6 = 3072 | (((w1 >>> 16) & 255) << 1);
    const i7 = 3584 | ((w1 >>> 24) << 1);
    const i8 = 4096 | ((w2 & 255) << 1);
    const i9 = 4608 | (((w2 >>> 8) & 255) << 1);
    const i10 = 5120 | (((w2 >>> 16) & 255) << 1);
    const i11 = 5632 | ((w2 >>> 24) << 1);
    const i12 = 6144 | ((w3 & 255) << 1);
    const i13 = 6656 | (((w3 >>> 8) & 255) << 1);
    const i14 = 7168 | (((w3 >>> 16) & 255) << 1);
    const i15 = 7680 | ((w3 >>> 24) << 1);
    // biome-ignore format: sixteen lookups in two rows
    s64[2 * k] =
      t[i0]! ^ t[i1]! ^ t[i2]! ^ t[i3]! ^ t[i4]! ^ t[i5]! ^ t[i6]! ^ t[i7]! ^
      t[i8]! ^ t[i9]! ^ t[i10]! ^ t[i11]! ^ t[i12]! ^ t[i13]! ^ t[i14]! ^ t[i15]!;
    // biome-ignore format: sixteen lookups in two rows
    s64[2 * k + 1] =
      t[i0 + 1]! ^ t[i1 + 1]! ^ t[i2 + 1]! ^ t[i3 + 1]! ^ t[i4 + 1]! ^ t[i5 + 1]! ^ t[i6 + 1]! ^ t[i7 + 1]! ^
      t[i8 + 1]! ^ t[i9 + 1]! ^ t[i10 + 1]! ^ t[i11 + 1]! ^ t[i12 + 1]! ^ t[i13 + 1]! ^ t[i14 + 1]! ^ t[i15 + 1]!;
  }
}

/** Chunk extractors for the common widths: out[q …] = the first n chunks of the bank at words o … o+3 of s. */
type BankExtractor = (out: Uint32Array, q: number, s: Uint32Array, o: number, n: number) => void;

/** Ten 12-bit chunks, unrolled (the shifts are constants); a last bank may have fewer lanes. */
function extract12(out: Uint32Array, q: number, s: Uint32Array, o: number, n: number): void {
  const w0 = s[o]!;
  const w1 = s[o + 1]!;
  const w2 = s[o + 2]!;
  const w3 = s[o + 3]!;
  out[q] = w0 & 4095;
  if (n > 1) out[q + 1] = (w0 >>> 12) & 4095;
  if (n > 2) out[q + 2] = ((w0 >>> 24) | (w1 << 8)) & 4095;
  if (n > 3) out[q + 3] = (w1 >>> 4) & 4095;
  if (n > 4) out[q + 4] = (w1 >>> 16) & 4095;
  if (n > 5) out[q + 5] = ((w1 >>> 28) | (w2 << 4)) & 4095;
  if (n > 6) out[q + 6] = (w2 >>> 8) & 4095;
  if (n > 7) out[q + 7] = (w2 >>> 20) & 4095;
  if (n > 8) out[q + 8] = w3 & 4095;
  if (n > 9) out[q + 9] = (w3 >>> 12) & 4095;
}

/** Fifteen 8-bit chunks: the bank's bytes. */
function extract8(out: Uint32Array, q: number, s: Uint32Array, o: number, n: number): void {
  for (let j = 0; j < n; j++) out[q + j] = (s[o + (j >>> 2)]! >>> ((j & 3) << 3)) & 255;
}

/** The chunk at bit `shift` of word w (and on into word w + 1): the packed layout's lane read. */
function readChunk(s: Uint32Array, w: number, shift: number, mask: number): number {
  // The next word's low bits land at 32 − shift and up (two shifts: a shift by 32 would be one by 0).
  return ((s[w]! >>> shift) | ((s[w + 1]! << (31 - shift)) << 1)) & mask;
}

/**
 * All banks of one engine, stepping together. `chunk(lane)` is lane ℓ's b-bit uniform at the current clock
 * (b = chunkBits, n = ⌊127/b⌋ lanes per bank): bank ⌊ℓ/n⌋, state bits (ℓ mod n)·b … +b−1, bit 0 of the
 * chunk = the lowest state bit.
 *
 * Packed per bank: bank k's state bit b is bit b mod 32 of word 4k + ⌊b/32⌋ (bit 127 is always zero), so a
 * chunk is a shift and a mask, and a clock is sixteen table lookups per bank (stepTable). At most 32 banks:
 * the limit of the bit-sliced layout this model had before, kept so that the same configurations are valid.
 */
export class LaneRandom {
  readonly banks: number;
  readonly perBank: number;
  /** Four words per bank, then two zero words: a chunk read may look one word past its bank. */
  private readonly state: Uint32Array;
  /** The same bytes, in 64-bit halves (stepBanks). */
  private readonly halves: BigUint64Array;
  private readonly table: BigUint64Array;
  /** Where lane ℓ's chunk starts: word laneWord[ℓ], bit laneShift[ℓ]. */
  private readonly laneWord: Int32Array;
  private readonly laneShift: Int32Array;
  private readonly chunkMask: number;

  constructor(
    readonly lanes: number,
    seed: number,
    readonly chunkBits: number = CHUNK_BITS,
    design: BankDesign = bankDesign(),
  ) {
    this.perBank = lanesPerBank(chunkBits);
    this.banks = Math.ceil(lanes / this.perBank);
    if (this.banks > 32)
      throw new RangeError(`at most ${32 * this.perBank} lanes with ${chunkBits}-bit chunks, got ${lanes}`);
    this.table = stepTable(design.taps);
    this.halves = new BigUint64Array(2 * this.banks + 1);
    this.state = new Uint32Array(this.halves.buffer);
    for (let k = 0; k < this.banks; k++) {
      const reset = bankResetState(k);
      for (let b = 0; b < BANK_BITS; b++) this.state[4 * k + (b >>> 5)]! |= reset[b]! << (b & 31);
    }
    const slots = this.banks * this.perBank;
    this.laneWord = new Int32Array(slots);
    this.laneShift = new Int32Array(slots);
    for (let lane = 0; lane < slots; lane++) {
      const bit = (lane % this.perBank) * chunkBits;
      this.laneWord[lane] = 4 * Math.floor(lane / this.perBank) + (bit >>> 5);
      this.laneShift[lane] = bit & 31;
    }
    this.chunkMask = 2 ** chunkBits - 1;
    for (let i = 0; i < SEED_STEPS; i++) this.step(seed >>> 0);
  }

  /** One clock: every bank's state advances (with the seed XORed in while seeding: bit b gets seed bit b mod 32). */
  step(inject = 0): void {
    const s = this.state;
    stepBanks(s, this.halves, this.banks, this.table);
    if (inject) {
      for (let o = 0; o < 4 * this.banks; o += 4) {
        s[o]! ^= inject;
        s[o + 1]! ^= inject;
        s[o + 2]! ^= inject;
        s[o + 3]! ^= inject & 0x7fff_ffff; // bits 96 … 126: there is no bit 127
      }
    }
  }

  chunk(lane: number): number {
    if (!(lane >= 0 && lane < this.laneWord.length)) throw new RangeError(`no lane ${lane} in ${this.banks} banks`);
    return readChunk(this.state, this.laneWord[lane]!, this.laneShift[lane]!, this.chunkMask);
  }

  /** Every lane's chunk at once. */
  chunks(out: Uint32Array): void {
    this.extract(out, 0, this.lanes, this.extractor());
  }

  /**
   * Advances `clocks` clocks and stores each clock's chunks: lane ℓ's at clock c (1 = the first new one) in
   * out[(c − 1)·stride + ℓ], for ℓ < min(lanes, stride). The same as `clocks` times step() and chunks(), in
   * one call (the reference model takes its chunks a batch at a time).
   */
  fill(out: Uint32Array, clocks: number, stride: number = this.lanes): void {
    const { state, halves, table, banks } = this;
    const lanes = Math.min(this.lanes, stride);
    const extractor = this.extractor();
    for (let c = 0, base = 0; c < clocks; c++, base += stride) {
      stepBanks(state, halves, banks, table);
      this.extract(out, base, lanes, extractor);
    }
  }

  private extractor(): BankExtractor | undefined {
    return this.chunkBits === 12 ? extract12 : this.chunkBits === 8 ? extract8 : undefined;
  }

  /** out[base + ℓ] = lane ℓ's chunk at the current clock, for ℓ < lanes: a bank at a time, or a lane at a time. */
  private extract(out: Uint32Array, base: number, lanes: number, extractor: BankExtractor | undefined): void {
    const s = this.state;
    if (extractor) {
      for (let lane = 0, o = 0; lane < lanes; lane += this.perBank, o += 4)
        extractor(out, base + lane, s, o, Math.min(this.perBank, lanes - lane));
      return;
    }
    const words = this.laneWord;
    const shifts = this.laneShift;
    for (let lane = 0; lane < lanes; lane++)
      out[base + lane] = readChunk(s, words[lane]!, shifts[lane]!, this.chunkMask);
  }

  /** Bank state as a bigint (tests, checkpoints). */
  bankState(bank: number): bigint {
    if (!(Number.isInteger(bank) && bank >= 0 && bank < this.banks))
      throw new RangeError(`no bank ${bank} (${this.banks} banks)`);
    let value = 0n;
    for (let w = 3; w >= 0; w--) value = (value << 32n) | BigInt(this.state[4 * bank + w]!);
    return value;
  }
}

/** One step of xorshift32 (13, 17, 5): the tie resolver's and the swap generator's (hdl/ising_engine.v, hdl/ising_exchange.v). */
export function xorshift32(x: number): number {
  x = (x ^ (x << 13)) >>> 0;
  x = (x ^ (x >>> 17)) >>> 0;
  return (x ^ (x << 5)) >>> 0;
}

/** Mixed into the seed of the tie resolver's generator (hdl/ising_engine.v TIE_SEED_MIX). */
export const TIE_SEED_MIX = 0x9e3779b9;

/**
 * The engine's tie resolver's generator: xorshift32 (13, 17, 5) from (seed ^ TIE_SEED_MIX) | 1 (never 0, the one
 * state xorshift cannot leave). A draw of k bits is the state's top k bits; the state then steps (one step per settled tie).
 */
export class TieRandom {
  private x: number;

  constructor(seed: number) {
    this.x = ((seed ^ TIE_SEED_MIX) | 1) >>> 0;
  }

  next(bits: number): number {
    const drawn = this.x >>> (32 - bits);
    this.x = xorshift32(this.x);
    return drawn;
  }
}

/**
 * The engine's lane streams for the reference model: advance one clock, then read every lane's chunk (step),
 * or many clocks at once (fill).
 */
export function laneStreams(lanes: number, seed: number, chunkBits: number = CHUNK_BITS) {
  const random = new LaneRandom(lanes, seed, chunkBits);
  return {
    bits: chunkBits,
    random,
    ties: new TieRandom(seed),
    step(out: Uint32Array) {
      random.step();
      random.chunks(out);
    },
    fill(out: Uint32Array, clocks: number, stride: number) {
      random.fill(out, clocks, stride);
    },
  };
}
