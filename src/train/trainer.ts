/**
 * Training loop for the conditional B-DCGAN: Adam on both networks (one discriminator step, one generator step
 * per batch), deterministic given the seed (each epoch's shuffle, z and labels come from a generator seeded by
 * seed and epoch, so a resumed run continues exactly), a checkpoint and a sample grid after every epoch, and
 * for binarized generators the exported integer model (`model.sbgan`, the hardware format).
 *
 * Output folder: checkpoint.safetensors (all variables, BN statistics and Adam moments; metadata: recipe and
 * epoch), model.sbgan, samples-epoch-NN.png, log.json (per-epoch losses, samples/s, wall time).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPreset } from '../cores/bdcgan/arch.ts';
import { writeModelFile } from '../cores/bdcgan/format.ts';
import { generate, quantizeLatent } from '../cores/bdcgan/reference.ts';
import { encodeSafetensors, parseSafetensors } from '../cores/bdcgan/safetensors.ts';
import { UserError } from '../errors.ts';
import { mulberry32 } from '../util/random.ts';
import { baseName, classLoss, Discriminator, Generator, logitLoss } from './gan.ts';
import { loadMnist, type MnistSet } from './mnist.ts';
import { initTf, tf } from './tf.ts';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../cores/bdcgan/arch.ts';

export interface Recipe {
  preset: string;
  fullPrecision: boolean;
  batch: number;
  learningRate: number;
  beta1: number;
  seed: number;
  /** Training images used (the first N of MNIST's 60 000). */
  images: number;
  /**
   * Learning-rate multiplier for the binary layers' latent weights (BinaryNet scales these up: a sign only
   * changes once its latent weight crosses zero, which at the plain rate takes hundreds of steps).
   */
  binaryLrScale: number;
  /** Weight of the auxiliary class loss in the generator's loss (absent = 1, kept out of default recipes). */
  classWeight?: number;
  /** The discriminator sees the batch's feature spread (absent = off, kept out of default recipes). */
  minibatchStd?: boolean;
  /** Weight of the mode-seeking term in the generator's loss (absent = 0, kept out of default recipes). */
  modeSeeking?: number;
}

export interface EpochLog {
  epoch: number;
  lossD: number;
  lossG: number;
  samplesPerS: number;
  seconds: number;
}

export interface StepProgress {
  epoch: number;
  step: number;
  steps: number;
  lossD: number;
  lossG: number;
  samplesPerS: number;
}

export class Trainer {
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  private readonly optG: tf.AdamOptimizer;
  private readonly optBinary: tf.AdamOptimizer;
  private readonly optD: tf.AdamOptimizer;
  epoch = 0;
  log: EpochLog[] = [];

  private constructor(
    readonly recipe: Recipe,
    readonly data: MnistSet,
  ) {
    const arch = getPreset(recipe.preset);
    this.generator = new Generator(arch, { fullPrecision: recipe.fullPrecision }, recipe.seed);
    this.discriminator = new Discriminator(arch.labels, recipe.seed, { minibatchStd: recipe.minibatchStd ?? false });
    this.optG = tf.train.adam(recipe.learningRate, recipe.beta1, 0.999);
    this.optBinary = tf.train.adam(recipe.learningRate * recipe.binaryLrScale, recipe.beta1, 0.999);
    this.optD = tf.train.adam(recipe.learningRate, recipe.beta1, 0.999);
  }

  static async create(recipe: Recipe, data?: MnistSet): Promise<Trainer> {
    await initTf();
    const all = data ?? loadMnist('train');
    if (!(recipe.images >= recipe.batch && recipe.images <= all.count))
      throw new UserError(`--images must be from the batch size ${recipe.batch} to ${all.count}, got ${recipe.images}`);
    if (!(recipe.batch >= 2 && recipe.batch <= 1024))
      throw new UserError(`--batch must be from 2 to 1024, got ${recipe.batch}`);
    const subset = {
      images: all.images.subarray(0, recipe.images * IMAGE_PIXELS),
      labels: all.labels.subarray(0, recipe.images),
      count: recipe.images,
    };
    return new Trainer(recipe, subset);
  }

  get stepsPerEpoch(): number {
    return Math.floor(this.data.count / this.recipe.batch);
  }

  private latent(random: () => number, batch: number): { z: tf.Tensor2D; labels: Int32Array } {
    const { latent, labels } = this.generator.arch;
    const z = quantizeLatent(Array.from({ length: batch * latent }, () => random() * 2 - 1));
    return {
      z: tf.tensor2d(Float32Array.from(z), [batch, latent]),
      labels: Int32Array.from({ length: batch }, () => Math.floor(random() * labels)),
    };
  }

  /** One discriminator and one generator step on a batch of real images; returns the losses. */
  step(indices: ArrayLike<number>, random: () => number): { lossD: number; lossG: number } {
    const batch = indices.length;
    const { labels: classes } = this.generator.arch;
    const pixels = new Float32Array(batch * IMAGE_PIXELS);
    const realLabels = new Int32Array(batch);
    for (let i = 0; i < batch; i++) {
      const n = indices[i]!;
      for (let p = 0; p < IMAGE_PIXELS; p++)
        pixels[i * IMAGE_PIXELS + p] = this.data.images[n * IMAGE_PIXELS + p]! / 255;
      realLabels[i] = this.data.labels[n]!;
    }
    const fakeD = this.latent(random, batch);
    const fakeG = this.latent(random, batch);
    const modeSeeking = this.recipe.modeSeeking ?? 0;
    const half = Math.floor(batch / 2);
    // Mode seeking pairs image i with image i + half: same label, another z.
    if (modeSeeking > 0) fakeG.labels.copyWithin(half, 0, half);
    const real = tf.tensor3d(pixels, [batch, IMAGE_SIDE, IMAGE_SIDE]);
    const oneHot = (labels: Int32Array) => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D;
    const lossD = this.optD.minimize(
      () => {
        const fake = this.generator.forward(fakeD.z, fakeD.labels, true);
        const realHot = oneHot(realLabels);
        const onReal = this.discriminator.forward(real, realHot);
        const onFake = this.discriminator.forward(fake, oneHot(fakeD.labels));
        return tf.addN([
          logitLoss(onReal.logits, 1),
          logitLoss(onFake.logits, 0),
          classLoss(onReal.classes, realHot),
        ]) as tf.Scalar;
      },
      true,
      this.discriminator.variables,
    )!;
    // one gradient computation; the binary latent weights step with their own (scaled) Adam
    const binary = new Set(this.generator.binaryWeights);
    const { value: lossG, grads } = tf.variableGrads(() => {
      const hot = oneHot(fakeG.labels);
      const images = this.generator.forward(fakeG.z, fakeG.labels, true, true);
      const judged = this.discriminator.forward(images, hot);
      const loss = tf.add(
        logitLoss(judged.logits, 1),
        tf.mul(classLoss(judged.classes, hot), this.recipe.classWeight ?? 1),
      ) as tf.Scalar;
      return modeSeeking > 0
        ? (tf.add(loss, tf.mul(modeSeekingLoss(images, fakeG.z, half), modeSeeking)) as tf.Scalar)
        : loss;
    }, this.generator.variables);
    const byName = (pick: (v: tf.Variable) => boolean) =>
      this.generator.variables.filter(pick).map((v) => ({ name: v.name, tensor: grads[v.name]! }));
    this.optG.applyGradients(byName((v) => !binary.has(v)));
    if (binary.size > 0) this.optBinary.applyGradients(byName((v) => binary.has(v)));
    tf.dispose(Object.values(grads));
    this.generator.commitStats();
    this.generator.clip();
    const result = { lossD: lossD.dataSync()[0]!, lossG: lossG.dataSync()[0]! };
    tf.dispose([lossD, lossG, real, fakeD.z, fakeG.z]);
    return result;
  }

  /**
   * Runs one epoch (the next one); reports after every step, yielding to the event loop so progress output can
   * draw.
   */
  async runEpoch(onStep?: (progress: StepProgress) => void): Promise<EpochLog> {
    const epoch = this.epoch;
    const random = mulberry32(this.recipe.seed * 7919 + epoch * 104729 + 1);
    const order = Uint32Array.from({ length: this.data.count }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const steps = this.stepsPerEpoch;
    const started = performance.now();
    let sumD = 0;
    let sumG = 0;
    for (let s = 0; s < steps; s++) {
      const { lossD, lossG } = this.step(order.subarray(s * this.recipe.batch, (s + 1) * this.recipe.batch), random);
      sumD += lossD;
      sumG += lossG;
      const seconds = (performance.now() - started) / 1000;
      onStep?.({ epoch, step: s + 1, steps, lossD, lossG, samplesPerS: ((s + 1) * this.recipe.batch) / seconds });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const seconds = (performance.now() - started) / 1000;
    const entry = {
      epoch,
      lossD: sumD / steps,
      lossG: sumG / steps,
      samplesPerS: (steps * this.recipe.batch) / seconds,
      seconds,
    };
    this.log.push(entry);
    this.epoch++;
    return entry;
  }

  /** Sample images for a grid: `perLabel` per label, label-major, from a fixed latent (same every epoch). */
  samples(perLabel: number): { images: Uint8Array[]; labels: number[] } {
    const { arch } = this.generator;
    const random = mulberry32(this.recipe.seed + 99991);
    const labels = Array.from({ length: arch.labels * perLabel }, (_, i) => Math.floor(i / perLabel));
    const zs = labels.map(() => quantizeLatent(Array.from({ length: arch.latent }, () => random() * 2 - 1)));
    if (!this.recipe.fullPrecision) {
      const model = this.generator.exportModel();
      return { images: zs.map((z, i) => generate(model, z, labels[i]!)), labels };
    }
    return { images: floatImages(this.generator, zs, labels), labels };
  }

  async saveCheckpoint(file: string): Promise<void> {
    const tensors: Record<string, { shape: number[]; data: ArrayLike<number> }> = {};
    for (const v of [...this.generator.state, ...this.discriminator.variables])
      tensors[baseName(v.name)] = { shape: v.shape, data: v.dataSync() };
    const metadata: Record<string, string> = {
      format: 'spinbit.bdcgan.checkpoint/1',
      recipe: JSON.stringify(this.recipe),
      epoch: String(this.epoch),
      log: JSON.stringify(this.log),
    };
    for (const [prefix, opt] of [
      ['optG', this.optG],
      ['optBinary', this.optBinary],
      ['optD', this.optD],
    ] as const) {
      // Adam restores its moments by position: keep the order
      const weights = await opt.getWeights();
      metadata[`${prefix}.order`] = JSON.stringify(weights.map((w, i) => `${prefix}/${i}/${baseName(w.name)}`));
      for (const [i, w] of weights.entries()) {
        tensors[`${prefix}/${i}/${baseName(w.name)}`] = { shape: w.tensor.shape, data: w.tensor.dataSync() };
      }
    }
    const temporary = `${file}.partial`;
    writeFileSync(temporary, encodeSafetensors(tensors, metadata));
    renameSync(temporary, file);
  }

  /** Loads a checkpoint made with the same recipe. */
  async loadCheckpoint(file: string): Promise<void> {
    const { tensors, metadata } = readCheckpoint(file);
    const recipe = JSON.parse(metadata.recipe ?? '{}') as Recipe;
    if (JSON.stringify(recipe) !== JSON.stringify(this.recipe))
      throw new UserError(
        `${file} was trained with a different recipe (${metadata.recipe}); ` +
          'resume with the same options or start a new --out folder',
      );
    const get = (name: string) => {
      const t = tensors.get(name);
      if (!t) throw new UserError(`${file}: tensor ${name} is missing`);
      return t;
    };
    for (const v of [...this.generator.state, ...this.discriminator.variables])
      v.assign(tf.tensor(Float32Array.from(get(baseName(v.name)).data), v.shape));
    for (const [prefix, opt] of [
      ['optG', this.optG],
      ['optBinary', this.optBinary],
      ['optD', this.optD],
    ] as const) {
      const order = JSON.parse(metadata[`${prefix}.order`] ?? '[]') as string[];
      await opt.setWeights(
        order.map((name) => ({
          name: name.split('/').slice(2).join('/'),
          tensor: tf.tensor(Float32Array.from(get(name).data), get(name).shape),
        })),
      );
    }
    this.epoch = Number(metadata.epoch);
    this.log = JSON.parse(metadata.log ?? '[]') as EpochLog[];
  }
}

/**
 * Mode seeking (Mao et al., CVPR 2019, MSGAN): two images of one label from different z should differ in
 * proportion to their z. Returns 1 / (mean |x_a − x_b| / mean |z_a − z_b| + ε) over the pairs (i, i + half),
 * which the generator minimises: a generator that maps every z of a label to one digit pays for it directly.
 */
export function modeSeekingLoss(images: tf.Tensor3D, z: tf.Tensor2D, half: number): tf.Scalar {
  const [a, b] = [
    tf.slice(images, [0, 0, 0], [half, IMAGE_SIDE, IMAGE_SIDE]),
    tf.slice(images, [half, 0, 0], [half, IMAGE_SIDE, IMAGE_SIDE]),
  ];
  const [za, zb] = [tf.slice(z, [0, 0], [half, -1]), tf.slice(z, [half, 0], [half, -1])];
  const ratio = tf.div(tf.mean(tf.abs(tf.sub(a, b))), tf.add(tf.mean(tf.abs(tf.sub(za, zb))), 1e-5));
  return tf.div(1, tf.add(ratio, 1e-5)) as tf.Scalar;
}

export function readCheckpoint(file: string) {
  if (!existsSync(file)) throw new UserError(`no checkpoint at ${file}`);
  const parsed = parseSafetensors(readFileSync(file), file);
  if (parsed.metadata.format !== 'spinbit.bdcgan.checkpoint/1')
    throw new UserError(`${file} is not a spinbit B-DCGAN checkpoint`);
  return parsed;
}

/** A generator rebuilt from a checkpoint (for evaluating a full-precision twin). */
export async function generatorFromCheckpoint(file: string): Promise<{ generator: Generator; recipe: Recipe }> {
  await initTf();
  const { tensors, metadata } = readCheckpoint(file);
  const recipe = JSON.parse(metadata.recipe!) as Recipe;
  const generator = new Generator(getPreset(recipe.preset), { fullPrecision: recipe.fullPrecision }, recipe.seed);
  for (const v of generator.state) v.assign(tf.tensor(Float32Array.from(tensors.get(baseName(v.name))!.data), v.shape));
  return { generator, recipe };
}

/** 8-bit images from a generator in inference mode (running statistics). */
export function floatImages(generator: Generator, zs: Int8Array[], labels: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  const { latent } = generator.arch;
  for (let first = 0; first < zs.length; first += 256) {
    const part = zs.slice(first, first + 256);
    const z = tf.tensor2d(Float32Array.from(part.flatMap((v) => Array.from(v))), [part.length, latent]);
    const images = tf.tidy(() => generator.forward(z, Int32Array.from(labels.slice(first, first + 256)), false));
    const data = images.dataSync();
    for (let i = 0; i < part.length; i++)
      out.push(Uint8Array.from(data.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), (v) => Math.round(v * 255)));
    tf.dispose([z, images]);
  }
  return out;
}

/** Writes the trainer's outputs for the epoch just finished. */
export async function saveEpoch(trainer: Trainer, dir: string): Promise<{ grid: string; model?: string }> {
  mkdirSync(dir, { recursive: true });
  await trainer.saveCheckpoint(join(dir, 'checkpoint.safetensors'));
  const { writeImageGridPng } = await import('../plot/png.ts');
  const { images, labels } = trainer.samples(8);
  const grid = join(dir, `samples-epoch-${String(trainer.epoch).padStart(2, '0')}.png`);
  await writeImageGridPng(grid, images, IMAGE_SIDE, labels.map(String), 8);
  writeFileSync(join(dir, 'log.json'), `${JSON.stringify({ recipe: trainer.recipe, epochs: trainer.log }, null, 2)}\n`);
  if (trainer.recipe.fullPrecision) return { grid };
  const model = join(dir, 'model.sbgan');
  writeModelFile(model, trainer.generator.exportModel(), { trained: { ...trainer.recipe, epochs: trainer.epoch } });
  return { grid, model };
}
