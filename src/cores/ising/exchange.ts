/**
 * Replica exchange on the chip (hdl/ising_exchange.v) in TypeScript, bit for bit: the acceptance tables the host
 * uploads, the swap generator, and the rounds. Every `swapEvery` engine sweeps a round n tries the neighbouring
 * temperature pairs (i, i + 1) with i ≡ n (mod 2), lowest first, with probability min(1, exp(Δβ·ΔE)), Δβ = β_i −
 * β_{i+1}, ΔE = E_i − E_{i+1} (the energies of the replicas at those temperatures after their last sweep).
 *
 * No exponential on the chip: when ΔE goes the unlikely way, k = |ΔE|/4 and exp(−4|Δβ|k) = Π over the set bits b
 * of k of p_b = exp(−4|Δβ|·2^b); the swap is accepted when, bit by bit from the lowest, a fresh 24-bit uniform u
 * satisfies u < round(p_b·2^24) — stopping at the first that does not. So the acceptance is exactly the product of
 * the rounded p_b: each is within 2^−25 of p_b, so the product is within (bits of k)·2^−25 ≤ 21·2^−25 ≈ 6·10⁻⁷ of
 * exp(−4|Δβ|k) — against ≈ 10⁻⁴, what 10⁸ attempts resolve.
 */
import { xorshift32 } from './rng.ts';

/** Entries per pair in the EXCHANGE block: p_0 … p_30, then the sure sign with the accepted count. */
export const EXCHANGE_STRIDE = 32;
const SIGN_ENTRY = 31;
const ONE = 2 ** 24;
const SEED_MIX = 0x2545f491;

/** One neighbouring pair's table: p[b] = round(exp(−4|Δβ|·2^b)·2^24), and which sign of ΔE is always accepted. */
export interface PairTable {
  /** 1: Δβ > 0, so ΔE ≥ 0 is always accepted; 0: ΔE ≤ 0 is. */
  sure: 0 | 1;
  p: number[];
}

/** The tables of every neighbouring pair of `temperatures` (in slot order). */
export function exchangeTables(temperatures: readonly number[]): PairTable[] {
  return temperatures.slice(1).map((T, i) => {
    const deltaBeta = 1 / temperatures[i]! - 1 / T;
    const p = Array.from({ length: SIGN_ENTRY }, (_, b) =>
      Math.round(Math.exp(-4 * Math.abs(deltaBeta) * 2 ** b) * ONE),
    );
    return { sure: deltaBeta > 0 ? 1 : 0, p };
  });
}

/** The EXCHANGE block's words for these tables (accepted counts 0): pair i at EXCHANGE_STRIDE·i. */
export function exchangeWords(tables: readonly PairTable[]): number[] {
  return tables.flatMap((t) => [...t.p, t.sure]);
}

/** The swap generator: xorshift32 (13, 17, 5) from the engine's seed; a draw is the top 24 bits of the new state. */
export class SwapRandom {
  private x: number;

  constructor(seed: number) {
    const mixed = (seed ^ SEED_MIX) >>> 0;
    this.x = mixed === 0 ? SEED_MIX : mixed;
  }

  next(): number {
    this.x = xorshift32(this.x);
    return this.x >>> 8;
  }
}

/** What the host reads back: swaps accepted per pair, rounds done, each replica's temperature slot. */
export interface ExchangeState {
  accepted: number[];
  rounds: number;
  slotOf: number[];
}

/** Attempts per pair after `rounds` rounds: round n tries the pairs i ≡ n (mod 2). */
export function attemptsAfter(rounds: number, pairs: number): number[] {
  return Array.from({ length: pairs }, (_, i) => (i % 2 === 1 ? Math.ceil(rounds / 2) : Math.floor(rounds / 2)));
}

/** Each slot's replica, from each replica's slot. */
export function replicasAt(slotOf: readonly number[]): number[] {
  const at = new Array<number>(slotOf.length);
  slotOf.forEach((slot, replica) => {
    at[slot] = replica;
  });
  return at;
}

/** The exchange as the engine runs it: placement, the sweep count to the next round, the rounds and counts. */
export class Exchange {
  readonly slotOf: number[];
  readonly replicaOf: number[];
  readonly accepted: number[];
  rounds = 0;
  private count = 0;
  private swapEvery = 0;
  private tables: PairTable[] = [];

  constructor(
    readonly replicas: number,
    private readonly random: SwapRandom,
    /** Called for every attempt with the exact acceptance min(1, exp(Δβ·ΔE)) and whether it was accepted. */
    private readonly onAttempt?: (pair: number, exact: number, accepted: boolean) => void,
    private readonly temperatures?: readonly number[],
  ) {
    this.slotOf = Array.from({ length: replicas }, (_, r) => r);
    this.replicaOf = Array.from({ length: replicas }, (_, r) => r);
    this.accepted = new Array(Math.max(0, replicas - 1)).fill(0);
  }

  /** New tables and period (the SWAP register): clears the rounds, the count to the next and the accepted counts. */
  configure(tables: PairTable[], swapEvery: number): void {
    this.tables = tables;
    this.swapEvery = swapEvery;
    this.rounds = 0;
    this.count = 0;
    this.accepted.fill(0);
  }

  /** After an engine sweep, with each replica's energy: a round when one is due. */
  afterSweep(energyOf: readonly number[]): void {
    if (this.swapEvery === 0) return;
    if (++this.count < this.swapEvery) return;
    this.count = 0;
    this.rounds++;
    for (let i = this.rounds % 2; i + 1 < this.replicas; i += 2) this.tryPair(i, energyOf);
  }

  private tryPair(i: number, energyOf: readonly number[]): void {
    const a = this.replicaOf[i]!;
    const b = this.replicaOf[i + 1]!;
    const delta = energyOf[a]! - energyOf[b]!;
    const table = this.tables[i]!;
    let accept = table.sure === 1 ? delta >= 0 : delta <= 0;
    if (!accept) {
      accept = true;
      for (let k = Math.abs(delta) >> 2, bit = 0; k > 0 && accept; k >>= 1, bit++)
        if (k & 1 && this.random.next() >= table.p[bit]!) accept = false;
    }
    if (this.onAttempt && this.temperatures) {
      const deltaBeta = 1 / this.temperatures[i]! - 1 / this.temperatures[i + 1]!;
      this.onAttempt(i, Math.min(1, Math.exp(deltaBeta * delta)), accept);
    }
    if (!accept) return;
    this.accepted[i]!++;
    this.slotOf[a] = i + 1;
    this.slotOf[b] = i;
    this.replicaOf[i] = b;
    this.replicaOf[i + 1] = a;
  }

  state(): ExchangeState {
    return { accepted: [...this.accepted], rounds: this.rounds, slotOf: [...this.slotOf] };
  }
}

/** The sign word of pair i in the EXCHANGE block, where the engine counts accepted swaps (bits 31:1). */
export function signEntry(pair: number): number {
  return EXCHANGE_STRIDE * pair + SIGN_ENTRY;
}
