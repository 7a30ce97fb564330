/**
 * The B-DCGAN generator's registers, memories and pixel stream: the one description the generated core's
 * register logic, the host driver (driver.ts) and docs/bdcgan-model.md are generated from.
 */
import { defineContract, idValue } from '../../link/contract.ts';
import { IMAGE_PIXELS } from './arch.ts';
import { TABLE_WORDS } from './image.ts';

/** Words of one image's job (z values, z presence, label), and job slots (a batch). */
export const JOB_WORDS = 16;
export const JOB_SLOTS = 32;

export const bdcganContract = defineContract({
  design: 'bdcgan',
  id: 'BGAN',
  registers: {
    ID: { address: 0, kind: 'constant', value: idValue('BGAN'), doc: 'reads "BGAN"' },
    START: {
      address: 2,
      kind: 'action',
      doc: `write n (1 … ${JOB_SLOTS}): make images for jobs 0 … n − 1 (ignored while busy)`,
    },
    STATUS: { address: 3, kind: 'status', width: 1, doc: "the engine's state (fields below)" },
    MODEL_TAG: {
      address: 4,
      kind: 'storage',
      doc: "the host writes the uploaded model's hash prefix after a verified upload (0 while uploading)",
    },
    CLOCKS: { address: 5, kind: 'status', doc: 'engine clocks since the last START (the hardware cost of a batch)' },
  },
  memories: {
    model: { index: 0, wordBits: 16, depth: 'image words', doc: 'the model image (docs/bdcgan-model.md, image.ts)' },
    table: { index: 1, wordBits: 16, depth: String(TABLE_WORDS), doc: 'sigmoid table and bias' },
    jobs: {
      index: 2,
      wordBits: 16,
      depth: `${JOB_SLOTS} × ${JOB_WORDS}`,
      doc: `per image j at ${JOB_WORDS}·j: z value words, z presence words (⌈latent/16⌉ each), the label`,
    },
  },
  stream: { doc: `${IMAGE_PIXELS} pixels (bytes, row-major) per image, images in job order.` },
  fields: {
    STATUS: [{ name: 'BUSY', bits: 1, doc: 'making images, or pixels not yet sent' }],
  },
});
