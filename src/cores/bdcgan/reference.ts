/**
 * The B-DCGAN generator's integer reference: exactly the arithmetic the hardware does.
 *
 * Binary layer (dense or transposed convolution): acc = Σ over present inputs of x·w, x ∈ {−1, 0, +1}
 * (0 = absent: a zero of z, a label that is not the requested one, a tap outside the input), w = ±1 (bit 1 =
 * +1). In hardware that is 2·popcount(XNOR) − present. Output +1 when acc ≥ T (sign +1) or acc ≤ T (sign −1:
 * batch-norm gamma < 0), else −1. The last layer: acc = bias + Σ x·w with 8-bit weights, pixel =
 * sigmoid[clamp(acc + A, 0, 2A − 1)] (A = half the table).
 *
 * Layouts: dense weights [out][in]; deconvolution weights [out][in][ky][kx]; inputs of a layer are its
 * predecessor's outputs followed by the label inputs; after the dense chain the vector is channels × side ×
 * side, channel-major. Transposed convolution (PyTorch semantics): input (iy, ix) with tap (ky, kx) reaches
 * output (2·iy − p + ky, 2·ix − p + kx); kernel 4 uses p = 1, kernel 5 uses p = 2 and output padding 1.
 */
import { deconvPadding, labelCopies, layerInputs, type Architecture, type LayerSpec } from './arch.ts';

export interface BinaryLayer {
  /** ±1 weights as bits (1 = +1), one byte per weight. */
  weights: Uint8Array;
  thresholds: Int32Array;
  /** +1: output +1 when acc ≥ T; −1: output +1 when acc ≤ T. */
  signs: Int8Array;
}

export interface LastLayer {
  weights: Int8Array;
  bias: number;
  /** 2A entries: pixel for acc = −A … A − 1. */
  sigmoid: Uint8Array;
}

export interface Model {
  arch: Architecture;
  /** One entry per architecture layer; the last layer is a LastLayer. */
  layers: (BinaryLayer | LastLayer)[];
}

/** z quantised as the paper does: values of U[−1, 1] rounded to −1, 0, +1. */
export function quantizeLatent(values: ArrayLike<number>): Int8Array {
  return Int8Array.from(values, (v) => (v >= 0.5 ? 1 : v <= -0.5 ? -1 : 0));
}

function binaryOut(acc: number, threshold: number, sign: number): number {
  return (sign > 0 ? acc >= threshold : acc <= threshold) ? 1 : -1;
}

/** Dense layer: inputs ternary (with the labels appended when the layer is conditioned). */
export function denseForward(
  layer: Extract<LayerSpec, { kind: 'dense' }>,
  params: BinaryLayer,
  input: Int8Array,
  label: number,
  labels: number,
): { acc: Int32Array; out: Int8Array } {
  const n = layerInputs(layer, labels);
  const x = new Int8Array(n);
  x.set(input.subarray(0, layer.inputs));
  const copies = labelCopies(layer);
  x.fill(1, layer.inputs + label * copies, layer.inputs + (label + 1) * copies);
  const acc = new Int32Array(layer.outputs);
  const out = new Int8Array(layer.outputs);
  for (let o = 0; o < layer.outputs; o++) {
    let sum = 0;
    const base = o * n;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      if (xi !== 0) sum += params.weights[base + i] ? xi : -xi;
    }
    acc[o] = sum;
    out[o] = binaryOut(sum, params.thresholds[o]!, params.signs[o]!);
  }
  return { acc, out };
}

/** Input planes of a conditioned deconvolution: the previous planes, then R planes per label (1 for the label). */
function withLabelPlanes(
  input: Int8Array,
  channels: number,
  size: number,
  label: number,
  labels: number,
  copies: number,
): Int8Array {
  if (copies === 0) return input;
  const plane = size * size;
  const x = new Int8Array((channels + labels * copies) * plane);
  x.set(input.subarray(0, channels * plane));
  x.fill(1, (channels + label * copies) * plane, (channels + (label + 1) * copies) * plane);
  return x;
}

/**
 * Transposed-convolution sums: acc[o][Y][X] over present taps only. `weight(o, c, ky, kx)` gives the weight
 * value (±1 for binary layers, the 8-bit integer for the last layer).
 */
export function deconvSums(
  layer: Extract<LayerSpec, { kind: 'deconv' }>,
  x: Int8Array,
  inPlanes: number,
  weight: (index: number) => number,
): Int32Array {
  const { padding } = deconvPadding(layer.kernel);
  const k = layer.kernel;
  const H = layer.size;
  const OUT = 2 * H;
  const acc = new Int32Array(layer.outChannels * OUT * OUT);
  for (let o = 0; o < layer.outChannels; o++) {
    for (let Y = 0; Y < OUT; Y++) {
      for (let X = 0; X < OUT; X++) {
        let sum = 0;
        // taps: ky = Y + p − 2·iy in [0, k)
        for (let ky = (Y + padding) & 1; ky < k; ky += 2) {
          const iy = (Y + padding - ky) / 2;
          if (iy < 0 || iy >= H) continue;
          for (let kx = (X + padding) & 1; kx < k; kx += 2) {
            const ix = (X + padding - kx) / 2;
            if (ix < 0 || ix >= H) continue;
            for (let c = 0; c < inPlanes; c++) {
              const xi = x[(c * H + iy) * H + ix]!;
              if (xi !== 0) sum += xi * weight(((o * inPlanes + c) * k + ky) * k + kx);
            }
          }
        }
        acc[(o * OUT + Y) * OUT + X] = sum;
      }
    }
  }
  return acc;
}

/** Generates one 28×28 image (8-bit pixels, row-major) from ternary z and a label. */
export function generate(model: Model, z: Int8Array, label: number): Uint8Array {
  const { arch } = model;
  let x: Int8Array = z;
  let channels = 0;
  let size = 0;
  for (const [index, layer] of arch.layers.entries()) {
    if (layer.kind === 'dense') {
      x = denseForward(layer, model.layers[index] as BinaryLayer, x, label, arch.labels).out;
      channels = arch.reshape.channels;
      size = arch.reshape.side;
      continue;
    }
    const planes = layerInputs(layer, arch.labels);
    const input = withLabelPlanes(x, channels, size, label, arch.labels, labelCopies(layer));
    if (layer.last) {
      const params = model.layers[index] as LastLayer;
      const acc = deconvSums(layer, input, planes, (i) => params.weights[i]!);
      const half = params.sigmoid.length / 2;
      return Uint8Array.from(acc, (a) => params.sigmoid[Math.min(Math.max(a + params.bias + half, 0), 2 * half - 1)]!);
    }
    const params = model.layers[index] as BinaryLayer;
    const acc = deconvSums(layer, input, planes, (i) => (params.weights[i] ? 1 : -1));
    const plane = 4 * size * size;
    x = Int8Array.from(acc, (a, i) =>
      binaryOut(a, params.thresholds[Math.floor(i / plane)]!, params.signs[Math.floor(i / plane)]!),
    );
    channels = layer.outChannels;
    size *= 2;
  }
  throw new Error(`architecture ${arch.name} has no last layer`);
}

/**
 * Folds batch-norm into an integer threshold on acc (FINN): BN(acc) = γ·(acc − μ)/σ + β ≥ 0 ⇔
 * acc ≥ μ − βσ/γ for γ > 0, acc ≤ μ − βσ/γ for γ < 0 (flip the comparison, not the weights);
 * γ = 0 gives a constant output.
 * Binary outputs: sign(0) = +1, so both comparisons include equality.
 */
export function foldBatchNorm(
  gamma: number,
  beta: number,
  mean: number,
  variance: number,
  epsilon = 1e-5,
): { threshold: number; sign: 1 | -1 } {
  const sigma = Math.sqrt(variance + epsilon);
  if (gamma === 0) return beta >= 0 ? { threshold: -(2 ** 31), sign: 1 } : { threshold: 2 ** 31 - 1, sign: 1 };
  const t = mean - (beta * sigma) / gamma;
  const clamp = (v: number) => Math.min(Math.max(v, -(2 ** 31)), 2 ** 31 - 1);
  return gamma > 0 ? { threshold: clamp(Math.ceil(t)), sign: 1 } : { threshold: clamp(Math.floor(t)), sign: -1 };
}

/** The sigmoid table for a last layer whose accumulator is scaled by `scale` (pixel = 255·σ(acc·scale)). */
export function sigmoidTable(scale: number, half = 512): Uint8Array {
  return Uint8Array.from({ length: 2 * half }, (_, i) => Math.round(255 / (1 + Math.exp(-(i - half) * scale))));
}
