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
 * All banks of one engine, stepping together. `chunk(lane)` is lane ℓ's b-bit uniform at the current clock
 * (b = chunkBits, n = ⌊127/b⌋ lanes per bank): bank ⌊ℓ/n⌋, state bits (ℓ mod n)·b … +b−1, bit 0 of the
 * chunk = the lowest state bit.
 *
 * Bit-sliced: word `state[b]` holds state bit b of every bank (bank k in bit k), so one XOR steps all banks;
 * up to 32 banks.
 */
export class LaneRandom {
  readonly banks: number;
  readonly perBank: number;
  private state: Uint32Array;
  private next: Uint32Array;
  /** Flattened taps; a missing third tap points at word BANK_BITS, which is always zero. */
  private readonly tapA: Int32Array;
  private readonly tapB: Int32Array;
  private readonly tapC: Int32Array;

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
    this.tapA = Int32Array.from(design.taps, (t) => t[0]!);
    this.tapB = Int32Array.from(design.taps, (t) => t[1]!);
    this.tapC = Int32Array.from(design.taps, (t) => (t.length === 3 ? t[2]! : BANK_BITS));
    this.state = new Uint32Array(BANK_BITS + 1);
    this.next = new Uint32Array(BANK_BITS + 1);
    for (let k = 0; k < this.banks; k++) {
      const reset = bankResetState(k);
      for (let b = 0; b < BANK_BITS; b++) this.state[b]! |= reset[b]! << k;
    }
    for (let i = 0; i < SEED_STEPS; i++) this.step(seed >>> 0);
  }

  /** One clock: every bank's state advances (with the seed XORed in while seeding). */
  step(inject = 0): void {
    const s = this.state;
    const n = this.next;
    const a = this.tapA;
    const b = this.tapB;
    const c = this.tapC;
    for (let bit = 0; bit < BANK_BITS; bit++) n[bit] = s[a[bit]!]! ^ s[b[bit]!]! ^ s[c[bit]!]!;
    if (inject) for (let bit = 0; bit < BANK_BITS; bit++) if ((inject >>> (bit & 31)) & 1) n[bit] = ~n[bit]!;
    this.state = n;
    this.next = s;
  }

  chunk(lane: number): number {
    const bank = (lane / this.perBank) | 0;
    const base = (lane % this.perBank) * this.chunkBits;
    const s = this.state;
    let value = 0;
    for (let i = this.chunkBits - 1; i >= 0; i--) value = (value << 1) | ((s[base + i]! >>> bank) & 1);
    return value;
  }

  /** Every lane's chunk at once (one pass over the state words). */
  chunks(out: Uint32Array): void {
    const s = this.state;
    const bits = this.chunkBits;
    const perBank = this.perBank;
    out.fill(0, 0, this.lanes);
    for (let slot = 0; slot < perBank; slot++) {
      for (let i = 0; i < bits; i++) {
        const word = s[slot * bits + i]!;
        if (word === 0) continue;
        for (let bank = 0, lane = slot; lane < this.lanes; bank++, lane += perBank)
          out[lane]! |= ((word >>> bank) & 1) << i;
      }
    }
  }

  /** Bank state as a bigint (tests, checkpoints). */
  bankState(bank: number): bigint {
    let value = 0n;
    for (let i = BANK_BITS - 1; i >= 0; i--) value = (value << 1n) | BigInt((this.state[i]! >>> bank) & 1);
    return value;
  }
}

/** The engine's lane streams for the reference model: advance one clock, then read every lane's chunk. */
export function laneStreams(lanes: number, seed: number, chunkBits: number = CHUNK_BITS) {
  const random = new LaneRandom(lanes, seed, chunkBits);
  return {
    bits: chunkBits,
    random,
    step(out: Uint32Array) {
      random.step();
      random.chunks(out);
    },
  };
}
