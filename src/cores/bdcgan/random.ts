/**
 * Models with random weights, for tests, co-simulation and benchmarks (not for pictures): ±1 weights, small
 * random thresholds with some comparisons flipped (batch-norm γ < 0), a random 8-bit last layer.
 */
import { layerInputs, type Architecture } from './arch.ts';
import { sigmoidTable, type BinaryLayer, type LastLayer, type Model } from './reference.ts';

/** mulberry32 */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomModel(arch: Architecture, seed: number): Model {
  const random = seeded(seed);
  const layers = arch.layers.map((layer): BinaryLayer | LastLayer => {
    const inputs = layerInputs(layer, arch.labels);
    const outputs = layer.kind === 'dense' ? layer.outputs : layer.outChannels;
    const n = layer.kind === 'dense' ? inputs * outputs : inputs * outputs * layer.kernel * layer.kernel;
    if (layer.kind === 'deconv' && layer.last) {
      return { weights: Int8Array.from({ length: n }, () => Math.floor(random() * 255) - 127), bias: Math.floor(random() * 200) - 100, sigmoid: sigmoidTable(0.01) };
    }
    return {
      weights: Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)),
      thresholds: Int32Array.from({ length: outputs }, () => Math.floor(random() * 9) - 4),
      signs: Int8Array.from({ length: outputs }, () => (random() < 0.2 ? -1 : 1)),
    };
  });
  return { arch, layers };
}
