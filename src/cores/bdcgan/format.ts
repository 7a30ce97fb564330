/**
 * The B-DCGAN model file (docs/bdcgan-model.md): architecture, binary weights, integer batch-norm
 * thresholds, the multi-bit last layer and its sigmoid table — versioned, checksummed and validated on load.
 *
 *   bytes 0 … 7    "SPNBGAN1" (magic, format version 1)
 *   bytes 8 … 11   header length H (uint32, little endian)
 *   bytes 12 …     header: UTF-8 JSON {format, architecture, tensors: [{name, dtype, shape, offset, bytes}], meta}
 *   then           tensor data (offsets from the start of the data, each tensor 4-byte aligned)
 *   last 32 bytes  SHA-256 of everything before
 *
 * dtypes: "bits" (±1 weights packed 8 per byte, first weight in bit 0, 1 = +1), "int8", "int32" (little
 * endian), "uint8". Tensors per binary layer i: layer{i}.weights (bits), layer{i}.thresholds (int32),
 * layer{i}.signs (int8, ±1); the last layer: layer{i}.weights (int8), layer{i}.bias (int32 [1]),
 * layer{i}.sigmoid (uint8 [2A]).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../util/files.ts';
import { UserError } from '../../errors.ts';
import { IMAGE_SIDE, layerInputs, PRESETS, type Architecture, type LayerSpec } from './arch.ts';
import type { BinaryLayer, LastLayer, Model } from './reference.ts';

export const MODEL_MAGIC = 'SPNBGAN1';
export const MODEL_FORMAT = 'spinbit.bdcgan.model/1';

export class ModelError extends UserError {
  override name = 'ModelError';
}

type Dtype = 'bits' | 'int8' | 'int32' | 'uint8';
interface TensorEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  offset: number;
  bytes: number;
}

const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const byteLength = (dtype: Dtype, count: number) =>
  dtype === 'bits' ? Math.ceil(count / 8) : dtype === 'int32' ? 4 * count : count;

/** The tensors an architecture needs: name, dtype, shape. */
export interface TensorSpec {
  name: string;
  dtype: Dtype;
  shape: number[];
}

export function expectedTensors(arch: Architecture): TensorSpec[] {
  return arch.layers.flatMap((layer, i): TensorSpec[] => {
    const inputs = layerInputs(layer, arch.labels);
    if (layer.kind === 'dense') {
      return [
        { name: `layer${i}.weights`, dtype: 'bits', shape: [layer.outputs, inputs] },
        { name: `layer${i}.thresholds`, dtype: 'int32', shape: [layer.outputs] },
        { name: `layer${i}.signs`, dtype: 'int8', shape: [layer.outputs] },
      ];
    }
    const weights = [layer.outChannels, inputs, layer.kernel, layer.kernel];

    if (layer.last) {
      return [
        { name: `layer${i}.weights`, dtype: 'int8', shape: weights },
        { name: `layer${i}.bias`, dtype: 'int32', shape: [1] },
        { name: `layer${i}.sigmoid`, dtype: 'uint8', shape: [1024] },
      ];
    }
    return [
      { name: `layer${i}.weights`, dtype: 'bits', shape: weights },
      { name: `layer${i}.thresholds`, dtype: 'int32', shape: [layer.outChannels] },
      { name: `layer${i}.signs`, dtype: 'int8', shape: [layer.outChannels] },
    ];
  });
}

/** Checks an architecture's internal consistency (a file may carry any architecture). */
export function validateArchitecture(arch: Architecture): void {
  const fail = (why: string): never => {
    throw new ModelError(`model architecture '${arch?.name}': ${why}`);
  };
  if (!arch || !Array.isArray(arch.layers) || arch.layers.length < 2) fail('needs at least a dense and a last layer');
  if (!(Number.isInteger(arch.latent) && arch.latent > 0 && Number.isInteger(arch.labels) && arch.labels > 0))
    fail('latent and labels must be positive integers');
  let expected = arch.latent;
  let channels = 0;
  let size = 0;
  arch.layers.forEach((layer: LayerSpec, i) => {
    const last = i === arch.layers.length - 1;
    if (
      layer.labelCopies !== undefined &&
      !(Number.isInteger(layer.labelCopies) && layer.labelCopies >= 1 && layer.labelCopies <= 64)
    )
      fail(`layer ${i}: labelCopies must be an integer from 1 to 64`);
    if (layer.kind === 'dense') {
      if (channels) fail(`layer ${i}: a dense layer after a deconvolution`);
      if (layer.inputs !== expected) fail(`layer ${i}: ${layer.inputs} inputs, the previous layer gives ${expected}`);
      expected = layer.outputs;
    } else if (layer.kind === 'deconv') {
      if (!channels) {
        const { channels: c, side } = arch.reshape;
        if (c * side * side !== expected)
          fail(`reshape ${c}×${side}×${side} does not match the dense output ${expected}`);
        channels = c;
        size = side;
      }
      if (layer.inChannels !== channels || layer.size !== size)
        fail(`layer ${i}: expects ${layer.inChannels}×${layer.size}², gets ${channels}×${size}²`);
      if (layer.kernel !== 4 && layer.kernel !== 5) fail(`layer ${i}: kernel must be 4 or 5`);
      if (layer.last !== last) fail(`layer ${i}: only the final layer is the multi-bit last layer`);
      channels = layer.outChannels;
      size *= 2;
    } else fail(`layer ${i}: unknown kind`);
  });
  if (channels !== 1 || size !== IMAGE_SIDE)
    fail(`the generator must end in one 28×28 plane, ends in ${channels}×${size}²`);
}

export function encodeModel(model: Model, meta: Record<string, unknown> = {}): Uint8Array {
  validateArchitecture(model.arch);
  const specs = expectedTensors(model.arch);
  const values: Record<string, ArrayLike<number>> = {};
  model.arch.layers.forEach((layer, i) => {
    const params = model.layers[i]!;
    if (layer.kind === 'deconv' && layer.last) {
      const last = params as LastLayer;
      Object.assign(values, {
        [`layer${i}.weights`]: last.weights,
        [`layer${i}.bias`]: [last.bias],
        [`layer${i}.sigmoid`]: last.sigmoid,
      });
    } else {
      const binary = params as BinaryLayer;
      Object.assign(values, {
        [`layer${i}.weights`]: binary.weights,
        [`layer${i}.thresholds`]: binary.thresholds,
        [`layer${i}.signs`]: binary.signs,
      });
    }
  });
  let offset = 0;
  const tensors: TensorEntry[] = specs.map((spec) => {
    const bytes = byteLength(spec.dtype, elements(spec.shape));
    const entry = { ...spec, offset, bytes };
    offset += Math.ceil(bytes / 4) * 4;
    return entry;
  });
  const data = new Uint8Array(offset);
  const view = new DataView(data.buffer);
  for (const t of tensors) {
    const v = values[t.name]!;
    if (v.length !== elements(t.shape))
      throw new ModelError(
        `tensor ${t.name}: ${v.length} values, shape ${t.shape.join('×')} needs ${elements(t.shape)}`,
      );
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (t.dtype === 'bits') data[t.offset + (i >> 3)]! |= (x ? 1 : 0) << (i & 7);
      else if (t.dtype === 'int32') view.setInt32(t.offset + 4 * i, x, true);
      else if (t.dtype === 'int8') view.setInt8(t.offset + i, x);
      else data[t.offset + i] = x;
    }
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ format: MODEL_FORMAT, architecture: model.arch, tensors, meta }),
  );
  const body = new Uint8Array(12 + header.length + data.length);
  body.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  new DataView(body.buffer).setUint32(8, header.length, true);
  body.set(header, 12);
  body.set(data, 12 + header.length);
  const digest = createHash('sha256').update(body).digest();
  const file = new Uint8Array(body.length + 32);
  file.set(body);
  file.set(digest, body.length);
  return file;
}

/**
 * Until 2026-12 `mnist-up5k` named the architecture now called `mnist-up5k-z64` (the name moved to the leaner
 * z48 one): files from then carry the old name with the old shape. They read as `mnist-up5k-z64`, so they
 * still run (on an engine built for that preset) instead of failing against the new `mnist-up5k`.
 */
function legacyName(arch: Architecture): Architecture {
  const z64 = PRESETS['mnist-up5k-z64']!;
  return arch.name === 'mnist-up5k' && JSON.stringify({ ...arch, name: z64.name }) === JSON.stringify(z64)
    ? { ...arch, name: z64.name }
    : arch;
}

/** Parses and validates a model; `expect` names the architecture the caller needs (a preset name). */
export function decodeModel(
  bytes: Uint8Array,
  source = 'model',
  expect?: Architecture,
): { model: Model; hash: string; meta: Record<string, unknown> } {
  const fail = (why: string): never => {
    throw new ModelError(`${source}: ${why}`);
  };
  if (bytes.length < 12 + 32) fail(`truncated (${bytes.length} bytes)`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MODEL_MAGIC)
    fail(`not a spinbit B-DCGAN model (expected magic ${MODEL_MAGIC})`);
  const body = bytes.subarray(0, bytes.length - 32);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(Buffer.from(bytes.subarray(bytes.length - 32))))
    fail('corrupt or truncated: SHA-256 checksum does not match');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + headerLength > body.length) fail('corrupt: header runs past the end');
  let header: { format?: string; architecture?: Architecture; tensors?: TensorEntry[]; meta?: Record<string, unknown> };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    return fail('corrupt: header is not JSON');
  }
  if (header.format !== MODEL_FORMAT) fail(`format '${header.format}', this spinbit reads ${MODEL_FORMAT}`);
  const arch = legacyName(header.architecture!);
  validateArchitecture(arch);
  if (expect && JSON.stringify(expect) !== JSON.stringify(arch)) {
    fail(`is a model for architecture '${arch.name}' (${arch.layers.length} layers), not '${expect.name}'`);
  }
  const data = body.subarray(12 + headerLength);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const byName = new Map((header.tensors ?? []).map((t) => [t.name, t]));
  const read = (name: string, dtype: Dtype, shape: number[]) => {
    const t = byName.get(name) ?? fail(`tensor ${name} is missing`);
    if (t.dtype !== dtype || JSON.stringify(t.shape) !== JSON.stringify(shape))
      fail(`tensor ${name} is ${t.dtype} ${t.shape?.join('×')}, expected ${dtype} ${shape.join('×')}`);
    const count = elements(shape);
    if (t.bytes !== byteLength(dtype, count) || t.offset < 0 || t.offset + t.bytes > data.length)
      fail(`tensor ${name} lies outside the data`);
    if (dtype === 'bits')
      return Uint8Array.from({ length: count }, (_, i) => (data[t.offset + (i >> 3)]! >> (i & 7)) & 1);
    if (dtype === 'int32') return Int32Array.from({ length: count }, (_, i) => view.getInt32(t.offset + 4 * i, true));
    if (dtype === 'int8') return Int8Array.from({ length: count }, (_, i) => view.getInt8(t.offset + i));
    return data.slice(t.offset, t.offset + count);
  };
  const layers = arch.layers.map((layer, i) => {
    const spec = expectedTensors({ ...arch, layers: arch.layers }).filter((t) => t.name.startsWith(`layer${i}.`));
    const [w, a, b] = spec.map((t) => read(t.name, t.dtype, t.shape));
    if (layer.kind === 'deconv' && layer.last)
      return { weights: w as Int8Array, bias: (a as Int32Array)[0]!, sigmoid: b as Uint8Array } satisfies LastLayer;
    const signs = b as Int8Array;
    const bad = signs.findIndex((s) => s !== 1 && s !== -1);
    if (bad >= 0) fail(`layer${i}.signs[${bad}] is ${signs[bad]}: must be +1 or −1`);
    return { weights: w as Uint8Array, thresholds: a as Int32Array, signs } satisfies BinaryLayer;
  });
  return { model: { arch, layers }, hash: createHash('sha256').update(bytes).digest('hex'), meta: header.meta ?? {} };
}

export function readModelFile(path: string, expect?: Architecture) {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ModelError(`cannot read model ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return decodeModel(bytes, path, expect);
}

/** Writes atomically (temporary file, then rename): a crash never leaves half a model. */
export function writeModelFile(path: string, model: Model, meta: Record<string, unknown> = {}): void {
  writeFileAtomic(path, encodeModel(model, meta));
}
