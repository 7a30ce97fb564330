/**
 * `spinbit train bdcgan` and `spinbit eval bdcgan`: train the conditional B-DCGAN on MNIST (src/train/), and
 * measure a generator with the paper's metric, conditional nearest-neighbour accuracy, and with diversity
 * figures the paper's metric cannot see (k-NN precision and recall, within-label spread: src/train/diversity.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { UserError } from '../errors.ts';
import { checkWritable } from '../util/files.ts';
import { DIVERSITY_K, type Diversity, diversityByLabel, digitsByLabel } from '../train/diversity.ts';
import { loadMnist } from '../train/mnist.ts';
import { countOption, jsonOption, numberParser, outDirOption, seedOption, writeJson } from './options.ts';

const positiveInt = (name: string) => numberParser(name, 'positive');
const number = (name: string, description: string, fallback: number) =>
  new Option(`${name} <x>`, description).argParser(numberParser(name)).default(fallback);

export function addTrainCommands(program: Command): void {
  const train = program
    .command('train')
    .description('train a model for an accelerator')
    .addHelpText('after', '\nExample:\n  spinbit train bdcgan --epochs 6 --seed 1 --out runs/mnist-up5k');
  train
    .command('bdcgan')
    .description(
      'train the conditional binarized DCGAN generator on MNIST (BinaryNet: sign forward, straight-through gradients)',
    )
    .option(
      '--preset <name>',
      'generator architecture: mnist-up5k, mnist-up5k-z64, paper or paper-labels (kernel 5)',
      'mnist-up5k',
    )
    .option('--epochs <n>', 'epochs to reach (a resumed run continues to this many)', positiveInt('--epochs'), 5)
    .option('--batch <n>', 'batch size', positiveInt('--batch'), 64)
    .addOption(number('--lr', 'Adam learning rate (both networks)', 2e-4))
    .addOption(number('--beta1', 'Adam β1', 0.5))
    .addOption(seedOption('seed: initial weights, shuffling, z and labels'))
    .addOption(
      number('--binary-lr-scale', "learning-rate multiplier for the binary layers' latent weights (BinaryNet)", 10),
    )
    .addOption(number('--class-weight', 'weight of the auxiliary class loss in the generator loss', 1))
    .option(
      '--minibatch-std',
      "the discriminator also sees how varied each batch is (ProGAN's minibatch standard deviation): against collapse",
    )
    .addOption(
      number(
        '--mode-seeking',
        'weight of the mode-seeking term in the generator loss (MSGAN: images of one label from different z must differ)',
        0,
      ),
    )
    .option('--images <n>', 'MNIST training images to use (the first n)', positiveInt('--images'), 60000)
    .option('--full-precision', 'train the same architecture with float weights and activations (the comparison twin)')
    .addOption(outDirOption('checkpoint.safetensors, model.sbgan, sample grids and log.json').makeOptionMandatory())
    .option('--resume', 'continue from the checkpoint in --out')
    .addHelpText(
      'after',
      '\nExample:\n  spinbit train bdcgan --epochs 6 --seed 1 --out runs/mnist-up5k\n' +
        '  spinbit train bdcgan --epochs 8 --seed 1 --out runs/mnist-up5k --resume',
    )
    .action(async (flags: Record<string, unknown>) => {
      const { Trainer, saveEpoch } = await import('../train/trainer.ts');
      const { SingleBar, Presets } = await import('cli-progress');
      const out = String(flags.out);
      const checkpoint = join(out, 'checkpoint.safetensors');
      if (!flags.resume && existsSync(checkpoint))
        throw new UserError(`${out} holds a checkpoint already: add --resume to continue it, or choose another --out`);
      const recipe = {
        preset: String(flags.preset),
        fullPrecision: Boolean(flags.fullPrecision),
        batch: flags.batch as number,
        learningRate: flags.lr as number,
        beta1: flags.beta1 as number,
        seed: flags.seed as number,
        images: flags.images as number,
        binaryLrScale: flags.binaryLrScale as number,
        ...(flags.classWeight !== 1 ? { classWeight: flags.classWeight as number } : {}),
        ...(flags.minibatchStd ? { minibatchStd: true } : {}),
        ...((flags.modeSeeking as number) > 0 ? { modeSeeking: flags.modeSeeking as number } : {}),
      };
      if (!(recipe.learningRate > 0 && recipe.learningRate < 1))
        throw new UserError(`--lr must be between 0 and 1, got ${recipe.learningRate}`);
      if (!((flags.modeSeeking as number) >= 0 && (flags.modeSeeking as number) <= 100))
        throw new UserError(`--mode-seeking must be from 0 to 100, got ${String(flags.modeSeeking)}`);
      if (!((flags.classWeight as number) >= 0 && (flags.classWeight as number) <= 100))
        throw new UserError(`--class-weight must be from 0 to 100, got ${String(flags.classWeight)}`);
      const trainer = await Trainer.create(recipe);
      if (flags.resume) {
        await trainer.loadCheckpoint(checkpoint);
        console.log(`resumed ${checkpoint} after epoch ${trainer.epoch}`);
      }
      const epochs = flags.epochs as number;
      const kind = recipe.fullPrecision ? 'full-precision' : 'binarized';
      console.log(
        `training the ${kind} ${recipe.preset} generator: ${recipe.images} images, batch ${recipe.batch}, ` +
          `${trainer.stepsPerEpoch} steps per epoch, epochs ${trainer.epoch + 1}…${epochs}`,
      );
      const tty = Boolean(process.stderr.isTTY);
      for (let epoch = trainer.epoch; epoch < epochs; epoch++) {
        const bar = new SingleBar(
          {
            format:
              `epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} steps | D {lossD} G {lossG} | ` +
              '{rate} samples/s | eta {eta_formatted}',
            noTTYOutput: !tty,
            notTTYSchedule: 30_000,
            stream: process.stderr,
          },
          Presets.shades_classic,
        );
        bar.start(trainer.stepsPerEpoch, 0, { lossD: '-', lossG: '-', rate: '-' });
        const log = await trainer.runEpoch((p) =>
          bar.update(p.step, { lossD: p.lossD.toFixed(3), lossG: p.lossG.toFixed(3), rate: p.samplesPerS.toFixed(0) }),
        );
        bar.stop();
        const saved = await saveEpoch(trainer, out);
        console.log(
          `epoch ${epoch + 1}: D ${log.lossD.toFixed(3)}, G ${log.lossG.toFixed(3)}, ` +
            `${log.samplesPerS.toFixed(0)} samples/s, ${log.seconds.toFixed(0)} s — ` +
            `${saved.grid}${saved.model ? `, ${saved.model}` : ''}`,
        );
      }
    });

  const evaluate = program
    .command('eval')
    .description('measure a trained model')
    .addHelpText('after', '\nExample:\n  spinbit eval bdcgan --model models/mnist-up5k.sbgan --n 1000');
  evaluate
    .command('bdcgan')
    .description(
      'conditional nearest-neighbour accuracy (generate per label, classify each image by its nearest MNIST ' +
        'training image), and per label against MNIST test digits of that label: k-NN precision and recall ' +
        '(k = 3) and within-label spread',
    )
    .option(
      '--model <file>',
      'integer model (.sbgan): images from the integer reference, or the virtual board with --sim',
    )
    .option(
      '--checkpoint <file>',
      'a training checkpoint (e.g. a --full-precision twin): images from the float generator',
    )
    .option(
      '--sim',
      'with --model: make the images on the virtual board (generator RTL in Verilator), checked against the reference',
    )
    .addOption(countOption('--n', 'images (labels 0-9 in turn)', 1000))
    .addOption(
      countOption(
        '--real-per-label',
        'MNIST test digits per label for precision, recall and spread (the first ones of each label; ' +
          'at most what the test set has, 892 fives)',
        200,
      ),
    )
    .addOption(seedOption('seed for z', 2024))
    .addOption(jsonOption('the result'))
    .addHelpText(
      'after',
      '\nExample:\n  spinbit eval bdcgan --model models/mnist-up5k.sbgan --n 1000 --sim\n' +
        '  spinbit eval bdcgan --checkpoint runs/fp/checkpoint.safetensors --n 1000',
    )
    .action(async (flags: Record<string, unknown>) => {
      if (Boolean(flags.model) === Boolean(flags.checkpoint))
        throw new UserError('say what to evaluate with exactly one of --model, --checkpoint');
      if (flags.sim && !flags.model) throw new UserError('--sim runs an integer model: use it with --model');
      if (flags.json) checkWritable(String(flags.json), '--json');
      const { latentVectors } = await import('../cores/bdcgan/latent.ts');
      const { nearestNeighbourAccuracy } = await import('../train/evaluate.ts');
      const n = flags.n as number;
      const labels = Array.from({ length: n }, (_, i) => i % 10);
      let images: Uint8Array[];
      let source: string;
      if (flags.model) {
        const { readModelFile } = await import('../cores/bdcgan/format.ts');
        const { generate } = await import('../cores/bdcgan/reference.ts');
        const { model, hash } = readModelFile(String(flags.model));
        const zs = latentVectors(n, model.arch.latent, flags.seed as number);
        images = zs.map((z, i) => generate(model, z, labels[i]!));
        source = `${flags.model} (integer reference)`;
        if (flags.sim) {
          const { runBdcgan } = await import('../cores/bdcgan/run.ts');
          const requests = zs.map((z, i) => ({ z, label: labels[i]! }));
          const run = await runBdcgan({ target: { kind: 'virtual' }, model, modelHash: hash, requests, check: true });
          images = run.images;
          source = `${flags.model} (virtual board, ${n} images identical to the integer reference)`;
        }
      } else {
        const { generatorFromCheckpoint, floatImages } = await import('../train/trainer.ts');
        const { generator, recipe } = await generatorFromCheckpoint(String(flags.checkpoint));
        const zs = latentVectors(n, generator.arch.latent, flags.seed as number);
        images = floatImages(generator, zs, labels);
        source = `${flags.checkpoint} (${recipe.fullPrecision ? 'full-precision' : 'binarized'} float generator)`;
      }
      const started = performance.now();
      const result = await nearestNeighbourAccuracy(images, labels);
      console.log(
        `${source}: conditional 1-NN accuracy ${(100 * result.accuracy).toFixed(1)} % on ${n} images ` +
          `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
      console.log(`per label: ${result.perLabel.map((a, d) => `${d}: ${(100 * a).toFixed(0)} %`).join(', ')}`);
      const diversity = measureDiversity(images, labels, flags.realPerLabel as number);
      if (diversity) printDiversity(diversity);
      if (flags.json)
        await writeJson(String(flags.json), {
          source,
          n,
          seed: flags.seed,
          accuracy: result.accuracy,
          perLabel: result.perLabel,
          diversity: diversity?.figures ?? null,
        });
    });
}

/**
 * Precision, recall and spread against the MNIST test digits of each label, or undefined (with a note) when a
 * label has too few generated images for a k-NN manifold. Held-out digits (the test set, not the training set
 * the 1-NN accuracy searches), so that copying training digits scores as real handwriting does (MNIST train
 * against test: precision 0.84, recall 0.85), not a perfect 1.
 */
function measureDiversity(images: Uint8Array[], labels: number[], realPerLabel: number) {
  const fewest = Math.min(...Array.from({ length: 10 }, (_, d) => labels.filter((l) => l === d).length));
  if (fewest <= DIVERSITY_K) {
    console.log(
      `precision, recall and spread need more than k = ${DIVERSITY_K} images per label: ` +
        `--n ${10 * (DIVERSITY_K + 1)} or more`,
    );
    return undefined;
  }
  const started = performance.now();
  const real = digitsByLabel(loadMnist('t10k'), realPerLabel);
  const figures = diversityByLabel(images, labels, real);
  return { figures, seconds: (performance.now() - started) / 1000 };
}

function printDiversity({ figures, seconds }: { figures: Diversity; seconds: number }): void {
  const range = (counts: number[]) => {
    const [low, high] = [Math.min(...counts), Math.max(...counts)];
    return low === high ? `${low}` : `${low}–${high}`;
  };
  const generated = range(figures.perLabel.map((l) => l.generated));
  const real = range(figures.perLabel.map((l) => l.real));
  console.log(
    `against MNIST test digits of the same label (k = ${figures.k}, ${generated} generated / ${real} MNIST test ` +
      `per label, pixel space; ${seconds.toFixed(1)} s): precision ${figures.precision.toFixed(2)}, ` +
      `recall ${figures.recall.toFixed(2)}, spread ${figures.spread.toFixed(2)} (means over labels)`,
  );
  const row = (name: string, key: 'precision' | 'recall' | 'spread') =>
    `${name} per label: ${figures.perLabel.map((l) => `${l.label}: ${l[key].toFixed(2)}`).join(', ')}`;
  console.log(row('precision', 'precision'));
  console.log(row('recall', 'recall'));
  console.log(row('spread', 'spread'));
}
