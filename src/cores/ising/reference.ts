/**
 * The Ising reference model: the checkerboard update exactly as the hardware will order it, in integers.
 *
 * Lattice: L×L, periodic, spins ±1, row-major. A sweep is two half-sweeps, colour 0 (x + y even) then
 * colour 1. Within a half-sweep the L²/2 sites of that colour are numbered row by row, q = y·L/2 + i with
 * x = 2i + ((y + colour) mod 2). P lanes work in lockstep: at step t, lane ℓ updates site q = t·P + ℓ and
 * draws one uniform integer u ∈ [0, 2^bits) from its own stream. Because sites of one colour only see sites
 * of the other, the result depends only on which uniform each site gets — which this numbering fixes.
 *
 * A site with spin s and neighbour sum n flips when u < threshold[s, n] (tables.ts: Metropolis and heat-bath
 * share this form), thresholds having 2·b bits for b-bit lane chunks. The comparison is lazy, as in hardware:
 * the step's chunk c0 is compared with the threshold's top b bits; only on a tie is another clock spent
 * (all lanes step, tied lanes take that clock's chunk c1 as the low bits). Exactly u = c0·2^b + c1 < T. The
 * bond energy E = −Σ_<ij> s_i s_j and magnetization M = Σ s_i are updated per flip
 * (ΔE = 2·s·n, ΔM = −2·s) and reported after every sweep, as the hardware's accumulators will be.
 *
 * The lane streams are an interface: rng.ts's laneStreams() is the hardware generator, bit for bit.
 */

export interface LaneStreams {
  /** Bits per chunk (thresholds have twice as many). */
  readonly bits: number;
  /** One clock: fills `out[ℓ]` with lane ℓ's next chunk, for every lane. */
  step(out: Uint32Array): void;
}

/** Clocks spent: one per lockstep step, plus one per step in which some lane's comparison tied. */
export interface SweepCounts {
  steps: number;
  tieClocks: number;
}

export class IsingLattice {
  readonly spins: Int8Array;
  /** −Σ over bonds of s_i·s_j. */
  bondEnergy: number;
  magnetization: number;

  constructor(
    readonly size: number,
    spins?: Int8Array,
  ) {
    if (!(Number.isInteger(Math.log2(size)) && size >= 4))
      throw new RangeError(`L must be a power of two ≥ 4, got ${size}`);
    this.spins = spins ? Int8Array.from(spins) : new Int8Array(size * size).fill(1);
    if (this.spins.length !== size * size)
      throw new RangeError(`expected ${size * size} spins, got ${this.spins.length}`);
    this.bondEnergy = 0;
    this.magnetization = 0;
    this.recount();
  }

  /** Recomputes E and M from the spins (after the host writes a lattice). */
  recount(): void {
    const L = this.size;
    let energy = 0;
    let magnetization = 0;
    for (let y = 0; y < L; y++) {
      for (let x = 0; x < L; x++) {
        const s = this.spins[y * L + x]!;
        magnetization += s;
        energy -= s * (this.spins[y * L + ((x + 1) & (L - 1))]! + this.spins[((y + 1) & (L - 1)) * L + x]!);
      }
    }
    this.bondEnergy = energy;
    this.magnetization = magnetization;
  }
}

/** Site index of the q-th site of a colour (see the file comment). */
export function siteOfColour(L: number, colour: 0 | 1, q: number): number {
  const half = L >> 1;
  const y = Math.floor(q / half);
  const i = q - y * half;
  return y * L + 2 * i + ((y + colour) & 1);
}

/**
 * One sweep (both colours) with the given flip table (10 thresholds of THRESHOLD_BITS bits, tables.ts order)
 * and lane streams. `lanes` must divide L/2. Read lattice.bondEnergy / magnetization after it.
 *
 * The comparison is lazy and exact: with b-bit chunks a threshold is split into d = 24/b digits, the top
 * digit in [0, 2^b] (2^b means "always"). At a step every lane compares its chunk with the top digit of its
 * entry: below → flip, above → keep, equal → tied. While any lane is tied the engine spends another clock:
 * every lane's stream advances, tied lanes compare the new chunk with the next digit. At the last digit a tie
 * means u = T, which does not flip. So a site flips exactly when u < T, u being the chunks it read.
 */
export function sweep(
  lattice: IsingLattice,
  table: ArrayLike<number>,
  streams: LaneStreams,
  lanes: number,
  counts?: SweepCounts,
): void {
  const L = lattice.size;
  const mask = L - 1;
  const spins = lattice.spins;
  const half = L >> 1;
  if (half % lanes !== 0) throw new RangeError(`lanes (${lanes}) must divide L/2 (${half})`);
  const chunkBits = streams.bits;
  const levels = THRESHOLD_DIGIT_BITS / chunkBits;
  if (!Number.isInteger(levels))
    throw new RangeError(`chunk width ${chunkBits} does not divide ${THRESHOLD_DIGIT_BITS}`);
  const radix = 2 ** chunkBits;
  // digits[level * 10 + k]: digit `level` (0 = most significant) of threshold k.
  const digits = new Float64Array(levels * 10);
  for (let k = 0; k < 10; k++) {
    let rest = table[k]!;
    for (let level = levels - 1; level > 0; level--) {
      digits[level * 10 + k] = rest % radix;
      rest = Math.floor(rest / radix);
    }
    digits[k] = rest; // top digit: up to 2^b
  }
  const chunks = new Uint32Array(lanes);
  const pending = new Int32Array(lanes); // table index + 1 of a tied lane, 0 otherwise
  let energy = lattice.bondEnergy;
  let magnetization = lattice.magnetization;
  let steps = 0;
  let tieClocks = 0;
  const stepsPerRow = half / lanes;
  for (let colour = 0; colour < 2; colour++) {
    for (let y = 0; y < L; y++) {
      const row = y * L;
      const up = ((y - 1) & mask) * L;
      const down = ((y + 1) & mask) * L;
      const offset = (y + colour) & 1;
      for (let t = 0; t < stepsPerRow; t++) {
        streams.step(chunks);
        steps++;
        let anyTie = false;
        for (let lane = 0; lane < lanes; lane++) {
          const x = 2 * (t * lanes + lane) + offset;
          const s = spins[row + x]!;
          const n = spins[row + ((x - 1) & mask)]! + spins[row + ((x + 1) & mask)]! + spins[up + x]! + spins[down + x]!;
          const k = (s === 1 ? 5 : 0) + ((n + 4) >> 1);
          const c = chunks[lane]!;
          pending[lane] = 0;
          if (c < digits[k]!) {
            spins[row + x] = -s;
            energy += 2 * s * n;
            magnetization -= 2 * s;
          } else if (c === digits[k]) {
            pending[lane] = k + 1;
            anyTie = true;
          }
        }
        // Further clocks while some lane is tied; tied lanes compare the next digit.
        for (let level = 1; anyTie && level < levels; level++) {
          streams.step(chunks);
          tieClocks++;
          anyTie = false;
          for (let lane = 0; lane < lanes; lane++) {
            const k = pending[lane]! - 1;
            if (k < 0) continue;
            const c = chunks[lane]!;
            const digit = digits[level * 10 + k]!;
            if (c < digit) {
              pending[lane] = 0;
              const x = 2 * (t * lanes + lane) + offset;
              const s = spins[row + x]!;
              const n =
                spins[row + ((x - 1) & mask)]! + spins[row + ((x + 1) & mask)]! + spins[up + x]! + spins[down + x]!;
              spins[row + x] = -s;
              energy += 2 * s * n;
              magnetization -= 2 * s;
            } else if (c === digit && level < levels - 1) {
              anyTie = true;
            } else {
              pending[lane] = 0;
            }
          }
        }
      }
    }
  }
  lattice.bondEnergy = energy;
  lattice.magnetization = magnetization;
  if (counts) {
    counts.steps += steps;
    counts.tieClocks += tieClocks;
  }
}

/** Threshold width the digits of the lazy comparison add up to (rng.ts THRESHOLD_BITS). */
const THRESHOLD_DIGIT_BITS = 24;

/** One record of the engine's statistics stream: a replica's bond energy and magnetization after its sweep. */
export interface SweepRecord {
  replica: number;
  energy: number;
  magnetization: number;
}

/**
 * An engine sweep with replicas, as the hardware orders it: replica 0 sweeps with table 0, then replica 1
 * with table 1, … — one lane-stream sequence shared in that order. Returns one record per replica.
 */
export function engineSweep(
  lattices: IsingLattice[],
  tables: ArrayLike<number>[],
  streams: LaneStreams,
  lanes: number,
  counts?: SweepCounts,
): SweepRecord[] {
  return lattices.map((lattice, replica) => {
    sweep(lattice, tables[replica]!, streams, lanes, counts);
    return { replica, energy: lattice.bondEnergy, magnetization: lattice.magnetization };
  });
}

/** Runs `sweeps` sweeps and records E and M after each one (the hardware's per-sweep statistics stream). */
export function run(
  lattice: IsingLattice,
  table: ArrayLike<number>,
  streams: LaneStreams,
  lanes: number,
  sweeps: number,
  counts?: SweepCounts,
): { energy: Float64Array; magnetization: Float64Array } {
  const energy = new Float64Array(sweeps);
  const magnetization = new Float64Array(sweeps);
  for (let i = 0; i < sweeps; i++) {
    sweep(lattice, table, streams, lanes, counts);
    energy[i] = lattice.bondEnergy;
    magnetization[i] = lattice.magnetization;
  }
  return { energy, magnetization };
}
