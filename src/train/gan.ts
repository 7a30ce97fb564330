/**
 * The conditional B-DCGAN in TensorFlow.js: a generator with the hardware's architecture and arithmetic, a
 * full-precision conditional discriminator, and the export to the integer model the accelerator runs.
 *
 * Generator (binarized, the BinaryNet way): latent float weights clipped to [−1, 1]; the forward pass uses
 * sign(w) and sign(BN(acc)) (sign(0) = +1, as the hardware); gradients pass straight through both signs where
 * |x| ≤ 1. Inputs are ternary z and one-hot labels (0 = absent, as in hardware). Transposed convolutions (kernel
 * 4 or 5, stride 2) are four sub-pixel products: output parity (ry, rx) sees 2 × 2 taps (kernel 4) or 9/6/6/4
 * taps (kernel 5) of the zero-padded input, so border taps are absent, as in hardware. The last layer is trained with its weights and
 * bias fake-quantised to multiples of LAST_SCALE (int8) and its sum clamped to the sigmoid table's range, so the
 * exported integer model computes what was trained. `fullPrecision` trains the same architecture with float
 * weights and BN + ReLU activations (the comparison twin; it has no integer export).
 */
import {
  deconvPadding,
  IMAGE_PIXELS,
  labelCopies,
  layerInputs,
  type Architecture,
  type LayerSpec,
} from '../cores/bdcgan/arch.ts';
import {
  foldBatchNorm,
  sigmoidTable,
  type BinaryLayer,
  type LastLayer,
  type Model,
} from '../cores/bdcgan/reference.ts';
import { mulberry32 } from '../util/random.ts';
import { UserError } from '../errors.ts';
import { tf } from './tf.ts';

/** Last-layer weight unit: int8 weights span ±1.98, the sigmoid table spans acc·s ∈ [−8, 8). */
export const LAST_SCALE = 1 / 64;
export const BN_EPSILON = 1e-5;
const BN_MOMENTUM = 0.9;
const TABLE_HALF = 512;

type Rank2 = tf.Tensor2D;

export interface GeneratorOptions {
  fullPrecision: boolean;
}

/** Standard normal from a seeded uniform generator (Box–Muller). */
function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function initTensor(shape: number[], scale: number, random: () => number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => normal(random) * scale),
    shape,
  );
}

/** sign with sign(0) = +1, gradient passed straight through where |x| ≤ 1 (BinaryNet). */
const signSte = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.sub(tf.mul(tf.cast(tf.greaterEqual(x, 0), 'float32'), 2), 1),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]!), 1), 'float32')),
  };
}) as never) as (x: tf.Tensor) => tf.Tensor;

/**
 * Matrix product whose gradients use explicit transposes: the wasm backend's matMul with transposeA/B set (what
 * the built-in gradient uses) runs ≈ 10× slower than a transpose followed by a plain product (measured).
 */
export const mm = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [
      tf.matMul(dy, tf.transpose(saved[1]! as tf.Tensor2D)),
      tf.matMul(tf.transpose(saved[0]! as tf.Tensor2D), dy),
    ],
  };
}) as never) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** round with a straight-through gradient (fake quantisation). */
const roundSte = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.round(x),
  gradFunc: (dy: tf.Tensor) => dy,
})) as never) as (x: tf.Tensor) => tf.Tensor;

interface BatchNorm {
  gamma: tf.Variable;
  beta: tf.Variable;
  mean: tf.Variable;
  variance: tf.Variable;
}

interface GenLayer {
  weight: tf.Variable;
  bn?: BatchNorm;
  bias?: tf.Variable;
}

/** The generator's variables and forward pass (kernel-4 and kernel-5 architectures). */
export class Generator {
  readonly layers: GenLayer[];

  constructor(
    readonly arch: Architecture,
    readonly options: GeneratorOptions,
    seed: number,
  ) {
    const random = mulberry32(seed);
    const tag = `#${++networks}`;
    this.layers = arch.layers.map((layer, i) => {
      const inputs = layerInputs(layer, arch.labels);
      const name = `g${i}`;
      if (layer.kind === 'dense') {
        return {
          weight: tf.variable(
            initTensor([inputs, layer.outputs], 1 / Math.sqrt(inputs), random),
            true,
            `${name}.weight${tag}`,
          ),
          bn: batchNorm(name, layer.outputs, tag),
        };
      }
      // an output sees k²/4 taps on average (4 for kernel 4, 6.25 for kernel 5)
      const taps = layer.kernel * layer.kernel;
      const weight = tf.variable(
        initTensor([taps, inputs, layer.outChannels], 1 / Math.sqrt((taps / 4) * inputs), random),
        true,
        `${name}.weight${tag}`,
      );
      if (layer.last) return { weight, bias: tf.variable(tf.zeros([1]), true, `${name}.bias${tag}`) };
      return { weight, bn: batchNorm(name, layer.outChannels, tag) };
    });
  }

  /** Latent weights of the binary layers (their signs are the hardware's weights). */
  get binaryWeights(): tf.Variable[] {
    if (this.options.fullPrecision) return [];
    return this.layers
      .filter((_, i) => !(this.arch.layers[i]!.kind === 'deconv' && (this.arch.layers[i] as { last: boolean }).last))
      .map((l) => l.weight);
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [
      l.weight,
      ...(l.bn ? [l.bn.gamma, l.bn.beta] : []),
      ...(l.bias ? [l.bias] : []),
    ]);
  }

  /** All state, for checkpoints: trainable variables and the BN running statistics. */
  get state(): tf.Variable[] {
    return this.layers.flatMap((l) => [
      l.weight,
      ...(l.bn ? [l.bn.gamma, l.bn.beta, l.bn.mean, l.bn.variance] : []),
      ...(l.bias ? [l.bias] : []),
    ]);
  }

  /** Keeps the latent binary weights in [−1, 1] (BinaryNet) and the last layer inside int8. */
  clip(): void {
    if (this.options.fullPrecision) return;
    tf.tidy(() => {
      this.layers.forEach((l, i) => {
        const layer = this.arch.layers[i]!;
        const limit = layer.kind === 'deconv' && layer.last ? 127 * LAST_SCALE : 1;
        l.weight.assign(tf.clipByValue(l.weight, -limit, limit));
      });
    });
  }

  /**
   * Images [B, 28, 28] in [0, 1] for ternary z [B, latent] and labels. `training`: batch statistics (and the
   * running statistics are updated when `updateStats`); otherwise the running statistics, as exported.
   */
  forward(z: tf.Tensor2D, labels: Int32Array, training: boolean, updateStats = false): tf.Tensor3D {
    const { arch } = this;
    const batch = labels.length;
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), arch.labels).toFloat() as Rank2;
    // label inputs with R copies each: copies of label y are adjacent (index y·R + c), as in hardware
    const labelInputs = (layer: LayerSpec): Rank2 => {
      const copies = labelCopies(layer);
      return copies === 1
        ? oneHot
        : (tf.reshape(tf.tile(tf.reshape(oneHot, [batch, arch.labels, 1]), [1, 1, copies]), [
            batch,
            arch.labels * copies,
          ]) as Rank2);
    };
    let x: tf.Tensor = z;
    let side = 0;
    for (const [i, layer] of arch.layers.entries()) {
      const params = this.layers[i]!;
      if (layer.kind === 'dense') {
        const input = layer.label ? tf.concat([x as Rank2, labelInputs(layer)], 1) : (x as Rank2);
        const acc = mm(input, this.weightOf(i));
        x = this.activate(this.normalise(acc, params.bn!, [0], training, updateStats));
        const next = arch.layers[i + 1];
        if (next?.kind === 'deconv') {
          // channel-major (c·side² + p) to [H, W, B, C]
          side = arch.reshape.side;
          x = tf.transpose(tf.reshape(x, [batch, arch.reshape.channels, side, side]), [2, 3, 0, 1]);
        }
        continue;
      }
      const weight = layer.last ? this.quantisedLast(i) : this.weightOf(i);
      let acc: tf.Tensor = deconv(
        x as tf.Tensor4D,
        weight as tf.Tensor3D,
        layer.kernel,
        layer.label ? labelInputs(layer) : undefined,
      );
      side *= 2;
      if (layer.last) {
        const bias = tf.mul(roundSte(tf.div(params.bias!, LAST_SCALE)), LAST_SCALE);
        acc = tf.clipByValue(tf.add(acc, bias), -TABLE_HALF * LAST_SCALE, (TABLE_HALF - 1) * LAST_SCALE);
        return tf.transpose(tf.reshape(tf.sigmoid(acc), [side, side, batch]), [2, 0, 1]) as tf.Tensor3D;
      }
      x = this.activate(this.normalise(acc, params.bn!, [0, 1, 2], training, updateStats));
    }
    throw new Error(`architecture ${arch.name} has no last layer`);
  }

  private weightOf(i: number): tf.Tensor {
    const w = this.layers[i]!.weight;
    return this.options.fullPrecision ? w : signSte(w);
  }

  private quantisedLast(i: number): tf.Tensor {
    const w = this.layers[i]!.weight;
    if (this.options.fullPrecision) return w;
    return tf.mul(tf.clipByValue(roundSte(tf.div(w, LAST_SCALE)), -127, 127), LAST_SCALE);
  }

  private activate(x: tf.Tensor): tf.Tensor {
    return this.options.fullPrecision ? tf.relu(x) : signSte(x);
  }

  private normalise(x: tf.Tensor, bn: BatchNorm, axes: number[], training: boolean, updateStats: boolean): tf.Tensor {
    let mean: tf.Tensor = bn.mean;
    let variance: tf.Tensor = bn.variance;
    if (training) {
      const moments = tf.moments(x, axes);
      mean = moments.mean;
      variance = moments.variance;
      if (updateStats) {
        const m = tf.keep(mean.clone());
        const v = tf.keep(variance.clone());
        pendingStats.push(() => {
          bn.mean.assign(tf.add(tf.mul(bn.mean, BN_MOMENTUM), tf.mul(m, 1 - BN_MOMENTUM)));
          bn.variance.assign(tf.add(tf.mul(bn.variance, BN_MOMENTUM), tf.mul(v, 1 - BN_MOMENTUM)));
          m.dispose();
          v.dispose();
        });
      }
    }
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPSILON))), bn.gamma), bn.beta);
  }

  /** Applies the running-statistics updates recorded by the last `forward(…, true, true)`. */
  commitStats(): void {
    tf.tidy(() => {
      for (const update of pendingStats.splice(0)) update();
    });
  }

  /** The integer model the accelerator runs (binarized generators only). */
  exportModel(): Model {
    if (this.options.fullPrecision)
      throw new UserError('a full-precision generator has no integer model: train without --full-precision');
    const { arch } = this;
    const layers = arch.layers.map((layer, i): BinaryLayer | LastLayer => {
      const inputs = layerInputs(layer, arch.labels);
      const w = this.layers[i]!.weight.dataSync();
      if (layer.kind === 'deconv' && layer.last) {
        const k = layer.kernel;
        const weights = new Int8Array(inputs * k * k);
        for (let t = 0; t < k * k; t++)
          for (let c = 0; c < inputs; c++)
            weights[c * k * k + t] = Math.max(-127, Math.min(127, Math.round(w[t * inputs + c]! / LAST_SCALE)));
        const bias = Math.round(this.layers[i]!.bias!.dataSync()[0]! / LAST_SCALE);
        return { weights, bias, sigmoid: sigmoidTable(LAST_SCALE, TABLE_HALF) };
      }
      const outputs = layer.kind === 'dense' ? layer.outputs : layer.outChannels;
      const taps = layer.kind === 'dense' ? 1 : layer.kernel * layer.kernel;
      const weights = new Uint8Array(outputs * inputs * taps);
      for (let o = 0; o < outputs; o++) {
        for (let c = 0; c < inputs; c++) {
          for (let t = 0; t < taps; t++) {
            const latent = layer.kind === 'dense' ? w[c * outputs + o]! : w[(t * inputs + c) * outputs + o]!;
            weights[(o * inputs + c) * taps + t] = latent >= 0 ? 1 : 0;
          }
        }
      }
      const bn = this.layers[i]!.bn!;
      const [gamma, beta, mean, variance] = [bn.gamma, bn.beta, bn.mean, bn.variance].map((v) => v.dataSync());
      const thresholds = new Int32Array(outputs);
      const signs = new Int8Array(outputs);
      for (let o = 0; o < outputs; o++) {
        const folded = foldBatchNorm(gamma![o]!, beta![o]!, mean![o]!, variance![o]!, BN_EPSILON);
        thresholds[o] = folded.threshold;
        signs[o] = folded.sign;
      }
      return { weights, thresholds, signs };
    });
    return { arch, layers };
  }
}

const pendingStats: (() => void)[] = [];

/** tfjs wants process-unique variable names: each network tags its own; checkpoints store the base names. */
let networks = 0;
export const baseName = (name: string) => name.split('#')[0]!;

function batchNorm(name: string, n: number, tag: string): BatchNorm {
  return {
    gamma: tf.variable(tf.ones([n]), true, `${name}.bn.weight${tag}`),
    beta: tf.variable(tf.zeros([n]), true, `${name}.bn.bias${tag}`),
    mean: tf.variable(tf.zeros([n]), false, `${name}.bn.running_mean${tag}`),
    variance: tf.variable(tf.ones([n]), false, `${name}.bn.running_var${tag}`),
  };
}

/**
 * The hardware's transposed convolution (stride 2, PyTorch semantics: input (iy, ix) with tap (ky, kx) reaches
 * output (2·iy − p + ky, 2·ix − p + kx); kernel 4 with p = 1, kernel 5 with p = 2 and output padding 1) as
 * sub-pixel products: output parity (ry, rx) sees the taps with ky ≡ ry + p (mod 2), each reading the input
 * shifted by dy = (ry + p − ky) / 2 — kernel 4: 2 × 2 taps for every parity; kernel 5: 3 or 2 per axis (9, 6,
 * 6 or 4 taps). Inputs beyond the border read the zero padding, so absent taps add nothing, as in hardware.
 * x [H, W, B, C] (ternary), w [k·k, C + L, O] (tap = ky·k + kx; rows C … C + L − 1 weigh the label planes),
 * labels (one-hot [B, L], or L copies) → [2H, 2W, B, O]. Written for the wasm backend, whose slow paths cost
 * 10–100× (measured): slices only on outer axes, no concat or stack on inner axes, products without transposed
 * operands (`mm`). With many output channels the shifted inputs are multiplied per tap; with one (the last
 * layer) all taps are multiplied first and the small products shifted.
 */
export function deconv(x: tf.Tensor4D, w: tf.Tensor3D, kernel: 4 | 5, labels?: tf.Tensor2D): tf.Tensor4D {
  const [side, , batch, channels] = x.shape;
  const outChannels = w.shape[2];
  const taps = kernel * kernel;
  const { padding } = deconvPadding(kernel);
  const grid = side + 2;
  const pad1 = (t: tf.Tensor) =>
    tf.pad(t, [
      [1, 1],
      [1, 1],
      [0, 0],
      [0, 0],
    ]);
  const padded = pad1(x);
  const planes = labels
    ? pad1(tf.tile(tf.reshape(labels, [1, 1, batch, labels.shape[1]]), [side, side, 1, 1]))
    : undefined;
  /** [ky, dy] for the taps output parity r sees along one axis. */
  const tapsFor = (r: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let k = 0; k < kernel; k++) if ((r + padding - k) % 2 === 0) out.push([k, (r + padding - k) / 2]);
    return out;
  };
  let term: (ky: number, dy: number, kx: number, dx: number) => tf.Tensor;
  if (outChannels === 1) {
    // all taps at once on the padded grid: [tap, row, col, b]
    const allTaps = (source: tf.Tensor, first: number, count: number) =>
      mm(
        tf.reshape(source, [grid * grid * batch, count]),
        tf.transpose(tf.reshape(tf.slice(w, [0, first, 0], [taps, count, 1]), [taps, count])),
      );
    let products = allTaps(padded, 0, channels) as tf.Tensor;
    if (planes) products = tf.add(products, allTaps(planes, channels, labels!.shape[1]));
    const byTap = tf.transpose(tf.reshape(products, [grid, grid, batch, taps]), [3, 0, 1, 2]);
    term = (ky, dy, kx, dx) => tf.slice(byTap, [ky * kernel + kx, 1 + dy, 1 + dx, 0], [1, side, side, batch]);
  } else {
    const shifted = (source: tf.Tensor, dy: number, dx: number) =>
      tf.reshape(tf.slice(source, [1 + dy, 1 + dx, 0, 0], [side, side, batch, source.shape[3]!]), [
        side * side * batch,
        source.shape[3]!,
      ]);
    term = (ky, dy, kx, dx) => {
      const weightRows = tf.reshape(tf.slice(w, [ky * kernel + kx, 0, 0], [1, w.shape[1], outChannels]), [
        w.shape[1],
        outChannels,
      ]);
      // inputs and label planes side by side in one product
      const inputs = planes
        ? tf.concat([shifted(padded, dy, dx), shifted(planes, dy, dx)], 1)
        : shifted(padded, dy, dx);
      return mm(inputs, weightRows);
    };
  }
  const parity: tf.Tensor[] = [];
  for (const ry of [0, 1]) {
    for (const rx of [0, 1]) {
      const terms: tf.Tensor[] = [];
      for (const [ky, dy] of tapsFor(ry))
        for (const [kx, dx] of tapsFor(rx))
          terms.push(tf.reshape(term(ky, dy, kx, dx), [side, side, batch, outChannels]));
      parity.push(tf.addN(terms));
    }
  }
  // o[ry][rx][m, n] → [2m + ry, 2n + rx]: stack on a new outer axis, transpose
  const stacked = tf.reshape(tf.stack(parity, 0), [2, 2, side, side, batch, outChannels]);
  return tf.reshape(tf.transpose(stacked, [2, 0, 3, 1, 4, 5]), [2 * side, 2 * side, batch, outChannels]) as tf.Tensor4D;
}

export interface DiscriminatorOptions {
  /** Append the batch's feature spread after the first layer (against a generator that collapses). */
  minibatchStd?: boolean;
}

/**
 * Conditional full-precision discriminator (MLP): [image in [−1, 1], one-hot label] → 512 → 256 features h
 * (leaky ReLU 0.2). Two heads: the real/fake logit with a label projection (w·h + b + e_y·h, Miyato & Koyama),
 * and class logits (an auxiliary classifier, AC-GAN) — both push the generator to draw the requested digit.
 */
export class Discriminator {
  readonly variables: tf.Variable[];

  constructor(
    readonly labels: number,
    seed: number,
    readonly options: DiscriminatorOptions = {},
  ) {
    const random = mulberry32(seed ^ 0x5eed);
    const tag = `#${++networks}`;
    const sizes = [IMAGE_PIXELS + labels, 512, 256];
    const dense = (name: string, inputs: number, outputs: number) => [
      tf.variable(initTensor([inputs, outputs], Math.sqrt(2 / inputs), random), true, `${name}.weight${tag}`),
      tf.variable(tf.zeros([outputs]), true, `${name}.bias${tag}`),
    ];
    this.variables = [
      ...dense('d0', sizes[0]!, sizes[1]!),
      ...dense('d1', sizes[1]! + (options.minibatchStd ? 1 : 0), sizes[2]!),
      ...dense('d2', sizes[2]!, 1),
      tf.variable(initTensor([labels, sizes[2]!], 1 / Math.sqrt(sizes[2]!), random), true, `d.embed${tag}`),
      ...dense('d.classes', sizes[2]!, labels),
    ];
  }

  /** Real/fake logits [B] and class logits [B, labels] for images [B, 28, 28] in [0, 1]. */
  forward(images: tf.Tensor3D, oneHot: Rank2): { logits: tf.Tensor1D; classes: tf.Tensor2D } {
    const batch = images.shape[0];
    const v = this.variables;
    let h: tf.Tensor = tf.concat([tf.sub(tf.mul(tf.reshape(images, [batch, IMAGE_PIXELS]), 2), 1) as Rank2, oneHot], 1);
    h = tf.leakyRelu(tf.add(mm(h, v[0]!), v[1]!), 0.2);
    if (this.options.minibatchStd) {
      // Minibatch standard deviation (Karras et al., ProGAN): how much the batch's features vary, averaged, as
      // one more input. Real and generated batches are judged apart, so a generator that draws one digit per
      // label hands the discriminator a feature near 0 that real batches never show.
      const { variance } = tf.moments(h, 0);
      const spread = tf.mean(tf.sqrt(tf.add(variance, 1e-8)));
      h = tf.concat([h, tf.mul(tf.ones([batch, 1]), spread)], 1);
    }
    h = tf.leakyRelu(tf.add(mm(h, v[2]!), v[3]!), 0.2);
    const projection = tf.sum(tf.mul(mm(oneHot, v[6]!), h), 1);
    const logits = tf.add(tf.reshape(tf.add(mm(h, v[4]!), v[5]!), [batch]), projection) as tf.Tensor1D;
    const classes = tf.add(mm(h, v[7]!), v[8]!) as tf.Tensor2D;
    return { logits, classes };
  }
}

/** Mean softmax cross-entropy of class logits against one-hot targets. */
export function classLoss(classes: tf.Tensor2D, oneHot: Rank2): tf.Scalar {
  return tf.mean(tf.sub(tf.logSumExp(classes, 1), tf.sum(tf.mul(classes, oneHot), 1))) as tf.Scalar;
}

/** Mean binary cross-entropy of logits against a constant target (1 real, 0 fake), numerically stable. */
export function logitLoss(logits: tf.Tensor1D, target: 0 | 1): tf.Scalar {
  // softplus(−l) for target 1, softplus(l) for target 0; softplus(u) = max(u, 0) + log(1 + e^−|u|)
  const u = target === 1 ? tf.neg(logits) : logits;
  return tf.mean(tf.add(tf.relu(u), tf.log(tf.add(tf.exp(tf.neg(tf.abs(u))), 1)))) as tf.Scalar;
}
