/** Bit-exact check of generated images against the integer reference (the hardware's arithmetic). */
import type { GenerateRequest } from './latent.ts';
import { generate, type Model } from './reference.ts';

export class ImageCheckFailure extends Error {
  override name = 'ImageCheckFailure';
}

export interface ImageCheckReport {
  images: number;
  verdict: 'identical';
}

/** Every image must equal the reference's for its request; the first difference is named by image and pixel. */
export function compareImages(images: Uint8Array[], model: Model, requests: GenerateRequest[]): ImageCheckReport {
  if (images.length !== requests.length)
    throw new ImageCheckFailure(`--check: ${images.length} images for ${requests.length} requests`);
  images.forEach((image, i) => {
    const { z, label } = requests[i]!;
    const expected = generate(model, z, label);
    const pixel = expected.findIndex((p, j) => image[j] !== p);
    if (pixel >= 0) {
      throw new ImageCheckFailure(
        `--check: image ${i} (label ${label}) differs from the reference at pixel ${pixel}: ` +
          `${image[pixel]} instead of ${expected[pixel]}`,
      );
    }
  });
  return { images: images.length, verdict: 'identical' };
}
