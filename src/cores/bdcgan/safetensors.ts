/**
 * Import (and export) of B-DCGAN generators as safetensors, so a model trained in PyTorch or elsewhere can be
 * used. Tensor names (docs/bdcgan-model.md), for layer i of the architecture:
 *
 *   binary layers:  layers.{i}.weight            float latent weights: dense [out, in]; transposed convolution
 *                                                 [in, out, k, k] (torch.nn.ConvTranspose2d layout)
 *                   layers.{i}.bias              optional, folded into the batch-norm mean
 *                   layers.{i}.bn.weight / .bn.bias / .bn.running_mean / .bn.running_var
 *                                                 batch-norm (γ, β, μ, σ²)
 *   last layer:     layers.{i}.weight [in, 1, k, k], layers.{i}.bias [1]
 *
 * Inputs of a layer are ordered as the architecture says (previous outputs, then the labels). Folding:
 * weights → sign (w ≥ 0 → +1); batch-norm → integer threshold and comparison (reference.ts foldBatchNorm,
 * γ < 0 included); last layer → 8-bit weights with scale s = max|w| / 127, bias in the same units, and the sigmoid
 * table pixel = 255·σ(acc·s). Metadata: "spinbit.architecture" (JSON) may carry the architecture; "bn_eps"
 * sets ε (default 1e-5); "last_scale" fixes s (default max|w| / 127).
 */
import { layerInputs, type Architecture } from './arch.ts';
import { ModelError, validateArchitecture } from './format.ts';
import { foldBatchNorm, sigmoidTable, type BinaryLayer, type LastLayer, type Model } from './reference.ts';

interface Tensor {
  dtype: string;
  shape: number[];
  data: Float64Array;
}

export function parseSafetensors(
  bytes: Uint8Array,
  source = 'safetensors',
): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const fail = (why: string): never => {
    throw new ModelError(`${source}: ${why}`);
  };
  if (bytes.length < 8) fail('truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) fail('truncated: header runs past the end');
  let header: Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>
  >;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    return fail('not a safetensors file (header is not JSON)');
  }
  const data = bytes.subarray(8 + headerLength);
  const dataView = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const {
      dtype,
      shape,
      data_offsets: [begin, end],
    } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const count = shape.reduce((a, b) => a * b, 1);
    const size =
      dtype === 'F32' ? 4 : dtype === 'F64' ? 8 : fail(`tensor ${name}: dtype ${dtype} is not supported (F32, F64)`);
    if (end - begin !== count * size || end > data.length) fail(`tensor ${name}: data size does not match its shape`);
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++)
      values[i] = size === 4 ? dataView.getFloat32(begin + 4 * i, true) : dataView.getFloat64(begin + 8 * i, true);
    tensors.set(name, { dtype, shape, data: values });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}

export function encodeSafetensors(
  tensors: Record<string, { shape: number[]; data: ArrayLike<number> }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i]!, true);
  }
  return out;
}

/** Folds a float generator into the integer model the hardware runs. */
export function importSafetensors(bytes: Uint8Array, arch: Architecture | undefined, source = 'safetensors'): Model {
  const { tensors, metadata } = parseSafetensors(bytes, source);
  const fail = (why: string): never => {
    throw new ModelError(`${source}: ${why}`);
  };
  const architecture =
    arch ??
    (metadata['spinbit.architecture']
      ? (JSON.parse(metadata['spinbit.architecture']) as Architecture)
      : fail('no architecture given (--preset) and none in the metadata'));
  validateArchitecture(architecture);
  const eps = metadata.bn_eps ? Number(metadata.bn_eps) : 1e-5;
  const get = (name: string, shape: number[]): Float64Array => {
    const t = tensors.get(name) ?? fail(`tensor ${name} is missing`);
    if (JSON.stringify(t.shape) !== JSON.stringify(shape))
      fail(`tensor ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`tensor ${name}[${bad}] is not a finite number`);
    return t.data;
  };
  const layers = architecture.layers.map((layer, i): BinaryLayer | LastLayer => {
    const inputs = layerInputs(layer, architecture.labels);
    if (layer.kind === 'deconv' && layer.last) {
      const k = layer.kernel;
      const w = get(`layers.${i}.weight`, [inputs, 1, k, k]);
      const b = get(`layers.${i}.bias`, [1])[0]!;
      const max = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
      const scale = metadata.last_scale ? Number(metadata.last_scale) : max / 127;
      if (!(scale > 0) || max / scale > 127.5)
        fail(`last_scale ${metadata.last_scale} does not fit the last layer's weights into 8 bits`);
      // [in, 1, k, k] → [1][in][k][k]: the same order for one output plane
      return {
        weights: Int8Array.from(w, (v) => Math.round(v / scale)),
        bias: Math.round(b / scale),
        sigmoid: sigmoidTable(scale),
      };
    }
    const outputs = layer.kind === 'dense' ? layer.outputs : layer.outChannels;
    let weights: Uint8Array;
    if (layer.kind === 'dense') {
      weights = Uint8Array.from(get(`layers.${i}.weight`, [outputs, inputs]), (v) => (v >= 0 ? 1 : 0));
    } else {
      const k = layer.kernel;
      const w = get(`layers.${i}.weight`, [inputs, outputs, k, k]);
      weights = new Uint8Array(outputs * inputs * k * k);
      for (let c = 0; c < inputs; c++)
        for (let o = 0; o < outputs; o++)
          for (let t = 0; t < k * k; t++)
            weights[(o * inputs + c) * k * k + t] = w[(c * outputs + o) * k * k + t]! >= 0 ? 1 : 0;
    }
    const gamma = get(`layers.${i}.bn.weight`, [outputs]);
    const beta = get(`layers.${i}.bn.bias`, [outputs]);
    const mean = get(`layers.${i}.bn.running_mean`, [outputs]);
    const variance = get(`layers.${i}.bn.running_var`, [outputs]);
    const bias = tensors.has(`layers.${i}.bias`) ? get(`layers.${i}.bias`, [outputs]) : new Float64Array(outputs);
    const thresholds = new Int32Array(outputs);
    const signs = new Int8Array(outputs);
    for (let o = 0; o < outputs; o++) {
      const folded = foldBatchNorm(gamma[o]!, beta[o]!, mean[o]! - bias[o]!, variance[o]!, eps);
      thresholds[o] = folded.threshold;
      signs[o] = folded.sign;
    }
    return { weights, thresholds, signs };
  });
  return { arch: architecture, layers };
}

/**
 * Exports an integer model as safetensors that import back to the identical model: weights ±1, batch-norm
 * γ = ±1, β = 0, σ² = 1 − ε, μ = T (so the fold gives T and the comparison back); the last layer's weights and
 * bias times its scale, which must be the one its sigmoid table was made with (`lastScale`).
 */
export function exportSafetensors(model: Model, lastScale: number): Uint8Array {
  const last = model.layers[model.layers.length - 1] as LastLayer;
  const table = sigmoidTable(lastScale, last.sigmoid.length / 2);
  if (table.some((v, i) => v !== last.sigmoid[i]))
    throw new ModelError(`the last layer's sigmoid table was not made with scale ${lastScale}`);
  const tensors: Record<string, { shape: number[]; data: ArrayLike<number> }> = {};
  const eps = 1e-5;
  model.arch.layers.forEach((layer, i) => {
    const inputs = layerInputs(layer, model.arch.labels);
    if (layer.kind === 'deconv' && layer.last) {
      const last = model.layers[i] as LastLayer;
      tensors[`layers.${i}.weight`] = {
        shape: [inputs, 1, layer.kernel, layer.kernel],
        data: Float64Array.from(last.weights, (w) => w * lastScale),
      };
      tensors[`layers.${i}.bias`] = { shape: [1], data: [last.bias * lastScale] };
      return;
    }
    const p = model.layers[i] as BinaryLayer;
    const outputs = p.thresholds.length;
    if (layer.kind === 'dense') {
      tensors[`layers.${i}.weight`] = {
        shape: [outputs, inputs],
        data: Float64Array.from(p.weights, (b) => (b ? 1 : -1)),
      };
    } else {
      const k = layer.kernel;
      const w = new Float64Array(inputs * outputs * k * k);
      for (let c = 0; c < inputs; c++)
        for (let o = 0; o < outputs; o++)
          for (let t = 0; t < k * k; t++)
            w[(c * outputs + o) * k * k + t] = p.weights[(o * inputs + c) * k * k + t] ? 1 : -1;
      tensors[`layers.${i}.weight`] = { shape: [inputs, outputs, k, k], data: w };
    }
    tensors[`layers.${i}.bn.weight`] = { shape: [outputs], data: Float64Array.from(p.signs) };
    tensors[`layers.${i}.bn.bias`] = { shape: [outputs], data: new Float64Array(outputs) };
    tensors[`layers.${i}.bn.running_mean`] = { shape: [outputs], data: Float64Array.from(p.thresholds) };
    tensors[`layers.${i}.bn.running_var`] = { shape: [outputs], data: new Float64Array(outputs).fill(1 - eps) };
  });
  return encodeSafetensors(tensors, {
    'spinbit.architecture': JSON.stringify(model.arch),
    bn_eps: String(eps),
    last_scale: String(lastScale),
  });
}
