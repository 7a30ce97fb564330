/**
 * The shipped default model (models/mnist-up5k.sbgan, made by `spinbit train bdcgan`; card:
 * models/mnist-up5k.md): it loads and validates, is built for the preset the demo's bitstream uses, round-trips
 * through the safetensors import, and draws the requested digits: conditional nearest-neighbour accuracy on 200
 * images from the integer reference ≥ 80 % (measured 86.5 %; chance is 10 %). The 1000-image measurement from
 * the generator RTL (87.0 %) and the full-precision twin are in the card.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { PRESETS } from '../src/cores/bdcgan/arch.ts';
import { encodeModel, readModelFile } from '../src/cores/bdcgan/format.ts';
import { exportSafetensors, importSafetensors } from '../src/cores/bdcgan/safetensors.ts';
import { generate, quantizeLatent } from '../src/cores/bdcgan/reference.ts';
import { LAST_SCALE } from '../src/train/gan.ts';
import { nearestNeighbourAccuracy } from '../src/train/evaluate.ts';
import { seededRandom } from './helpers.ts';

const MODEL = fileURLToPath(new URL('../models/mnist-up5k.sbgan', import.meta.url));

describe('shipped model', () => {
  it('loads, and round-trips through the safetensors import to the identical model', () => {
    const { model, meta } = readModelFile(MODEL);
    // the architecture the demo's bitstream is built for (a preset change needs a retrained model)
    expect(model.arch).toEqual(PRESETS['mnist-up5k']);
    expect(meta.trained).toBeDefined();
    const back = importSafetensors(exportSafetensors(model, LAST_SCALE), model.arch, 'round trip');
    expect(Buffer.from(encodeModel(back)).equals(Buffer.from(encodeModel(model)))).toBe(true);
  });

  it('draws the requested digits: conditional 1-NN accuracy ≥ 80 % on 200 images', async () => {
    const { model } = readModelFile(MODEL);
    const random = seededRandom(77);
    const labels = Array.from({ length: 200 }, (_, i) => i % 10);
    const images = labels.map((label) =>
      generate(model, quantizeLatent(Array.from({ length: model.arch.latent }, () => random() * 2 - 1)), label),
    );
    const { accuracy } = await nearestNeighbourAccuracy(images, labels);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
  });
});
