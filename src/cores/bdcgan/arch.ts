/**
 * B-DCGAN generator architectures (Terada & Shouno): a conditional generator of binary dense and binary
 * transposed-convolution layers with threshold batch-norm, and a multi-bit last layer with a sigmoid table.
 *
 * Activations are ternary: −1, 0, +1. z is quantised to {−1, 0, +1}; the label y is one-hot {0, 1} — a 0
 * input contributes nothing (it is not a −1), so label conditioning costs one weight per layer in dense layers
 * and one plane of taps in convolutions. Binary layers output ±1 (sign of the batch-normed sum, sign(0) = +1).
 */
import { isDeepStrictEqual } from 'node:util';
import { UserError } from '../../errors.ts';

/** The generator's image: one 28 × 28 plane of 8-bit pixels, as MNIST's (every preset ends in it). */
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;

export type LayerSpec =
  | {
      kind: 'dense';
      /** Inputs: the previous layer's outputs (z for the first), then the labels when `label` is set. */
      inputs: number;
      outputs: number;
      label: boolean;
      /** Copies of each label input (default 1): see `labelCopies`. */
      labelCopies?: number;
    }
  | {
      kind: 'deconv';
      /** Input planes: the previous layer's channels, then one plane per label when `label` is set. */
      inChannels: number;
      outChannels: number;
      /** Input height = width; the output is twice as large. */
      size: number;
      kernel: 4 | 5;
      label: boolean;
      /** Copies of each label plane (default 1): see `labelCopies`. */
      labelCopies?: number;
      /** The last layer: integer weights, a bias, the sigmoid table; otherwise binary with threshold BN. */
      last: boolean;
    };

export interface Architecture {
  name: string;
  latent: number;
  labels: number;
  /** The dense chain's last output is viewed as channels × side × side before the first deconvolution. */
  reshape: { channels: number; side: number };
  layers: LayerSpec[];
}

/** Padding that makes a stride-2 transposed convolution exactly double the size (PyTorch semantics). */
export function deconvPadding(kernel: 4 | 5): { padding: number; outputPadding: number } {
  return kernel === 4 ? { padding: 1, outputPadding: 0 } : { padding: 2, outputPadding: 1 };
}

/**
 * Copies of each label input of a layer (0 for unconditioned layers). With ±1 weights one label input moves a
 * sum of ~64 ternary inputs by only ±1, too little for the label to steer a binary layer; R copies (R weights
 * per label and output) let it move the sum by up to ±R. Copies of label y are inputs prev + y·R … prev + y·R +
 * R − 1, all present (+1) for the requested label.
 */
export function labelCopies(layer: LayerSpec): number {
  return layer.label ? (layer.labelCopies ?? 1) : 0;
}

/** Inputs to a layer (its fan-in count before taps): what the weights are laid out over. */
export function layerInputs(layer: LayerSpec, labels: number): number {
  return (layer.kind === 'dense' ? layer.inputs : layer.inChannels) + labels * labelCopies(layer);
}

/** Where architecture `model` differs from `engine` (undefined when they are the same), in words for an error. */
export function architectureDifference(model: Architecture, engine: Architecture): string | undefined {
  if (model.name !== engine.name) return `the model is for '${model.name}', the engine is built for '${engine.name}'`;
  if (isDeepStrictEqual(model, engine)) return undefined;
  const describe = (arch: Architecture) =>
    arch.layers
      .map((l) => `${layerInputs(l, arch.labels)}→${l.kind === 'dense' ? l.outputs : l.outChannels}`)
      .join(', ');
  return (
    `the model's '${model.name}' architecture (${describe(model)}, ` +
    `label copies ${model.layers.map(labelCopies).join('/')}) is not the one the engine is built for ` +
    `(${describe(engine)}, label copies ${engine.layers.map(labelCopies).join('/')}): ` +
    `use a model made for this version (models/${engine.name}.sbgan) or retrain`
  );
}

/** Number of weights of a layer. */
export function weightCount(layer: LayerSpec, labels: number): number {
  return layer.kind === 'dense'
    ? layerInputs(layer, labels) * layer.outputs
    : layerInputs(layer, labels) * layer.outChannels * layer.kernel * layer.kernel;
}

/** Binary weight bits of the whole generator (the last layer's multi-bit weights counted separately). */
export function weightBits(arch: Architecture, lastWeightBits = 8): { binary: number; last: number; total: number } {
  let binary = 0;
  let last = 0;
  for (const layer of arch.layers) {
    const n = weightCount(layer, arch.labels);
    if (layer.kind === 'deconv' && layer.last) last += n * lastWeightBits;
    else binary += n;
  }
  return { binary, last, total: binary + last };
}

function preset(
  name: string,
  latent: number,
  dense: number[],
  channels: number[],
  kernel: 4 | 5,
  copies = 1,
): Architecture {
  const copiesField = copies > 1 ? { labelCopies: copies } : {};
  const labels = 10;
  const layers: LayerSpec[] = [];
  let inputs = latent;
  const side = 7;
  const denseOut = [...dense, channels[0]! * side * side];
  denseOut.forEach((outputs, i) => {
    layers.push({ kind: 'dense', inputs, outputs, label: i === 0 || i === denseOut.length - 1, ...copiesField });
    inputs = outputs;
  });
  // 7 → 14 → 28: one deconvolution per doubling; the last one makes the single image plane.
  const planes = [channels[0]!, channels[1]!, 1];
  for (let i = 0; i < 2; i++) {
    layers.push({
      kind: 'deconv',
      inChannels: planes[i]!,
      outChannels: planes[i + 1]!,
      size: side << i,
      kernel,
      label: true,
      last: i === 1,
      ...(i === 1 ? {} : copiesField),
    });
  }
  return { name, latent, labels, reshape: { channels: channels[0]!, side }, layers };
}

/**
 * Presets. `mnist-up5k` (the default): z48 + y → dense 48·7·7 → deconv4 → 32 (14×14) → deconv4 42→1 (28×28),
 * the binary layers with 8 copies of each label input (with one copy the trained digits mostly ignored the
 * label: 56 % against 90 % conditional 1-NN accuracy after one epoch), so that both take 48 + 80 = 128 inputs —
 * two 64-bit weight rows, no padding; ≈ 0.37 Mbit: fits the iCEBreaker's SPRAM with room. Until 2026-12 it was
 * called `mnist-up5k-lean`. `mnist-up5k-z64`: the earlier default (z64 and 64 channels at 7×7: 144 inputs padded
 * to 192, ≈ 35 % more clocks per image), kept so that models made for it still run. `paper`: the authors'
 * generator — z100 + y → 3 × dense 600 → dense 64·7·7 → deconv5 74→64 → deconv5 74→1, ≈ 2.8 Mbit: simulated
 * only, too large for an iCE40. `paper-labels`: the same with 8 copies of each label input in the binary layers,
 * as `mnist-up5k` has (with one copy the authors' generator drew one shape under several labels: models/paper.md).
 */
export const PRESETS: Record<string, Architecture> = {
  'mnist-up5k': preset('mnist-up5k', 48, [], [48, 32], 4, 8),
  'mnist-up5k-z64': preset('mnist-up5k-z64', 64, [], [64, 32], 4, 8),
  paper: preset('paper', 100, [600, 600, 600], [64, 64], 5),
  'paper-labels': preset('paper-labels', 100, [600, 600, 600], [64, 64], 5, 8),
};

export function getPreset(name: string): Architecture {
  const arch = PRESETS[name];
  if (!arch) throw new UserError(`unknown B-DCGAN preset '${name}'; choose one of: ${Object.keys(PRESETS).join(', ')}`);
  return arch;
}
