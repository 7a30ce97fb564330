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
 * share this form), thresholds having 24 bits. The comparison is lazy, as in hardware: the step's b-bit chunk c
 * is compared with the threshold's top digit (T's bits above 24 - b); a tie takes 24 - b bits r from the tie
 * resolver's own stream (LaneStreams.ties), in lane order, and flips when r < T mod 2^(24-b). Exactly
 * u = c·2^(24-b) + r < T. The
 * bond energy E = −Σ_<ij> s_i s_j and magnetization M = Σ s_i are updated per flip
 * (ΔE = 2·s·n, ΔM = −2·s) and reported after every sweep, as the hardware's accumulators will be.
 *
 * The lane streams are an interface: rng.ts's laneStreams() is the hardware generator, bit for bit.
 */

export interface LaneStreams {
  /** Bits per chunk: the thresholds' top digit. */
  readonly bits: number;
  /** The tie resolver's draws: next(k) is its next k-bit number. */
  readonly ties: { next(bits: number): number };
  /** One clock: fills `out[ℓ]` with lane ℓ's next chunk, for every lane. */
  step(out: Uint32Array): void;
  /**
   * Optional, `clocks` clocks at once: what step() would give at the c-th of them (c from 0) goes to
   * out[c·stride …], lanes ≥ stride left out. With it the model draws ahead within a sweep (never past its end).
   */
  fill?(out: Uint32Array, clocks: number, stride: number): void;
}

/** Clocks spent: one per lockstep step, plus k − 1 for a step with k ≥ 2 ties (the resolver settles one a clock). */
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
 * and lane streams. `lanes` must divide L/2; spins must be ±1 and chunks below 2^bits. Read
 * lattice.bondEnergy / magnetization after it.
 *
 * The comparison is lazy and exact: with b-bit chunks a threshold T is split into its top digit
 * ⌊T / 2^(24-b)⌋ in [0, 2^b] (2^b means "always") and the remainder below it. At a step every lane compares
 * its chunk with the top digit of its entry: below → flip, above → keep, equal → tied. The step's tied sites,
 * in lane order, each take the tie stream's next 24 - b bits r and flip when r < remainder. So a site flips
 * exactly when u < T, u being its chunk and (on a tie) its draw.
 *
 * For speed, chunks come a batch of clocks at a time (ChunkQueue), and the update loop (Sweeper.row) makes no
 * calls, reads two arrays, decides without a branch and keeps ΔE and ΔM in one packed integer; the rare ties
 * are settled apart (Sweeper.settle).
 */
export function sweep(
  lattice: IsingLattice,
  table: ArrayLike<number>,
  streams: LaneStreams,
  lanes: number,
  counts?: SweepCounts,
): void {
  const L = lattice.size;
  const half = L >> 1;
  if (half % lanes !== 0) throw new RangeError(`lanes (${lanes}) must divide L/2 (${half})`);
  if (L > 2 ** 15) throw new RangeError(`L must be at most 2^15, got ${L}`); // see flipChange
  if (!(Number.isInteger(streams.bits) && streams.bits >= 1 && streams.bits < THRESHOLD_DIGIT_BITS))
    throw new RangeError(`chunk width ${streams.bits} is not from 1 to ${THRESHOLD_DIGIT_BITS - 1}`);
  const steps = (L * L) / lanes;
  const sweeper = new Sweeper(lattice, new SweepInputs(table, streams, lanes, steps));
  for (let colour = 0; colour < 2; colour++) for (let y = 0; y < L; y++) sweeper.row(y, colour);
  lattice.bondEnergy = sweeper.energy;
  lattice.magnetization = sweeper.magnetization;
  if (counts) {
    counts.steps += steps;
    counts.tieClocks += sweeper.tieClocks;
  }
}

/**
 * A flip of spin s with neighbour sum n changes E by 2sn and M by −2s. The update loop adds both up in one
 * integer: ΔE/4 (−2 … 2) times 2^16 plus ΔM/2 (±1); a row of L/2 sites keeps |ΣΔM/2| below 2^15 (L ≤ 2^15).
 */
function flipChange(s: number, n: number): number {
  return ((s * n) / 2) * 65536 - s;
}

/** Adds a row's packed change (flipChange) to the energy and magnetization. */
function unpackChange(change: number, totals: { energy: number; magnetization: number }): void {
  const halfM = ((change + 32768) & 65535) - 32768;
  totals.magnetization += 2 * halfM;
  totals.energy += 4 * ((change - halfM) / 65536);
}

/**
 * A top digit d as the update loop compares it, an int32: d itself when it is an integer in 0 … 2^b (every
 * real table); otherwise (NaN, below 0, above 2^b) an integer with the same `c < d` for every chunk c below
 * 2^b that no chunk equals (−1 or 2^b + 1).
 */
function comparableDigit(d: number, radix: number): number {
  return Number.isNaN(d) ? -1 : Math.min(Math.max(Math.ceil(d), -1), radix + 1);
}

/** Where the update table ends and the chunks start in SweepInputs.words. */
const UPDATE_SLOTS = 38;

/** Upper bound on the chunks a sweep draws ahead: small enough to stay in the first-level cache. */
const BATCH_CHUNKS = 2048;

/**
 * Buffers every sweep reuses: allocating typed arrays costs more than a small lattice's sweep takes. (The
 * model is single-threaded; sweeps do not nest.)
 */
const scratch = {
  words: new Int32Array(UPDATE_SLOTS + BATCH_CHUNKS),
  /** Per entry: the remainder below the top digit. */
  remainders: new Float64Array(10),
  tied: new Int32Array(256),
};

/**
 * What one sweep reads besides the lattice, in as few arrays as possible (each array in the update loop
 * costs checks on every pass): the table's digits and the chunks of the clocks to come.
 *
 * words[2i] with i = 5s + n + 9, the index the update loop has at hand (2k for entry k, spins being ±1): the
 * top digit of entry (s, n) as the loop compares it (comparableDigit); words[2i + 1]: flipChange(s, n). From
 * UPDATE_SLOTS on: the chunks (ChunkQueue).
 */
class SweepInputs {
  readonly words: Int32Array;
  /** remainders[k]: entry k's threshold less its top digit's part, exactly (odd tables included). */
  readonly remainders: Float64Array;
  /** The width of the remainders: what the tie resolver draws. */
  readonly remainderBits: number;
  readonly queue: ChunkQueue;

  constructor(
    table: ArrayLike<number>,
    readonly streams: LaneStreams,
    readonly lanes: number,
    steps: number,
  ) {
    const capacity = streams.fill ? Math.max(1, Math.min(steps, Math.floor(BATCH_CHUNKS / lanes))) : 1;
    const size = UPDATE_SLOTS + capacity * lanes;
    if (scratch.words.length < size) scratch.words = new Int32Array(size);
    this.words = scratch.words;
    // Slots of lanes a stream does not fill stay 0, as in a fresh array.
    this.words.fill(0, UPDATE_SLOTS, size);
    const chunks = new Uint32Array(this.words.buffer, 4 * UPDATE_SLOTS, capacity * lanes);
    this.queue = new ChunkQueue(streams, lanes, steps, chunks, capacity);
    this.remainders = scratch.remainders;
    this.remainderBits = THRESHOLD_DIGIT_BITS - streams.bits;
    this.split(table, streams.bits);
  }

  /** The remainder below the top digit, and the top digit itself (up to 2^bits, "always"). */
  private split(table: ArrayLike<number>, bits: number): void {
    const radix = 2 ** bits;
    const below = 2 ** this.remainderBits;
    for (let k = 0; k < 10; k++) {
      const value = table[k]!;
      const top = Math.floor(value / below);
      this.remainders[k] = value - top * below;
      this.words[4 * k] = comparableDigit(top, radix);
      this.words[4 * k + 1] = flipChange(k < 5 ? -1 : 1, 2 * (k % 5) - 4);
    }
  }
}

/**
 * The chunks of the clocks to come. Streams that can fill() are drawn a batch of clocks at a time — never more
 * clocks than the sweep is sure to spend (the steps it has still to take), so between sweeps a generator is
 * exactly where the clock-by-clock order leaves it. Other streams are stepped one clock at a time, when the
 * clock comes, as before.
 */
class ChunkQueue {
  private next = 0;
  private end = 0;

  constructor(
    private readonly streams: LaneStreams,
    private readonly lanes: number,
    private stepsLeft: number,
    /** Clock c of the batch: lane ℓ's chunk at chunks[c·lanes + ℓ] (= words[UPDATE_SLOTS + …]). */
    private readonly chunks: Uint32Array,
    private readonly capacity: number,
  ) {}

  /** The clock of the next lockstep step: where its chunks start in SweepInputs.words. */
  step(): number {
    if (this.next === this.end) this.refill(this.stepsLeft);
    this.stepsLeft--;
    return UPDATE_SLOTS + this.next++ * this.lanes;
  }

  private refill(clocks: number): void {
    const n = Math.min(clocks, this.capacity);
    if (this.streams.fill) this.streams.fill(this.chunks, n, this.lanes);
    else this.streams.step(this.chunks);
    this.next = 0;
    this.end = n;
  }
}

/** One sweep's running state: the lattice, what it reads (SweepInputs) and the totals. */
class Sweeper {
  energy: number;
  magnetization: number;
  tieClocks = 0;
  /** The sites of a step whose chunk matched their top digit. */
  private readonly tied: Int32Array;

  constructor(
    private readonly lattice: IsingLattice,
    private readonly inputs: SweepInputs,
  ) {
    this.energy = lattice.bondEnergy;
    this.magnetization = lattice.magnetization;
    if (scratch.tied.length < inputs.lanes) scratch.tied = new Int32Array(inputs.lanes);
    this.tied = scratch.tied;
  }

  /**
   * The steps of one row and colour: each updates `lanes` consecutive sites of that colour, 2 apart. The lane
   * loop makes no calls and reads two arrays, which is what keeps it fast.
   */
  row(y: number, colour: number): void {
    const { lanes, queue, words } = this.inputs;
    const tied = this.tied;
    const spins = this.lattice.spins;
    const L = this.lattice.size;
    const mask = L - 1;
    const row = y * L;
    const toUp = (((y - 1) & mask) - y) * L; // from a site to the one above (periodic)
    const toDown = (((y + 1) & mask) - y) * L;
    let change = 0;
    for (let x0 = (y + colour) & 1; x0 < L; x0 += 2 * lanes) {
      const p = queue.step();
      let ties = 0;
      // Site i = row + x0 + 2·lane takes chunk j = p + lane. Two sites a pass where there are two (lanes is a
      // power of two): the checks the compiler makes on every pass are then shared.
      let i = row + x0;
      let j = p;
      let right = spins[row + ((x0 - 1) & mask)]!; // the first site's left neighbour
      for (; j + 1 < p + lanes; i += 4, j += 2) {
        const left = right;
        const middle = spins[i + 1]!;
        right = spins[row + ((i + 3) & mask)]!; // (row is a multiple of L)
        const s = spins[i]!;
        const n = left + middle + spins[i + toUp]! + spins[i + toDown]!;
        const c = words[j]!;
        const entry = 2 * (5 * s + n + 9);
        const digit = words[entry]!;
        // −1 to flip, else 0, without a branch (a coin toss the processor cannot predict; a conditional
        // expression compiles to one).
        const flip = 0 - Number(c < digit);
        spins[i] = (s ^ flip) - flip;
        change += words[entry + 1]! & flip;
        if (c === digit) tied[ties++] = i;
        const s2 = spins[i + 2]!;
        const n2 = middle + right + spins[i + 2 + toUp]! + spins[i + 2 + toDown]!;
        const c2 = words[j + 1]!;
        const entry2 = 2 * (5 * s2 + n2 + 9);
        const digit2 = words[entry2]!;
        const flip2 = 0 - Number(c2 < digit2);
        spins[i + 2] = (s2 ^ flip2) - flip2;
        change += words[entry2 + 1]! & flip2;
        if (c2 === digit2) tied[ties++] = i + 2;
      }
      if (j < p + lanes) {
        // One lane: the same for one site.
        const s = spins[i]!;
        const n = right + spins[row + ((i + 1) & mask)]! + spins[i + toUp]! + spins[i + toDown]!;
        const c = words[j]!;
        const entry = 2 * (5 * s + n + 9);
        const digit = words[entry]!;
        const flip = 0 - Number(c < digit);
        spins[i] = (s ^ flip) - flip;
        change += words[entry + 1]! & flip;
        if (c === digit) tied[ties++] = i;
      }
      if (ties > 0) this.settle(ties);
    }
    unpackChange(change, this);
  }

  /**
   * Settles a step's ties in lane order, each with the tie stream's next draw against the remainder of its
   * entry; the resolver takes one a clock, so k ties hold the lanes k − 1 clocks. Rare: about lanes/2^bits of
   * the steps have one. (A stand-in top digit, comparableDigit, never equals a chunk: every match is a tie.)
   */
  private settle(ties: number): void {
    const { streams, remainders, remainderBits } = this.inputs;
    const tied = this.tied;
    const spins = this.lattice.spins;
    const L = this.lattice.size;
    for (let i = 0; i < ties; i++) {
      const site = tied[i]!;
      const s = spins[site]!;
      const n = neighbourSum(spins, L, site);
      if (streams.ties.next(remainderBits) < remainders[(5 * s + n + 9) >> 1]!) {
        spins[site] = -s;
        this.energy += 2 * s * n;
        this.magnetization -= 2 * s;
      }
    }
    this.tieClocks += ties - 1;
  }
}

/** The sum of a site's four neighbours (periodic L×L lattice, L a power of two). */
function neighbourSum(spins: Int8Array, L: number, site: number): number {
  const mask = L - 1;
  const row = site - (site & mask);
  const x = site & mask;
  const last = L * L - 1;
  return (
    spins[row + ((x - 1) & mask)]! +
    spins[row + ((x + 1) & mask)]! +
    spins[(site - L) & last]! +
    spins[(site + L) & last]!
  );
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
