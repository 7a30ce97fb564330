/**
 * `spinbit run bdcgan` and `spinbit model`: generate digits with a B-DCGAN model, and manage model files.
 * `--ref` runs the integer reference (the exact arithmetic of the hardware), `--sim` the generator RTL on the
 * virtual board, `--port` a board; `--check` compares every image with the reference. Model format:
 * docs/bdcgan-model.md.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UserError } from '../errors.ts';

const integer = (what: string) => (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new UserError(`${what} must be an integer, got '${text}'`);
  return value;
};

/** "0-9", "3", "1,4,7" or "0-4,9" → label list. */
export function parseLabels(text: string, labels = 10): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new UserError(`--labels '${text}': give labels like 0-9, 3 or 1,4,7`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to >= labels) throw new UserError(`--labels '${text}': labels run from 0 to ${labels - 1}`);
    for (let l = from; l <= to; l++) out.push(l);
  }
  return out;
}

/** Seeded latent vectors: U[−1, 1] from mulberry32(seed), quantised to −1, 0, +1 (the paper's z). */
export async function latentVectors(count: number, size: number, seed: number): Promise<Int8Array[]> {
  const { quantizeLatent } = await import('../cores/bdcgan/reference.ts');
  const { mulberry32 } = await import('../util/random.ts');
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => quantizeLatent(Array.from({ length: size }, () => random() * 2 - 1)));
}

export function addRunBdcgan(run: Command): void {
  run
    .command('bdcgan')
    .description('generate 28×28 digits with a binarized DCGAN generator model')
    .option('--ref', 'run the integer reference on this machine (the hardware arithmetic)')
    .option('--sim', 'run the generator RTL on the virtual board (Verilator behind a pty)')
    .option('--port <path>', 'run on a board flashed with `spinbit build bdcgan`')
    .option('--check', 'with --sim / --port: require every image to equal the integer reference')
    .option('--board <name>', 'board the generator is built for (--sim, --port)', 'icebreaker')
    .option('--clock-mhz <mhz>', 'core clock the bitstream was built with (--port)', Number)
    .option('--baud <n>', 'UART baud rate the bitstream was built with', Number)
    .addOption(new Option('--width <bits>', 'datapath width the bitstream was built with').choices(['32', '64']).default('64'))
    .option('--force-upload', 'upload the weights even when the board holds this model')
    .requiredOption('--model <file>', 'model file (.sbgan, docs/bdcgan-model.md)')
    .option('--labels <list>', 'labels to generate, e.g. 0-9 or 3,7', '0-9')
    .option('--n <count>', 'number of images (labels repeat in order)', integer('--n'), 10)
    .option('--seed <n>', 'seed of the latent vectors', integer('--seed'), 1)
    .option('--out <grid.png>', 'PNG grid of the images, captioned with their labels')
    .option('--raw <file>', 'the images as raw bytes (784 per image, row-major)')
    .addHelpText('after', '\nExample:\n  spinbit run bdcgan --ref --model models/mnist-up5k.sbgan --labels 0-9 --n 40 --out digits.png')
    .action(async (flags: Record<string, unknown>) => {
      const where = [flags.ref && '--ref', flags.sim && '--sim', flags.port && '--port'].filter(Boolean);
      if (where.length !== 1) throw new UserError(`say where to run with exactly one of --ref, --sim, --port${where.length ? ` (got ${where.join(' ')})` : ''}`);
      if (flags.check && flags.ref) throw new UserError('--check compares the generator with the reference: use it with --sim or --port');
      const n = flags.n as number;
      if (!(n >= 1 && n <= 100_000)) throw new UserError(`--n must be from 1 to 100000, got ${n}`);
      const { readModelFile } = await import('../cores/bdcgan/format.ts');
      const { generate } = await import('../cores/bdcgan/reference.ts');
      const { model, hash } = readModelFile(String(flags.model));
      const labels = parseLabels(String(flags.labels), model.arch.labels);
      const zs = await latentVectors(n, model.arch.latent, flags.seed as number);
      const started = performance.now();
      let images: Uint8Array[];
      if (flags.ref) {
        images = zs.map((z, i) => generate(model, z, labels[i % labels.length]!));
      } else {
        images = await onEngine(flags, model, hash, zs, labels);
        if (flags.check) {
          images.forEach((image, i) => {
            const expected = generate(model, zs[i]!, labels[i % labels.length]!);
            const pixel = expected.findIndex((p, j) => image[j] !== p);
            if (pixel >= 0) throw new Error(`--check: image ${i} (label ${labels[i % labels.length]}) differs from the reference at pixel ${pixel}: ${image[pixel]} instead of ${expected[pixel]}`);
          });
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const mode = flags.ref ? 'reference' : flags.sim ? 'virtual board' : 'board';
      // engines print their own rate (generation only); here it would include the build and upload
      console.log(`${n} images from ${model.arch.name} model ${hash.slice(0, 16)} (${mode})${flags.ref ? `: ${(n / seconds).toFixed(1)} images/s` : ''}`);
      if (flags.check) console.log(`check: ${n} images identical to the integer reference — pass`);
      if (flags.raw) {
        const file = String(flags.raw);
        const bytes = new Uint8Array(n * 784);
        images.forEach((image, i) => bytes.set(image, i * 784));
        const temp = `${file}.tmp-${process.pid}`;
        writeFileSync(temp, bytes);
        renameSync(temp, file);
        console.log(`raw images written to ${file}`);
      }
      if (flags.out) {
        const { writeImageGridPng } = await import('../plot/png.ts');
        const columns = Math.min(labels.length, 10);
        await writeImageGridPng(String(flags.out), images, 28, images.map((_, i) => String(labels[i % labels.length])), columns);
        console.log(`grid written to ${String(flags.out)}`);
      }
    });
}

export function addModelCommands(program: Command): void {
  const model = program
    .command('model')
    .description('B-DCGAN model files: import from safetensors, inspect, make random test weights')
    .addHelpText('after', '\nExample:\n  spinbit model import generator.safetensors --preset mnist-up5k --out generator.sbgan');
  model
    .command('import <safetensors>')
    .description('fold a float generator (safetensors, docs/bdcgan-model.md) into a spinbit model')
    .option('--preset <name>', 'architecture (default: the file\'s spinbit.architecture metadata)')
    .requiredOption('--out <file>', 'model file to write')
    .addHelpText('after', '\nExample:\n  spinbit model import generator.safetensors --preset mnist-up5k --out generator.sbgan')
    .action(async (input: string, flags: { preset?: string; out: string }) => {
      const { readFileSync } = await import('node:fs');
      const { getPreset } = await import('../cores/bdcgan/arch.ts');
      const { importSafetensors } = await import('../cores/bdcgan/safetensors.ts');
      const { writeModelFile } = await import('../cores/bdcgan/format.ts');
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(input);
      } catch (e) {
        throw new UserError(`cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const imported = importSafetensors(bytes, flags.preset ? getPreset(flags.preset) : undefined, input);
      writeModelFile(flags.out, imported, { importedFrom: input });
      console.log(`${imported.arch.name} model written to ${flags.out}`);
    });
  model
    .command('info <file>')
    .description('check a model file and print its architecture and size')
    .addHelpText('after', '\nExample:\n  spinbit model info generator.sbgan')
    .action(async (file: string) => {
      const { readModelFile } = await import('../cores/bdcgan/format.ts');
      const { weightBits } = await import('../cores/bdcgan/arch.ts');
      const { model: m, hash, meta } = readModelFile(file);
      const bits = weightBits(m.arch);
      console.log(`${file}: ${m.arch.name}, ${m.arch.layers.length} layers, ${bits.binary} binary weights + ${bits.last / 8} 8-bit, sha256 ${hash}`);
      if (Object.keys(meta).length) console.log(`meta: ${JSON.stringify(meta)}`);
    });
  model
    .command('random')
    .description('write a model with random weights (for tests and co-simulation, not for pictures)')
    .requiredOption('--preset <name>', 'architecture: mnist-up5k or paper')
    .option('--seed <n>', 'seed', integer('--seed'), 1)
    .requiredOption('--out <file>', 'model file to write')
    .addHelpText('after', '\nExample:\n  spinbit model random --preset mnist-up5k --seed 3 --out random.sbgan')
    .action(async (flags: { preset: string; seed: number; out: string }) => {
      const { getPreset } = await import('../cores/bdcgan/arch.ts');
      const { writeModelFile } = await import('../cores/bdcgan/format.ts');
      const { randomModel } = await import('../cores/bdcgan/random.ts');
      const { arch, layers } = randomModel(getPreset(flags.preset), flags.seed);
      writeModelFile(flags.out, { arch, layers }, { random: true, seed: flags.seed });
      console.log(`random ${arch.name} model written to ${flags.out}`);
    });
}

/** --sim / --port: elaborate the generator for the model's preset, connect, upload (unless held), generate. */
async function onEngine(flags: Record<string, unknown>, model: import('../cores/bdcgan/reference.ts').Model, hash: string, zs: Int8Array[], labels: number[]): Promise<Uint8Array[]> {
  const { getBoard } = await import('../boards/index.ts');
  const { elaborate } = await import('../cores/design.ts');
  const { bdcgan } = await import('../cores/bdcgan/index.ts');
  const { SpinbitBoard } = await import('../../host/board.ts');
  const { BdcganBoard } = await import('../../host/bdcgan.ts');
  const { LinkError } = await import('../../host/link.ts');
  const options = {
    preset: model.arch.name,
    fit: flags.sim ? 'simulation' : 'check',
    'clock-mhz': flags.clockMhz as number | undefined,
    baud: flags.baud as number | undefined,
    width: flags.width as string | undefined,
  };
  const elaborated = await elaborate(bdcgan, getBoard(String(flags.board)), options);
  let virtual: { path: string; stop(): Promise<void> } | undefined;
  let timeoutMs: number | undefined; // the link's default for hardware
  if (flags.sim) {
    const { VirtualBoard, VIRTUAL_BOARD_TIMEOUT_MS } = await import('../../sim/virtual-board.ts');
    timeoutMs = VIRTUAL_BOARD_TIMEOUT_MS;
    virtual = await VirtualBoard.start(elaborated);
  }
  const path = virtual ? virtual.path : String(flags.port);
  try {
    const link = await SpinbitBoard.open(path, { baud: elaborated.config.link.baud, expect: { design: 'bdcgan', configHash: elaborated.configHash }, timeoutMs }).catch((error: unknown) => {
      if (error instanceof LinkError) throw new UserError(`${path} does not answer as a spinbit board: ${error.message.replace(`${path}: `, '')} (flashed with \`spinbit build bdcgan\`?)`);
      throw error;
    });
    try {
      const engine = new BdcganBoard(link, elaborated.config);
      await engine.verify();
      const upload = await engine.upload(model, hash, Boolean(flags.forceUpload));
      console.log(upload.skipped ? 'weights: the board holds this model already (upload skipped)' : `weights: ${upload.bytes} bytes uploaded and read back in ${upload.seconds.toFixed(2)} s`);
      const started = performance.now();
      const images = await engine.generateMany(zs.map((z, i) => ({ z, label: labels[i % labels.length]! })));
      const seconds = (performance.now() - started) / 1000;
      console.log(`${images.length} images from the ${flags.sim ? 'virtual board' : 'board'} in ${seconds.toFixed(2)} s (${(images.length / seconds).toFixed(1)} images/s end to end)`);
      return images;
    } finally {
      await link.close();
    }
  } finally {
    await virtual?.stop();
  }
}

/** Images for (z, label) from a model file on the virtual board (the iCEBreaker build of its preset). */
export async function generateOnVirtualBoard(file: string, zs: Int8Array[], labels: number[]): Promise<Uint8Array[]> {
  const { readModelFile } = await import('../cores/bdcgan/format.ts');
  const { model, hash } = readModelFile(file);
  return onEngine({ sim: true, board: 'icebreaker' }, model, hash, zs, labels);
}
