/**
 * Diversity of generated digits, which the conditional 1-NN accuracy (evaluate.ts) cannot see: a generator that
 * draws one clean digit per label scores full marks there. Three figures per label, in pixel space (pixels in
 * [0, 1]), each comparing the generated images of a label with real digits of the same label:
 *
 * - **precision** (fidelity) and **recall** (coverage) after Kynkäänniemi et al., "Improved Precision and Recall
 *   Metric for Assessing Generative Models" (NeurIPS 2019). The manifold of a set is the union of balls around
 *   its samples, each with the radius of the distance to the sample's k-th nearest neighbour in the same set.
 *   Precision is the share of generated images inside the real manifold, recall the share of real images inside
 *   the generated manifold. A collapsed generator has tiny balls, so real digits fall outside them: recall ≈ 0.
 * - **spread**: mean pairwise distance among the generated images of a label over the same for the real digits
 *   (1 = as varied as the real digits, 0 = one image repeated).
 *
 * The paper measures in a network's feature space; here it is pixel space, so the figures need no extra model
 * and compare only with each other (generators, MNIST against itself), not with published numbers.
 *
 * Distances are computed exactly on the 8-bit pixels as integer sums of squared differences (at most
 * 784 · 255² < 2^26, exact in a double), so ties and repeated images are decided exactly: a copy of an image is
 * at distance 0, and "inside a ball" (distance ≤ radius, as in the paper) does not depend on rounding.
 */
import type { MnistSet } from './mnist.ts';
import { IMAGE_PIXELS } from '../cores/bdcgan/arch.ts';

/** The k of the k-NN manifolds (the paper's recommended value). */
export const DIVERSITY_K = 3;

export interface LabelDiversity {
  label: number;
  /** Images compared: generated ones of this label, and real ones of this label. */
  generated: number;
  real: number;
  precision: number;
  recall: number;
  spread: number;
}

export interface Diversity {
  k: number;
  /** Means over the labels that were measured (each label counts once, whatever its sample counts). */
  precision: number;
  recall: number;
  spread: number;
  perLabel: LabelDiversity[];
}

function squaredDistance(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let p = 0; p < a.length; p++) {
    const d = a[p]! - b[p]!;
    sum += d * d;
  }
  return sum;
}

function checkSizes(images: Uint8Array[], size: number): void {
  for (const image of images)
    if (image.length !== size) throw new Error(`images of ${image.length} and ${size} pixels cannot be compared`);
}

/** Squared distances (byte units) between every image of `a` and every image of `b`: row-major a.length × b.length. */
export function crossDistances(a: Uint8Array[], b: Uint8Array[]): Float64Array {
  const out = new Float64Array(a.length * b.length);
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) out[i * b.length + j] = squaredDistance(a[i]!, b[j]!);
  return out;
}

/** Squared distances within one set: symmetric, so each pair is computed once. */
export function withinDistances(images: Uint8Array[]): Float64Array {
  const m = images.length;
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) out[i * m + j] = out[j * m + i] = squaredDistance(images[i]!, images[j]!);
  return out;
}

/**
 * Each sample's ball radius (squared): the distance to its k-th nearest neighbour in its own set. The sample
 * itself is excluded by index, not by distance, so its copies count as neighbours at distance 0 — a set of
 * repeated images has radius 0, as it should.
 */
export function manifoldRadii(within: Float64Array, m: number, k: number): Float64Array {
  if (m <= k) throw new Error(`a k-NN manifold with k = ${k} needs more than ${k} samples, got ${m}`);
  const radii = new Float64Array(m);
  const others = new Float64Array(m - 1);
  for (let i = 0; i < m; i++) {
    let n = 0;
    for (let j = 0; j < m; j++) if (j !== i) others[n++] = within[i * m + j]!;
    others.sort();
    radii[i] = others[k - 1]!;
  }
  return radii;
}

/** Mean Euclidean distance over all pairs of a set, in pixel units of [0, 1]. */
function meanPairwise(within: Float64Array, m: number): number {
  let sum = 0;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) sum += Math.sqrt(within[i * m + j]!);
  return sum / ((m * (m - 1)) / 2) / 255;
}

/**
 * The share of `count` samples that lie inside at least one of the `others` balls: sample a is inside ball b
 * when distance(a, b) ≤ radii[b]. Precision is the generated images' share inside the real balls, recall the
 * real digits' share inside the generated balls.
 */
function coveredShare(
  count: number,
  others: number,
  distance: (sample: number, ball: number) => number,
  radii: Float64Array,
): number {
  let covered = 0;
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < others; b++)
      if (distance(a, b) <= radii[b]!) {
        covered++;
        break;
      }
  }
  return covered / count;
}

/** Precision, recall and spread of one label's generated images against real digits of that label. */
export function labelDiversity(
  generated: Uint8Array[],
  real: Uint8Array[],
  k = DIVERSITY_K,
): Omit<LabelDiversity, 'label'> {
  const size = real[0]?.length ?? 0;
  checkSizes(generated, size);
  checkSizes(real, size);
  const g = generated.length;
  const r = real.length;
  const gg = withinDistances(generated);
  const rr = withinDistances(real);
  const gr = crossDistances(generated, real); // [generated][real]
  const generatedRadii = manifoldRadii(gg, g, k);
  const realRadii = manifoldRadii(rr, r, k);
  const inReal = coveredShare(g, r, (i, j) => gr[i * r + j]!, realRadii);
  const inGenerated = coveredShare(r, g, (j, i) => gr[i * r + j]!, generatedRadii);
  return {
    generated: g,
    real: r,
    precision: inReal,
    recall: inGenerated,
    spread: meanPairwise(gg, g) / meanPairwise(rr, r),
  };
}

/**
 * The figures for every label that has generated images, and their means. `realByLabel[d]` holds the real
 * digits of label d.
 */
export function diversityByLabel(
  images: Uint8Array[],
  labels: number[],
  realByLabel: Uint8Array[][],
  k = DIVERSITY_K,
): Diversity {
  if (images.length !== labels.length) throw new Error(`${images.length} images but ${labels.length} labels`);
  const byLabel = realByLabel.map((): Uint8Array[] => []);
  labels.forEach((label, i) => {
    if (!byLabel[label]) throw new Error(`label ${label} has no real digits to compare with`);
    byLabel[label]!.push(images[i]!);
  });
  const perLabel = byLabel.flatMap((generated, label) =>
    generated.length ? [{ label, ...labelDiversity(generated, realByLabel[label]!, k) }] : [],
  );
  const mean = (key: 'precision' | 'recall' | 'spread') =>
    perLabel.reduce((sum, entry) => sum + entry[key], 0) / perLabel.length;
  return { k, precision: mean('precision'), recall: mean('recall'), spread: mean('spread'), perLabel };
}

/**
 * The first `perLabel` digits of each label in file order (fewer when the set has fewer: MNIST's test set has
 * 892 fives), as 784-byte views into the set. File order makes the choice reproducible without a seed.
 */
export function digitsByLabel(set: MnistSet, perLabel: number, classes = 10): Uint8Array[][] {
  const out = Array.from({ length: classes }, (): Uint8Array[] => []);
  for (let i = 0; i < set.count; i++) {
    const bucket = out[set.labels[i]!];
    if (bucket && bucket.length < perLabel) bucket.push(set.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS));
  }
  return out;
}
