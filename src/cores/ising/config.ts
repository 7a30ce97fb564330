/** Ising engine parameters and their validation (shared by the reference model, the CLI and, next, the RTL). */
import { UserError } from '../../errors.ts';
import { LANES_PER_BANK } from './rng.ts';
import type { Algorithm } from './tables.ts';

export interface IsingConfig {
  /** Lattice side (power of two); L×L sites, periodic. */
  size: number;
  /** Spin-update lanes working in lockstep (power of two, at most L/2). */
  lanes: number;
  algorithm: Algorithm;
  /** Lattices in the engine (replica exchange); each has its own flip table. */
  replicas: number;
  /** Random bits per lane per clock (rng.ts; default 12). */
  chunkBits?: number;
}

export const MIN_SIZE = 8;
export const MAX_SIZE = 1024;
/** The lane generator is bit-sliced over at most 32 banks of ten lanes. */
export const MAX_LANES = 32 * LANES_PER_BANK;

const powerOfTwo = (n: number) => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

export function validateIsingConfig(raw: {
  size?: number;
  lanes?: number;
  algorithm?: string;
  replicas?: number;
}): IsingConfig {
  const size = raw.size ?? 64;
  const lanes = raw.lanes ?? Math.min(16, size / 2);
  const algorithm = raw.algorithm ?? 'metropolis';
  const replicas = raw.replicas ?? 1;
  if (!powerOfTwo(size) || size < MIN_SIZE || size > MAX_SIZE) {
    throw new UserError(`--L must be a power of two from ${MIN_SIZE} to ${MAX_SIZE}, got ${size}`);
  }
  if (!powerOfTwo(lanes)) throw new UserError(`--lanes must be a power of two, got ${lanes}`);
  if (lanes > size / 2) {
    throw new UserError(
      `--lanes ${lanes} is more than L/2 = ${size / 2}: a row has only ${size / 2} sites of each colour`,
    );
  }
  if (lanes > MAX_LANES) throw new UserError(`--lanes ${lanes} exceeds the generator's ${MAX_LANES}`);
  if (algorithm !== 'metropolis' && algorithm !== 'heatbath') {
    throw new UserError(`--algorithm must be metropolis or heatbath, got '${algorithm}'`);
  }
  if (!(Number.isInteger(replicas) && replicas >= 1 && replicas <= 64))
    throw new UserError(`--replicas must be an integer from 1 to 64, got ${replicas}`);
  return { size, lanes, algorithm, replicas };
}

/** Temperatures from "2.0,2.3,2.5" or a range "a:b:step" (inclusive of b within rounding). All must be > 0. */
export function parseTemperatures(text: string): number[] {
  const fail = (why: string): never => {
    throw new UserError(`--T '${text}': ${why} (give a list like 1.5,2.27,3 or a range like 2.0:2.6:0.1)`);
  };
  let values: number[];
  if (text.includes(':')) {
    const parts = text.split(':').map(Number);
    if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) fail('a range needs three numbers');
    const [from, to, step] = parts as [number, number, number];
    if (!(step > 0) || to < from) fail('the range must go up with a positive step');
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > 1000) fail(`${count} temperatures is too many`);
    values = Array.from({ length: count }, (_, i) => Number((from + i * step).toPrecision(12)));
  } else {
    values = text.split(',').map((t) => Number(t.trim()));
    if (values.some((v) => !Number.isFinite(v)) || values.length === 0) fail('not a list of numbers');
  }
  const bad = values.find((v) => !(v > 0));
  if (bad !== undefined) fail(`temperatures must be > 0, got ${bad}`);
  return values;
}
