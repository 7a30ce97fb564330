/**
 * Models with random weights, for tests, co-simulation and benchmarks (not for pictures): ±1 weights, small
 * random thresholds with some comparisons flipped (batch-norm γ < 0), a random 8-bit last layer.
 */
import { layerInputs, type Architecture } from './arch.ts';
import { sigmoidTable, type BinaryLayer, type LastLayer, type Model } from './reference.ts';
import { mulberry32 } from '../../util/random.ts';

export function randomModel(arch: Architecture, seed: number): Model {
  const random = mulberry32(seed);
  const layers = arch.layers.map((layer): BinaryLayer | LastLayer => {
    const inputs = layerInputs(layer, arch.labels);
    const outputs = layer.kind === 'dense' ? layer.outputs : layer.outChannels;
    const n = layer.kind === 'dense' ? inputs * outputs : inputs * outputs * layer.kernel * layer.kernel;
    if (layer.kind === 'deconv' && layer.last) {
      return {
        weights: Int8Array.from({ length: n }, () => Math.floor(random() * 255) - 127),
        bias: Math.floor(random() * 200) - 100,
        sigmoid: sigmoidTable(0.01),
      };
    }
    return {
      weights: Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)),
      thresholds: Int32Array.from({ length: outputs }, () => Math.floor(random() * 9) - 4),
      signs: Int8Array.from({ length: outputs }, () => (random() < 0.2 ? -1 : 1)),
    };
  });
  return { arch, layers };
}
