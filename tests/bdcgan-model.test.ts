/** The B-DCGAN model file: round trip, and clear errors for truncated, corrupt, foreign or mismatched files. */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerInputs, PRESETS, type Architecture } from '../src/cores/bdcgan/arch.ts';
import { decodeModel, encodeModel, readModelFile, writeModelFile } from '../src/cores/bdcgan/format.ts';
import { layersModule } from '../src/cores/bdcgan/rtl.ts';
import { generate, quantizeLatent, type BinaryLayer } from '../src/cores/bdcgan/reference.ts';
import { randomModel, seededRandom } from './helpers.ts';

describe('B-DCGAN model file', () => {
  const arch = PRESETS['mnist-up5k-z64']!;
  const model = randomModel(arch, 1);
  const bytes = encodeModel(model, { recipe: 'random test weights' });

  it('round-trips every tensor, and the decoded model generates the same images', () => {
    const { model: back, hash, meta } = decodeModel(bytes, 'test', arch);
    expect(meta).toEqual({ recipe: 'random test weights' });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    for (const [i, layer] of model.layers.entries()) {
      for (const [key, value] of Object.entries(layer)) {
        const got = (back.layers[i] as unknown as Record<string, unknown>)[key];
        expect(typeof value === 'number' ? got : Array.from(got as ArrayLike<number>), `layer ${i} ${key}`).toEqual(
          typeof value === 'number' ? value : Array.from(value as ArrayLike<number>),
        );
      }
    }
    const z = quantizeLatent(Array.from({ length: 64 }, (_, i) => Math.sin(i)));
    expect(Array.from(generate(back, z, 4))).toEqual(Array.from(generate(model, z, 4)));
    // 0.53 Mbit of weights (66 KB) + 3168 thresholds (int32) and signs + the last layer + the sigmoid table
    expect(bytes.length).toBeLessThan(90_000);
  });

  it('truncated, corrupted, foreign and mismatched files fail with one clear line', () => {
    expect(() => decodeModel(bytes.subarray(0, 20), 'm.sbgan')).toThrow(/m.sbgan: truncated/);
    expect(() => decodeModel(bytes.subarray(0, bytes.length - 100), 'm.sbgan')).toThrow(
      /corrupt or truncated: SHA-256 checksum does not match/,
    );
    const flipped = bytes.slice();
    flipped[5000]! ^= 0x40;
    expect(() => decodeModel(flipped, 'm.sbgan')).toThrow(/checksum does not match/);
    expect(() =>
      decodeModel(new TextEncoder().encode('{"hello": "world"} padding padding padding padding padding'), 'x.json'),
    ).toThrow(/not a spinbit B-DCGAN model/);
    const paperModel = encodeModel(randomModel(PRESETS.paper!, 2));
    expect(() => decodeModel(paperModel, 'paper.sbgan', arch)).toThrow(
      /is a model for architecture 'paper' \(6 layers\), not 'mnist-up5k-z64'/,
    );
    const badSigns = randomModel(arch, 3);
    (badSigns.layers[0] as BinaryLayer).signs[7] = 0;
    const decodeBadSigns = () => decodeModel(encodeModel(badSigns), 'bad.sbgan');
    expect(decodeBadSigns).toThrow(/layer0.signs\[7\] is 0: must be \+1 or −1/);
    const broken: Architecture = { ...arch, reshape: { channels: 32, side: 7 } };
    expect(() => encodeModel({ ...model, arch: broken })).toThrow(
      /reshape 32×7×7 does not match the dense output 3136/,
    );
  });

  it("reads a file from before the rename (architecture 'mnist-up5k' with the z64 shape) as mnist-up5k-z64", () => {
    const before = encodeModel({ ...model, arch: { ...arch, name: 'mnist-up5k' } });
    expect(decodeModel(before, 'old.sbgan').model.arch).toEqual(PRESETS['mnist-up5k-z64']);
    // the current mnist-up5k keeps its name
    const current = encodeModel(randomModel(PRESETS['mnist-up5k']!, 5));
    expect(decodeModel(current, 'new.sbgan').model.arch).toEqual(PRESETS['mnist-up5k']);
  });

  it('writes atomically and reads back from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinbit-model-'));
    const file = join(dir, 'm.sbgan');
    writeModelFile(file, model);
    expect(readdirSync(dir)).toEqual(['m.sbgan']);
    expect(Buffer.from(readFileSync(file)).equals(Buffer.from(encodeModel(model)))).toBe(true);
    expect(readModelFile(file, arch).model.arch.name).toBe('mnist-up5k-z64');
    expect(() => readModelFile(join(dir, 'missing.sbgan'))).toThrow(/cannot read model .*missing.sbgan: ENOENT/);
    writeFileSync(join(dir, 'empty.sbgan'), '');
    expect(() => readModelFile(join(dir, 'empty.sbgan'))).toThrow(/truncated \(0 bytes\)/);
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false);
  });
});

describe('safetensors import', () => {
  it('an exported model imports back to the identical integer model (both presets)', async () => {
    const { exportSafetensors, importSafetensors } = await import('../src/cores/bdcgan/safetensors.ts');
    for (const [name, arch] of Object.entries(PRESETS)) {
      const model = randomModel(arch, 9);
      const back = importSafetensors(exportSafetensors(model, 0.01), undefined, name);
      expect(Buffer.from(encodeModel(back)).equals(Buffer.from(encodeModel(model))), name).toBe(true);
    }
  });

  it('folds float latent weights and batch-norm (gamma < 0 included) as the float network would decide', async () => {
    const { encodeSafetensors, importSafetensors } = await import('../src/cores/bdcgan/safetensors.ts');
    const { denseForward } = await import('../src/cores/bdcgan/reference.ts');
    const arch = PRESETS['mnist-up5k-z64']!;
    const random = seededRandom(4);
    const floats = (n: number, scale = 1) => Float64Array.from({ length: n }, () => (random() - 0.5) * 2 * scale);
    const dense = arch.layers[0]!;
    const inputs = layerInputs(dense, 10);
    const outputs = 3136;
    const w0 = floats(outputs * inputs);
    const gamma = floats(outputs);
    const beta = floats(outputs, 3);
    const mean = floats(outputs, 10);
    const variance = Float64Array.from(floats(outputs), (v) => Math.abs(v) * 20 + 0.5);
    const deconv = arch.layers[1]!;
    const last = arch.layers[2]!;
    const tensors: Record<string, { shape: number[]; data: ArrayLike<number> }> = {
      'layers.0.weight': { shape: [outputs, inputs], data: w0 },
      'layers.0.bn.weight': { shape: [outputs], data: gamma },
      'layers.0.bn.bias': { shape: [outputs], data: beta },
      'layers.0.bn.running_mean': { shape: [outputs], data: mean },
      'layers.0.bn.running_var': { shape: [outputs], data: variance },
      'layers.1.weight': {
        shape: [layerInputs(deconv, 10), 32, 4, 4],
        data: floats(layerInputs(deconv, 10) * 32 * 16),
      },
      'layers.1.bn.weight': { shape: [32], data: floats(32) },
      'layers.1.bn.bias': { shape: [32], data: floats(32) },
      'layers.1.bn.running_mean': { shape: [32], data: floats(32) },
      'layers.1.bn.running_var': { shape: [32], data: new Float64Array(32).fill(1) },
      'layers.2.weight': { shape: [layerInputs(last, 10), 1, 4, 4], data: floats(42 * 16, 0.3) },
      'layers.2.bias': { shape: [1], data: [0.1] },
    };
    const model = importSafetensors(encodeSafetensors(tensors), arch, 'float.safetensors');
    // the float network: sign(BN(Σ x·sign(w))) with float32-rounded parameters, against the folded integers
    const f32 = (v: number) => Math.fround(v);
    const z = Int8Array.from({ length: 64 }, () => Math.floor(random() * 3) - 1);
    const { acc, out } = denseForward(
      dense as Extract<typeof dense, { kind: 'dense' }>,
      model.layers[0] as BinaryLayer,
      z,
      6,
      10,
    );
    let negative = 0;
    for (let o = 0; o < outputs; o++) {
      const bn = (f32(gamma[o]!) * (acc[o]! - f32(mean[o]!))) / Math.sqrt(f32(variance[o]!) + 1e-5) + f32(beta[o]!);
      expect(out[o], `output ${o}`).toBe(bn >= 0 ? 1 : -1);
      if (gamma[o]! < 0) negative++;
    }
    expect(negative).toBeGreaterThan(1000);
    expect(() =>
      importSafetensors(
        encodeSafetensors({ ...tensors, 'layers.1.weight': { shape: [144, 32, 5, 5], data: floats(144 * 32 * 25) } }),
        arch,
        'f.safetensors',
      ),
    ).toThrow(/f.safetensors: tensor layers.1.weight has shape \[144, 32, 5, 5\], expected \[144, 32, 4, 4\]/);
    const { 'layers.2.bias': _dropped, ...missing } = tensors;
    expect(() => importSafetensors(encodeSafetensors(missing), arch, 'f.safetensors')).toThrow(
      /tensor layers.2.bias is missing/,
    );
  });
});

describe('model memory image', () => {
  it(
    'round-trips, generates the same images after clamping, ' + 'and sizes the presets against the UP5K SPRAM',
    async () => {
      const { decodeImage, imageLayout, modelImage } = await import('../src/cores/bdcgan/image.ts');
      const arch = PRESETS['mnist-up5k-z64']!;
      const model = randomModel(arch, 12);
      (model.layers[0] as BinaryLayer).thresholds[5] = 2 ** 31 - 1; // a constant output: clamped, same decisions
      (model.layers[1] as BinaryLayer).thresholds[3] = -(2 ** 31);
      const spramBits = 4 * 16384 * 16;
      for (const width of [32, 64]) {
        const { words, table, layout } = modelImage(model, width);
        const back = decodeImage(arch, width, words, table);
        const random = seededRandom(8);
        for (let n = 0; n < 4; n++) {
          const z = quantizeLatent(Array.from({ length: 64 }, () => random() * 2 - 1));
          expect(Array.from(generate(back, z, n))).toEqual(Array.from(generate(model, z, n)));
        }
        const again = modelImage(back, width);
        expect(Array.from(again.words)).toEqual(Array.from(words));
        expect(Array.from(again.table)).toEqual(Array.from(table));
        expect(layout.words * 16).toBeLessThan(spramBits * 0.75); // 0.64 / 0.76 Mbit (P = 32 / 64) of the UP5K's 1 Mbit
        expect(modelImage(randomModel(PRESETS.paper!, 1), width).layout.words * 16).toBeGreaterThan(spramBits * 2);
      }
      expect(() => imageLayout(arch, 16)).toThrow(/datapath width 16: supported 32, 64/);
      // the engine's label mask needs a label's copies in one row: a power of two dividing the stored inputs
      const threeCopies: Architecture = {
        ...arch,
        layers: arch.layers.map((l, i) => (i === 0 ? { ...l, labelCopies: 3 } : l)),
      };
      expect(() => layersModule(threeCopies, 64)).toThrow(
        /layer 0: 3 label copies need a power of two up to 8 dividing 64 inputs and the 64-input row/,
      );
    },
  );
});
