/**
 * `spinbit run bdcgan` and `spinbit model`: digits from a B-DCGAN model through the library
 * (src/cores/bdcgan/run.ts) on the integer reference (--ref), the virtual board (--sim) or a board (--port),
 * `--check` requiring every image to equal the reference; and model files. Model format: docs/bdcgan-model.md.
 */
import { type Command, Option } from 'commander';
import { bdcgan } from '../cores/bdcgan/index.ts';
import { imageRequests, parseLabels } from '../cores/bdcgan/latent.ts';
import type { BdcganRunResult } from '../cores/bdcgan/run.ts';
import { UserError } from '../errors.ts';
import { targetFromFlags } from '../run/target.ts';
import { checkWritable, writeFileAtomic } from '../util/files.ts';
import {
  addDesignOptions,
  addTargetOptions,
  boardOption,
  countOption,
  deprecatedAlias,
  pickDesignOptions,
  seedOption,
} from './options.ts';
import { IMAGE_PIXELS } from '../cores/bdcgan/arch.ts';

/** What a generation run prints (the demo prints the same lines). */
export function generationLines(run: BdcganRunResult, summary: { n: number; arch: string; hash: string }): string[] {
  const lines: string[] = [];
  const where = run.target.kind === 'virtual' ? 'virtual board' : 'board';
  if (run.upload) {
    const { skipped, bytes, seconds } = run.upload;
    lines.push(
      skipped
        ? 'weights: the board holds this model already (upload skipped)'
        : `weights: ${bytes} bytes uploaded and read back in ${seconds.toFixed(2)} s`,
    );
    lines.push(
      `${run.images.length} images from the ${where} in ${run.seconds.toFixed(2)} s ` +
        `(${(run.images.length / run.seconds).toFixed(1)} images/s end to end)`,
    );
  }
  const mode = run.target.kind === 'reference' ? 'reference' : where;
  const rate = run.target.kind === 'reference' ? `: ${(summary.n / run.seconds).toFixed(1)} images/s` : '';
  lines.push(`${summary.n} images from ${summary.arch} model ${summary.hash.slice(0, 16)} (${mode})${rate}`);
  if (run.check) lines.push(`check: ${run.check.images} images identical to the integer reference — pass`);
  return lines;
}

/** Writes the grid picture (captioned with labels) and raw bytes a run asked for; returns what it wrote. */
export async function writeDigitOutputs(
  images: Uint8Array[],
  labels: number[],
  files: { grid?: string; raw?: string },
): Promise<string[]> {
  const lines: string[] = [];
  if (files.raw) {
    const bytes = new Uint8Array(images.length * IMAGE_PIXELS);
    for (const [i, image] of images.entries()) bytes.set(image, i * IMAGE_PIXELS);
    writeFileAtomic(files.raw, bytes);
    lines.push(`raw images written to ${files.raw}`);
  }
  if (files.grid) {
    const { writeImageGridPng } = await import('../plot/png.ts');
    const captions = images.map((_, i) => String(labels[i % labels.length]));
    await writeImageGridPng(files.grid, images, 28, captions, Math.min(labels.length, 10));
    lines.push(`grid written to ${files.grid}`);
  }
  return lines;
}

export function addRunBdcgan(run: Command): void {
  const command = run.command('bdcgan').description('generate 28×28 digits with a binarized DCGAN generator model');
  addTargetOptions(command, 'generator').addOption(boardOption('board the generator is built for (--sim, --port)'));
  addDesignOptions(command, bdcgan.options, ['preset', 'fit']);
  command
    .option('--force-upload', 'upload the weights even when the board holds this model')
    .requiredOption('--model <file>', 'model file (.sbgan, docs/bdcgan-model.md); its preset is the architecture')
    .option('--labels <list>', 'labels to generate, e.g. 0-9 or 3,7', '0-9')
    .addOption(countOption('--n', 'number of images (labels repeat in order)', 10))
    .addOption(seedOption('seed of the latent vectors'))
    .option('--grid <file.png>', 'PNG grid of the images, captioned with their labels')
    .option('--raw <file>', 'the images as raw bytes (784 per image, row-major)')
    .addHelpText(
      'after',
      '\nExample:\n  spinbit run bdcgan --ref --model models/mnist-up5k.sbgan --labels 0-9 --n 40 --grid digits.png',
    );
  deprecatedAlias(command, '--out <grid.png>', { flag: '--grid', attribute: 'grid' });
  command.action(async (flags: Record<string, unknown>) => {
    const target = targetFromFlags(flags);
    const files = { grid: flags.grid as string | undefined, raw: flags.raw as string | undefined };
    if (files.grid) checkWritable(files.grid, '--grid');
    if (files.raw) checkWritable(files.raw, '--raw');
    const n = flags.n as number;
    if (n > 100_000) throw new UserError(`--n must be from 1 to 100000, got ${n}`);
    const { readModelFile } = await import('../cores/bdcgan/format.ts');
    const { runBdcgan } = await import('../cores/bdcgan/run.ts');
    const { model, hash } = readModelFile(String(flags.model));
    const labels = parseLabels(String(flags.labels), model.arch.labels);
    const requests = imageRequests(n, model.arch.latent, labels, flags.seed as number);
    const result = await runBdcgan({
      target,
      model,
      modelHash: hash,
      requests,
      board: flags.board as string,
      design: pickDesignOptions(flags, bdcgan.options),
      check: Boolean(flags.check),
      forceUpload: Boolean(flags.forceUpload),
    });
    for (const line of generationLines(result, { n, arch: model.arch.name, hash })) console.log(line);
    for (const line of await writeDigitOutputs(result.images, labels, files)) console.log(line);
  });
}

export function addModelCommands(program: Command): void {
  const model = program
    .command('model')
    .description('B-DCGAN model files: import from safetensors, inspect, make random test weights')
    .addHelpText(
      'after',
      '\nExample:\n  spinbit model import generator.safetensors --preset mnist-up5k --model generator.sbgan',
    );
  const importCommand = model
    .command('import <safetensors>')
    .description('fold a float generator (safetensors, docs/bdcgan-model.md) into a spinbit model')
    .option('--preset <name>', "architecture (default: the file's spinbit.architecture metadata)")
    .addOption(new Option('--model <file>', 'model file to write (.sbgan)'))
    .addHelpText(
      'after',
      '\nExample:\n  spinbit model import generator.safetensors --preset mnist-up5k --model generator.sbgan',
    );
  deprecatedAlias(importCommand, '--out <file>', { flag: '--model', attribute: 'model' });
  importCommand.action(async (input: string, flags: { preset?: string; model?: string }) => {
    const out = requireModelFlag(flags.model);
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
    writeModelFile(out, imported, { importedFrom: input });
    console.log(`${imported.arch.name} model written to ${out}`);
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
      console.log(
        `${file}: ${m.arch.name}, ${m.arch.layers.length} layers, ` +
          `${bits.binary} binary weights + ${bits.last / 8} 8-bit, sha256 ${hash}`,
      );
      if (Object.keys(meta).length) console.log(`meta: ${JSON.stringify(meta)}`);
    });
  const random = model
    .command('random')
    .description('write a model with random weights (for tests and co-simulation, not for pictures)')
    .requiredOption('--preset <name>', 'architecture: mnist-up5k or paper')
    .addOption(seedOption('seed of the weights'))
    .addOption(new Option('--model <file>', 'model file to write (.sbgan)'))
    .addHelpText('after', '\nExample:\n  spinbit model random --preset mnist-up5k --seed 3 --model random.sbgan');
  deprecatedAlias(random, '--out <file>', { flag: '--model', attribute: 'model' });
  random.action(async (flags: { preset: string; seed: number; model?: string }) => {
    const out = requireModelFlag(flags.model);
    const { getPreset } = await import('../cores/bdcgan/arch.ts');
    const { writeModelFile } = await import('../cores/bdcgan/format.ts');
    const { randomModel } = await import('../cores/bdcgan/random.ts');
    const { arch, layers } = randomModel(getPreset(flags.preset), flags.seed);
    writeModelFile(out, { arch, layers }, { random: true, seed: flags.seed });
    console.log(`random ${arch.name} model written to ${out}`);
  });
}

/** --model is required, but its old spelling --out still counts (so commander cannot check it). */
function requireModelFlag(file: string | undefined): string {
  if (!file) throw new UserError("required option '--model <file>' not specified (the model file to write)");
  checkWritable(file, '--model');
  return file;
}
