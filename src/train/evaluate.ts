/**
 * The paper's quality metric: conditional nearest-neighbour accuracy. Each generated image is classified by the
 * label of its nearest (Euclidean) MNIST training image; accuracy is the share classified as the label it was
 * generated for. Distances come from one matrix product per chunk: ‖a − b‖² = ‖b‖² − 2a·b + const(a).
 */
import { loadMnist } from './mnist.ts';
import { initTf, tf } from './tf.ts';
import { IMAGE_PIXELS } from '../cores/bdcgan/arch.ts';

export interface Accuracy {
  accuracy: number;
  perLabel: number[];
  predicted: number[];
}

export async function nearestNeighbourAccuracy(
  images: Uint8Array[],
  labels: number[],
  classes = 10,
): Promise<Accuracy> {
  await initTf();
  const train = loadMnist('train');
  const chunk = 6000;
  const queries = tf.tensor2d(Float32Array.from(images.flatMap((im) => Array.from(im, (v) => v / 255))), [
    images.length,
    IMAGE_PIXELS,
  ]);
  const best = new Float32Array(images.length).fill(Infinity);
  const predicted = new Array<number>(images.length).fill(-1);
  for (let first = 0; first < train.count; first += chunk) {
    const count = Math.min(chunk, train.count - first);
    const pixels = Float32Array.from(
      train.images.subarray(first * IMAGE_PIXELS, (first + count) * IMAGE_PIXELS),
      (v) => v / 255,
    );
    const [index, distance] = tf.tidy(() => {
      const reference = tf.tensor2d(pixels, [count, IMAGE_PIXELS]);
      const norms = tf.sum(tf.square(reference), 1);
      const d = tf.sub(norms, tf.mul(tf.matMul(queries, tf.transpose(reference)), 2)); // [queries, count]
      return [tf.argMin(d, 1), tf.min(d, 1)];
    });
    const idx = index!.dataSync();
    const dist = distance!.dataSync();
    for (let q = 0; q < images.length; q++) {
      if (dist[q]! < best[q]!) {
        best[q] = dist[q]!;
        predicted[q] = train.labels[first + idx[q]!]!;
      }
    }
    tf.dispose([index!, distance!]);
  }
  queries.dispose();
  const right = new Array<number>(classes).fill(0);
  const total = new Array<number>(classes).fill(0);
  labels.forEach((label, i) => {
    total[label]!++;
    if (predicted[i] === label) right[label]!++;
  });
  const correct = right.reduce((a, b) => a + b, 0);
  return {
    accuracy: correct / images.length,
    perLabel: right.map((r, d) => (total[d] ? r / total[d]! : 0)),
    predicted,
  };
}
