/**
 * The generator's memory images: how a model is laid out in the accelerator's memories, in the order the
 * datapath reads them. The host uploads them over the link and reads them back to verify; `decodeImage` turns
 * them back into a model (tests, readback errors).
 *
 * Model memory: rows of `width` bits (the datapath width P), held as P/16 lanes of 16-bit words: host word
 * address = row · P/16 + lane, lane s = row bits 16s … 16s + 15. Per layer, in architecture order:
 *   binary dense      weights: for each output o, ⌈in/P⌉ rows; row bit j of row r = input P·r + j (1 = +1)
 *   binary deconv     weights: for each output channel o, each tap ky, kx: ⌈in/P⌉ rows over input channels
 *   binary (both)     params: one 16-bit word per output, P/16 per row (output o: row o / (P/16), lane
 *                     o mod (P/16)): threshold · 2 + flag (threshold: 15-bit signed; flag 1: compare ≤)
 *   last layer        weights: for each tap ky, kx: ⌈in/(P/8)⌉ rows, P/8 int8 weights per row (byte b =
 *                     input channel (P/8)·r + b)
 * Table memory (16-bit words): 0 … 511 the sigmoid table, two 8-bit pixels per word (low byte first); 512, 513
 * the last layer's bias (int32, low word first).
 * Thresholds are clamped to ±(fan-in + 1), which changes no decision (|acc| ≤ fan-in).
 */
import { layerInputs, type Architecture } from './arch.ts';
import type { BinaryLayer, LastLayer, Model } from './reference.ts';

/** Datapath widths the engine supports. */
export const WIDTHS = [32, 64] as const;
export const TABLE_WORDS = 514;

export interface LayerRegion {
  /** First weight row. */
  weights: number;
  /** First parameter row (binary layers). */
  params: number;
  /** Rows per output (dense) or per tap (deconvolutions). */
  rowsPerTap: number;
  rows: number;
}

export interface ImageLayout {
  width: number;
  regions: LayerRegion[];
  /** Model memory rows used. */
  rows: number;
  /** 16-bit words of the model memory image (rows · width / 16). */
  words: number;
}

/** Largest |acc| of a layer: present inputs × taps (a bound; decisions beyond it never change). */
export function fanIn(arch: Architecture, index: number): number {
  const layer = arch.layers[index]!;
  const inputs = layerInputs(layer, arch.labels);
  return layer.kind === 'dense' ? inputs : inputs * layer.kernel * layer.kernel;
}

export function imageLayout(arch: Architecture, width: number): ImageLayout {
  if (!(WIDTHS as readonly number[]).includes(width))
    throw new RangeError(`datapath width ${width}: supported ${WIDTHS.join(', ')}`);
  const lanes = width / 16;
  let at = 0;
  const regions = arch.layers.map((layer) => {
    const inputs = layerInputs(layer, arch.labels);
    const start = at;
    if (layer.kind === 'deconv' && layer.last) {
      const rowsPerTap = Math.ceil(inputs / (width / 8));
      at += layer.kernel * layer.kernel * rowsPerTap;
      return { weights: start, params: at, rowsPerTap, rows: at - start };
    }
    const outputs = layer.kind === 'dense' ? layer.outputs : layer.outChannels;
    const taps = layer.kind === 'dense' ? 1 : layer.kernel * layer.kernel;
    const rowsPerTap = Math.ceil(inputs / width);
    at += outputs * taps * rowsPerTap;
    const params = at;
    at += Math.ceil(outputs / lanes);
    return { weights: start, params, rowsPerTap, rows: at - start };
  });
  return { width, regions, rows: at, words: at * lanes };
}

export interface ModelImage {
  layout: ImageLayout;
  /** Model memory, 16-bit words. */
  words: Uint16Array;
  /** Table memory: sigmoid and bias. */
  table: Uint16Array;
}

export function modelImage(model: Model, width: number): ModelImage {
  const { arch } = model;
  const layout = imageLayout(arch, width);
  const lanes = width / 16;
  const words = new Uint16Array(layout.words);
  const table = new Uint16Array(TABLE_WORDS);
  const setBit = (row: number, bit: number) => (words[row * lanes + (bit >> 4)]! |= 1 << (bit & 15));
  arch.layers.forEach((layer, i) => {
    const region = layout.regions[i]!;
    const inputs = layerInputs(layer, arch.labels);
    if (layer.kind === 'deconv' && layer.last) {
      const p = model.layers[i] as LastLayer;
      const k = layer.kernel;
      const perRow = width / 8;
      for (let t = 0; t < k * k; t++) {
        for (let c = 0; c < inputs; c++) {
          const byte = p.weights[c * k * k + t]! & 0xff; // reference layout [1][in][ky][kx]
          const row = region.weights + t * region.rowsPerTap + Math.floor(c / perRow);
          const bit = 8 * (c % perRow);
          words[row * lanes + (bit >> 4)]! |= byte << (bit & 15);
        }
      }
      for (let j = 0; j < 1024; j++) table[j >> 1]! |= p.sigmoid[j]! << (8 * (j & 1));
      table[512] = p.bias & 0xffff;
      table[513] = (p.bias >>> 16) & 0xffff;
      return;
    }
    const p = model.layers[i] as BinaryLayer;
    const outputs = p.thresholds.length;
    const taps = layer.kind === 'dense' ? 1 : layer.kernel * layer.kernel;
    for (let o = 0; o < outputs; o++) {
      for (let t = 0; t < taps; t++) {
        const first = region.weights + (o * taps + t) * region.rowsPerTap;
        for (let c = 0; c < inputs; c++) {
          // reference layouts [out][in] and [out][in][ky][kx]
          if (p.weights[(o * inputs + c) * taps + t]) setBit(first + Math.floor(c / width), c % width);
        }
      }
      const limit = fanIn(arch, i) + 1;
      const threshold = Math.min(Math.max(p.thresholds[o]!, -limit), limit);
      words[region.params * lanes + o] = ((threshold << 1) | (p.signs[o]! < 0 ? 1 : 0)) & 0xffff;
    }
  });
  return { layout, words, table };
}

/** Reads images back into a model (thresholds as clamped in the image). */
export function decodeImage(arch: Architecture, width: number, words: Uint16Array, table: Uint16Array): Model {
  const layout = imageLayout(arch, width);
  if (words.length !== layout.words)
    throw new RangeError(`image has ${words.length} words, ${arch.name} at width ${width} needs ${layout.words}`);
  if (table.length !== TABLE_WORDS) throw new RangeError(`table has ${table.length} words, needs ${TABLE_WORDS}`);
  const lanes = width / 16;
  const bitAt = (row: number, bit: number) => (words[row * lanes + (bit >> 4)]! >> (bit & 15)) & 1;
  const layers = arch.layers.map((layer, i): BinaryLayer | LastLayer => {
    const region = layout.regions[i]!;
    const inputs = layerInputs(layer, arch.labels);
    if (layer.kind === 'deconv' && layer.last) {
      const k = layer.kernel;
      const perRow = width / 8;
      const weights = new Int8Array(inputs * k * k);
      for (let t = 0; t < k * k; t++) {
        for (let c = 0; c < inputs; c++) {
          const row = region.weights + t * region.rowsPerTap + Math.floor(c / perRow);
          const bit = 8 * (c % perRow);
          weights[c * k * k + t] = ((words[row * lanes + (bit >> 4)]! >> (bit & 15)) << 24) >> 24;
        }
      }
      const bias = table[512]! | (table[513]! << 16);
      const sigmoid = Uint8Array.from({ length: 1024 }, (_, j) => (table[j >> 1]! >> (8 * (j & 1))) & 0xff);
      return { weights, bias, sigmoid };
    }
    const outputs = layer.kind === 'dense' ? layer.outputs : layer.outChannels;
    const taps = layer.kind === 'dense' ? 1 : layer.kernel * layer.kernel;
    const weights = new Uint8Array(outputs * inputs * taps);
    for (let o = 0; o < outputs; o++) {
      for (let t = 0; t < taps; t++) {
        const first = region.weights + (o * taps + t) * region.rowsPerTap;
        for (let c = 0; c < inputs; c++)
          weights[(o * inputs + c) * taps + t] = bitAt(first + Math.floor(c / width), c % width);
      }
    }
    const param = (o: number) => words[region.params * lanes + o]!;
    const thresholds = Int32Array.from({ length: outputs }, (_, o) => (param(o) << 16) >> 17);
    const signs = Int8Array.from({ length: outputs }, (_, o) => (param(o) & 1 ? -1 : 1));
    return { weights, thresholds, signs };
  });
  return { arch, layers };
}
