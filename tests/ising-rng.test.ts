/**
 * The Ising lane generator (src/cores/ising/rng.ts): full period, hardware-shaped (≤ 3 taps per bit plus the
 * seeding input = one LUT4), and lanes that behave as independent uniform streams — not shifted copies.
 */
import { describe, expect, it } from 'vitest';
import {
  BANK_BITS,
  BANK_SEARCH_SEED,
  bankDesign,
  berlekampMassey,
  CHUNK_BITS,
  irreducibleOfPrimeDegree,
  LaneRandom,
  searchBankDesign,
} from '../src/cores/ising/rng.ts';

function period(taps: number[][], bits: number): number {
  let state = new Uint8Array(bits);
  state[0] = 1;
  const start = state.join('');
  let next = new Uint8Array(bits);
  for (let steps = 1; steps <= 2 ** bits; steps++) {
    for (let b = 0; b < bits; b++) next[b] = taps[b]!.reduce((v, t) => v ^ state[t]!, 0);
    [state, next] = [next, state];
    if (state.join('') === start) return steps;
  }
  return -1;
}

describe('lane random generator', () => {
  it('the design search yields exactly the maximal period (checked exhaustively for 7, 13 and 17 bits)', () => {
    for (const bits of [7, 13, 17]) expect(period(searchBankDesign(bits, 3).taps, bits)).toBe(2 ** bits - 1);
  });

  it('the stored 127-bit bank design is what the deterministic search finds', () => {
    expect(bankDesign().taps).toEqual(searchBankDesign(BANK_BITS, BANK_SEARCH_SEED).taps);
  });

  it('the 127-bit bank has an irreducible degree-127 minimal polynomial, and fits one LUT4 per bit', () => {
    const { taps } = bankDesign();
    expect(taps.length).toBe(BANK_BITS);
    for (const row of taps) {
      expect(row.length === 2 || row.length === 3).toBe(true);
      expect(new Set(row).size).toBe(row.length);
    }
    expect(new Set(taps.flat()).size).toBe(BANK_BITS); // every bit feeds something
    // Recompute the minimal polynomial from a bit sequence of the bank (independently of the search's run).
    const random = new LaneRandom(10, 1);
    const sequence = new Uint8Array(2 * BANK_BITS + 10);
    for (let i = 0; i < sequence.length; i++) {
      sequence[i] = Number(random.bankState(0) & 1n);
      random.step();
    }
    const { polynomial, length } = berlekampMassey(sequence);
    expect(length).toBe(BANK_BITS);
    let reciprocal = 0n;
    for (let i = 0; i <= BANK_BITS; i++) if ((polynomial >> BigInt(i)) & 1n) reciprocal |= 1n << BigInt(BANK_BITS - i);
    expect(irreducibleOfPrimeDegree(reciprocal)).toBe(true);
  });

  it('is reproducible from the seed, and different seeds give different streams', () => {
    const a = new LaneRandom(20, 7);
    const b = new LaneRandom(20, 7);
    const c = new LaneRandom(20, 8);
    const take = (r: LaneRandom) =>
      Array.from({ length: 50 }, () => {
        r.step();
        return r.chunk(13);
      });
    const [x, y, z] = [take(a), take(b), take(c)];
    expect(y).toEqual(x);
    expect(z).not.toEqual(x);
  });

  it('lanes are uniform, uncorrelated with each other and with themselves, and not shifted copies', () => {
    const lanes = 40; // four banks
    const steps = 20_000;
    const random = new LaneRandom(lanes, 2026);
    const data = Array.from({ length: lanes }, () => new Float64Array(steps));
    const histogram = new Uint32Array(64);
    for (let t = 0; t < steps; t++) {
      random.step();
      for (let lane = 0; lane < lanes; lane++) {
        const chunk = random.chunk(lane);
        data[lane]![t] = (chunk + 0.5) / 2 ** CHUNK_BITS - 0.5;
        histogram[chunk >> (CHUNK_BITS - 6)]!++;
      }
    }
    // Uniformity: chi-square over 64 bins (63 degrees of freedom; 99.9 % quantile ≈ 103).
    const expected = (lanes * steps) / 64;
    const chi2 = [...histogram].reduce((a, h) => a + (h - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(103);
    // Correlations between every pair of lanes at lags 0..2, and of each lane with itself at lags 1..3:
    // |r| < 5/√n (a 5-σ bound for independent streams).
    const bound = 5 / Math.sqrt(steps);
    const correlation = (a: Float64Array, b: Float64Array, lag: number) => {
      let sum = 0;
      for (let t = 0; t + lag < steps; t++) sum += a[t]! * b[t + lag]!;
      return (sum / (steps - lag)) * 12; // variance of U(−½, ½) is 1/12
    };
    let worst = 0;
    for (let i = 0; i < lanes; i++) {
      for (let lag = 1; lag <= 3; lag++) worst = Math.max(worst, Math.abs(correlation(data[i]!, data[i]!, lag)));
      for (let j = 0; j < lanes; j++) {
        if (i === j) continue;
        for (let lag = 0; lag <= 2; lag++) worst = Math.max(worst, Math.abs(correlation(data[i]!, data[j]!, lag)));
      }
    }
    expect(worst).toBeLessThan(bound);
    // No lane's stream reappears in another lane shifted by up to 1000 clocks.
    for (let i = 0; i < lanes; i++) {
      for (let j = 0; j < lanes; j++) {
        if (i === j) continue;
        for (let shift = 0; shift < 1000; shift++) {
          let same = true;
          for (let t = 0; t < 24 && same; t++) same = data[i]![t] === data[j]![t + shift];
          expect(same, `lane ${j} repeats lane ${i} shifted by ${shift}`).toBe(false);
        }
      }
    }
  });
});
