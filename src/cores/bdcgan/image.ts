/**
 * The generator's memory image: how a model is laid out in the accelerator's 16-bit model memory (SPRAM on
 * the UP5K, block RAM elsewhere), in the order the datapath reads it. The host uploads this image over the link
 * and reads it back to verify; `decodeImage` turns it back into a model (tests, readback errors).
 *
 * Per layer, in architecture order:
 *   binary dense        weights: for each output o, ⌈in/16⌋ words; bit j of word w = input 16w + j (1 = +1)
 *   binary deconv       weights: for each output channel o, each tap ky, kx: ⌈in/16⌉ words over input channels
 *   binary (both)       params: for each output, 2 words: threshold (int16), flags (bit 0: compare ≤)
 *   last layer          weights: for each tap ky, kx: ⌈in/2⌉ words, two int8 per word (low byte first);
 *                       bias: 2 words (int32, low word first); sigmoid: 512 words, two 8-bit pixels per word
 * Thresholds are clamped to ±(fan-in + 1), which changes no decision (|acc| ≤ fan-in).
 */
import { layerInputs, type Architecture } from './arch.ts';
import type { BinaryLayer, LastLayer, Model } from './reference.ts';

export interface LayerRegion {
  weights: number;
  params: number;
  words: number;
}

export interface ImageLayout {
  regions: LayerRegion[];
  words: number;
}

const wordsFor = (bits: number) => Math.ceil(bits / 16);

/** Largest |acc| of a layer: present inputs × taps (a bound; decisions beyond it never change). */
export function fanIn(arch: Architecture, index: number): number {
  const layer = arch.layers[index]!;
  const inputs = layerInputs(layer, arch.labels);
  return layer.kind === 'dense' ? inputs : inputs * layer.kernel * layer.kernel;
}

export function imageLayout(arch: Architecture): ImageLayout {
  let at = 0;
  const regions = arch.layers.map((layer) => {
    const inputs = layerInputs(layer, arch.labels);
    const start = at;
    if (layer.kind === 'deconv' && layer.last) {
      const weights = layer.kernel * layer.kernel * Math.ceil(inputs / 2);
      at += weights + 2 + 512;
      return { weights: start, params: start + weights, words: at - start };
    }
    const outputs = layer.kind === 'dense' ? layer.outputs : layer.outChannels;
    const taps = layer.kind === 'dense' ? 1 : layer.kernel * layer.kernel;
    const weights = outputs * taps * wordsFor(inputs);
    at += weights + 2 * outputs;
    return { weights: start, params: start + weights, words: at - start };
  });
  return { regions, words: at };
}

export function modelImage(model: Model): { words: Uint16Array; layout: ImageLayout } {
  const { arch } = model;
  const layout = imageLayout(arch);
  const words = new Uint16Array(layout.words);
  arch.layers.forEach((layer, i) => {
    const region = layout.regions[i]!;
    const inputs = layerInputs(layer, arch.labels);
    if (layer.kind === 'deconv' && layer.last) {
      const p = model.layers[i] as LastLayer;
      const k = layer.kernel;
      const perTap = Math.ceil(inputs / 2);
      for (let t = 0; t < k * k; t++) {
        for (let c = 0; c < inputs; c++) {
          const byte = p.weights[c * k * k + t]! & 0xff; // reference layout [1][in][ky][kx]
          words[region.weights + t * perTap + (c >> 1)]! |= byte << (8 * (c & 1));
        }
      }
      words[region.params] = p.bias & 0xffff;
      words[region.params + 1] = (p.bias >>> 16) & 0xffff;
      for (let j = 0; j < 1024; j++) words[region.params + 2 + (j >> 1)]! |= p.sigmoid[j]! << (8 * (j & 1));
      return;
    }
    const p = model.layers[i] as BinaryLayer;
    const outputs = p.thresholds.length;
    const taps = layer.kind === 'dense' ? 1 : layer.kernel * layer.kernel;
    const perRow = wordsFor(inputs);
    for (let o = 0; o < outputs; o++) {
      for (let t = 0; t < taps; t++) {
        for (let c = 0; c < inputs; c++) {
          const bit = p.weights[(o * inputs + c) * taps + t]!; // reference layouts [out][in] and [out][in][ky][kx]
          if (bit) words[region.weights + (o * taps + t) * perRow + (c >> 4)]! |= 1 << (c & 15);
        }
      }
      const limit = fanIn(arch, i) + 1;
      words[region.params + 2 * o] = Math.min(Math.max(p.thresholds[o]!, -limit), limit) & 0xffff;
      words[region.params + 2 * o + 1] = p.signs[o]! < 0 ? 1 : 0;
    }
  });
  return { words, layout };
}

/** Reads an image back into a model (thresholds as clamped in the image). */
export function decodeImage(arch: Architecture, words: Uint16Array): Model {
  const layout = imageLayout(arch);
  if (words.length !== layout.words) throw new RangeError(`image has ${words.length} words, ${arch.name} needs ${layout.words}`);
  const layers = arch.layers.map((layer, i): BinaryLayer | LastLayer => {
    const region = layout.regions[i]!;
    const inputs = layerInputs(layer, arch.labels);
    if (layer.kind === 'deconv' && layer.last) {
      const k = layer.kernel;
      const perTap = Math.ceil(inputs / 2);
      const weights = new Int8Array(inputs * k * k);
      for (let t = 0; t < k * k; t++) for (let c = 0; c < inputs; c++) weights[c * k * k + t] = ((words[region.weights + t * perTap + (c >> 1)]! >> (8 * (c & 1))) << 24) >> 24;
      const bias = words[region.params]! | (words[region.params + 1]! << 16);
      const sigmoid = Uint8Array.from({ length: 1024 }, (_, j) => (words[region.params + 2 + (j >> 1)]! >> (8 * (j & 1))) & 0xff);
      return { weights, bias, sigmoid };
    }
    const outputs = layer.kind === 'dense' ? layer.outputs : layer.outChannels;
    const taps = layer.kind === 'dense' ? 1 : layer.kernel * layer.kernel;
    const perRow = wordsFor(inputs);
    const weights = new Uint8Array(outputs * inputs * taps);
    for (let o = 0; o < outputs; o++) for (let t = 0; t < taps; t++) for (let c = 0; c < inputs; c++) weights[(o * inputs + c) * taps + t] = (words[region.weights + (o * taps + t) * perRow + (c >> 4)]! >> (c & 15)) & 1;
    const thresholds = Int32Array.from({ length: outputs }, (_, o) => (words[region.params + 2 * o]! << 16) >> 16);
    const signs = Int8Array.from({ length: outputs }, (_, o) => (words[region.params + 2 * o + 1]! & 1 ? -1 : 1));
    return { weights, thresholds, signs };
  });
  return { arch, layers };
}
