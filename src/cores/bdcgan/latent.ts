/** What a batch of images asks for: seeded latent vectors and label lists. */
import { UserError } from '../../errors.ts';
import { mulberry32 } from '../../util/random.ts';
import { quantizeLatent } from './reference.ts';

/** One image to generate: a ternary latent (−1, 0, +1) and a label. */
export interface GenerateRequest {
  z: Int8Array;
  label: number;
}

/** Seeded latent vectors: U[−1, 1] from mulberry32(seed), quantised to −1, 0, +1 (the paper's z). */
export function latentVectors(count: number, size: number, seed: number): Int8Array[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => quantizeLatent(Array.from({ length: size }, () => random() * 2 - 1)));
}

/** "0-9", "3", "1,4,7" or "0-4,9" → label list. */
export function parseLabels(text: string, labels = 10): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new UserError(`--labels '${text}': give labels like 0-9, 3 or 1,4,7`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to >= labels) throw new UserError(`--labels '${text}': labels run from 0 to ${labels - 1}`);
    for (let l = from; l <= to; l++) out.push(l);
  }
  return out;
}

/** `count` requests: seeded latents, labels repeating in the order given. */
export function imageRequests(count: number, latent: number, labels: number[], seed: number): GenerateRequest[] {
  return latentVectors(count, latent, seed).map((z, i) => ({ z, label: labels[i % labels.length]! }));
}
