/**
 * TensorFlow.js on its WebAssembly backend: the pure-JS CPU backend is far too slow for training here and
 * tfjs-node needs a native download (measured, ../shared/REFERENCES.md); the wasm matMul runs ≈ 10 GFLOP/s on
 * two cores. The trainer sticks to ops the wasm backend has kernels and gradients for (matMul, slice, pad,
 * concat, stack, reshape, transpose, elementwise), which is why the transposed convolutions are written as
 * four sub-pixel matrix products instead of conv2dTranspose.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };

let ready: Promise<void> | undefined;

/** Selects the wasm backend once per process. */
export function initTf(): Promise<void> {
  ready ??= (async () => {
    tf.env().set('IS_TEST', false);
    if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js wasm backend did not initialise');
    await tf.ready();
  })();
  return ready;
}
