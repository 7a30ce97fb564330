/** The B-DCGAN integer reference: hand-computed small layers, gamma < 0 thresholds, border taps of k4 and k5. */
import { describe, expect, it } from 'vitest';
import { layerInputs, PRESETS, weightBits, type LayerSpec } from '../src/cores/bdcgan/arch.ts';
import {
  deconvSums,
  denseForward,
  foldBatchNorm,
  generate,
  quantizeLatent,
  sigmoidTable,
  type BinaryLayer,
  type LastLayer,
  type Model,
} from '../src/cores/bdcgan/reference.ts';
import { seededRandom } from './helpers.ts';

describe('B-DCGAN integer reference', () => {
  it('a small conditioned dense layer, by hand', () => {
    // inputs x = [+1, 0, −1], label 1 of 2 → extended inputs [+1, 0, −1, 0, 1]
    const layer = { kind: 'dense', inputs: 3, outputs: 2, label: true } as const;
    // out 0 weights [+1, +1, +1, −1, −1]: acc = (+1)(+1) + 0 + (−1)(+1) + 0 + (1)(−1) = −1
    // out 1 weights [−1, −1, −1, +1, +1]: acc = −1 + 0 + 1 + 0 + 1 = +1
    const params: BinaryLayer = {
      weights: Uint8Array.from([1, 1, 1, 0, 0, 0, 0, 0, 1, 1]),
      thresholds: Int32Array.from([-1, 2]),
      signs: Int8Array.from([1, -1]),
    };
    const { acc, out } = denseForward(layer, params, Int8Array.from([1, 0, -1]), 1, 2);
    expect(Array.from(acc)).toEqual([-1, 1]);
    // out 0: −1 ≥ −1 → +1; out 1 (sign −1): 1 ≤ 2 → +1
    expect(Array.from(out)).toEqual([1, 1]);
    const other = denseForward(
      layer,
      { ...params, thresholds: Int32Array.from([0, 0]) },
      Int8Array.from([1, 0, -1]),
      1,
      2,
    );
    expect(Array.from(other.out)).toEqual([-1, -1]);
  });

  it('batch-norm folding matches the float batch-norm sign for gamma > 0, gamma < 0 and gamma = 0', () => {
    const random = seededRandom(21);
    for (let trial = 0; trial < 300; trial++) {
      const gamma = trial % 10 === 0 ? 0 : (random() - 0.5) * 4;
      const beta = (random() - 0.5) * 6;
      const mean = (random() - 0.5) * 40;
      const variance = random() * 30 + 0.1;
      const { threshold, sign } = foldBatchNorm(gamma, beta, mean, variance);
      for (let acc = -60; acc <= 60; acc++) {
        const bn = (gamma * (acc - mean)) / Math.sqrt(variance + 1e-5) + beta;
        const expected = bn >= 0 ? 1 : -1;
        const got = (sign > 0 ? acc >= threshold : acc <= threshold) ? 1 : -1;
        if (got !== expected)
          throw new Error(
            `gamma ${gamma} beta ${beta} mean ${mean} var ${variance}: acc ${acc} gives ${got}, BN sign ${expected}`,
          );
      }
    }
    expect(foldBatchNorm(-2, 1, 10, 4).sign).toBe(-1);
  });

  const tapCounts = (kernel: 4 | 5, size: number) => {
    const layer: Extract<LayerSpec, { kind: 'deconv' }> = {
      kind: 'deconv',
      inChannels: 1,
      outChannels: 1,
      size,
      kernel,
      label: false,
      last: false,
    };
    // all inputs −1, all weights +1: each present tap adds −1, an absent tap nothing
    const acc = deconvSums(layer, new Int8Array(size * size).fill(-1), 1, () => 1);
    return Array.from(acc, (a) => -a);
  };

  it('kernel 4, stride 2: 2×2 taps inside, fewer on the border, absent taps not counted', () => {
    const perAxis = [1, ...new Array(12).fill(2), 1];
    const counts = tapCounts(4, 7);
    for (let Y = 0; Y < 14; Y++)
      for (let X = 0; X < 14; X++) expect(counts[Y * 14 + X], `(${X}, ${Y})`).toBe(perAxis[Y]! * perAxis[X]!);
  });

  it('kernel 5, stride 2: 9 / 6 / 4 taps inside, fewer on the border', () => {
    // per axis, by hand: even outputs take kernel rows 0, 2, 4; odd ones 1, 3; the edges lose what falls outside
    const perAxis = [2, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 2, 1];
    const counts = tapCounts(5, 7);
    for (let Y = 0; Y < 14; Y++)
      for (let X = 0; X < 14; X++) expect(counts[Y * 14 + X], `(${X}, ${Y})`).toBe(perAxis[Y]! * perAxis[X]!);
    expect(new Set(counts.filter((_, i) => i % 14 > 1 && i % 14 < 12 && i / 14 > 2 && i / 14 < 11))).toEqual(
      new Set([9, 6, 4]),
    );
  });

  it('label copies: the R adjacent inputs of the requested label are all +1, the other labels absent', () => {
    // inputs x = [+1, −1], 3 labels × 2 copies, label 2 → extended [+1, −1, 0, 0, 0, 0, 1, 1]
    const layer = { kind: 'dense', inputs: 2, outputs: 2, label: true, labelCopies: 2 } as const;
    expect(layerInputs(layer, 3)).toBe(8);
    // out 0 weights all +1: acc = 1 − 1 + 1 + 1 = 2; out 1 weights +1 except the copies of label 2 (−1):
    // 1 − 1 − 1 − 1 = −2
    const params: BinaryLayer = {
      weights: Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]),
      thresholds: Int32Array.from([0, 0]),
      signs: Int8Array.from([1, 1]),
    };
    expect(Array.from(denseForward(layer, params, Int8Array.from([1, -1]), 2, 3).acc)).toEqual([2, -2]);
    // label 0: its copies are inputs 2 and 3 (+1 weights in both outputs) → 0 + 2 = 2 for both
    expect(Array.from(denseForward(layer, params, Int8Array.from([1, -1]), 0, 3).acc)).toEqual([2, 2]);
  });

  it('label planes: only the requested label contributes', () => {
    const layer: Extract<LayerSpec, { kind: 'deconv' }> = {
      kind: 'deconv',
      inChannels: 1,
      outChannels: 1,
      size: 2,
      kernel: 4,
      label: true,
      last: false,
    };
    const planes = layerInputs(layer, 10);
    // previous plane all 0 (absent); label 3 plane 1; weights +1 only on label plane 3
    const x = new Int8Array(planes * 4);
    x.fill(1, 4 * 4, 5 * 4); // plane 1 + 3 = 4 is label 3
    const acc = deconvSums(layer, x, planes, (i) => (Math.floor(i / 16) === 4 ? 1 : -1));
    expect(Array.from(acc)).toEqual(tapCountsFor2());
  });

  it('generates 28×28 8-bit images for both presets, deterministically', () => {
    for (const arch of Object.values(PRESETS)) {
      const random = seededRandom(5);
      const layers = arch.layers.map((layer): BinaryLayer | LastLayer => {
        const n =
          layer.kind === 'dense'
            ? layerInputs(layer, 10) * layer.outputs
            : layerInputs(layer, 10) * layer.outChannels * layer.kernel * layer.kernel;
        const outputs = layer.kind === 'dense' ? layer.outputs : layer.outChannels;
        if (layer.kind === 'deconv' && layer.last)
          return {
            weights: Int8Array.from({ length: n }, () => Math.floor(random() * 31) - 15),
            bias: 3,
            sigmoid: sigmoidTable(0.02),
          };
        return {
          weights: Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)),
          thresholds: new Int32Array(outputs),
          signs: new Int8Array(outputs).fill(1),
        };
      });
      const model: Model = { arch, layers };
      const z = quantizeLatent(Array.from({ length: arch.latent }, () => random() * 2 - 1));
      const a = generate(model, z, 7);
      expect(a.length).toBe(784);
      expect(Array.from(generate(model, z, 7))).toEqual(Array.from(a));
      expect(Array.from(generate(model, z, 2))).not.toEqual(Array.from(a));
    }
    expect(weightBits(PRESETS['mnist-up5k']!).total).toBeLessThan(1_048_576);
    expect(weightBits(PRESETS.paper!).binary).toBeGreaterThan(2_800_000);
  });
});

/** k4 p1 on a 2×2 input → 4×4 output: taps per axis [1, 2, 2, 1]; label plane 1, weight +1 → acc = taps. */
function tapCountsFor2(): number[] {
  const axis = [1, 2, 2, 1];
  return Array.from({ length: 16 }, (_, i) => axis[Math.floor(i / 4)]! * axis[i % 4]!);
}
