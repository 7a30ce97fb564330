/**
 * Digits from the shipped B-DCGAN model with spinbit as a library: on the integer reference (the hardware's
 * arithmetic, on this machine), then on the virtual board (the generator RTL in Verilator: weights uploaded and
 * read back over the link), every image checked against the reference; a PNG grid of them.
 * Run: npx tsx examples/bdcgan-digits.ts [out.png]
 */
import { imageRequests, readModelFile, runBdcgan, writeImageGridPng } from 'spinbit';

const { model, hash } = readModelFile(new URL('../models/mnist-up5k.sbgan', import.meta.url).pathname);
const labels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const requests = imageRequests(10, model.arch.latent, labels, 7); // seeded latents, one image per label

const reference = await runBdcgan({ target: { kind: 'reference' }, model, modelHash: hash, requests });
console.log(`reference: ${reference.images.length} images in ${reference.seconds.toFixed(2)} s`);

const board = await runBdcgan({ target: { kind: 'virtual' }, model, modelHash: hash, requests, check: true });
console.log(
  `virtual board: weights ${board.upload!.bytes} bytes uploaded and read back; ` +
    `${board.check!.images} images identical to the reference`,
);

const out = process.argv[2];
if (out) {
  await writeImageGridPng(out, board.images, 28, labels.map(String), 10);
  console.log(`grid written to ${out}`);
}
