/**
 * The B-DCGAN design's library entry point: images from a model on any target — the integer reference, the
 * virtual board or a board (weights uploaded and read back, skipped when the board holds the model) — with the
 * bit-exact check against the reference. The CLI, the demo, the eval, the bench and the examples call this.
 *
 *   const { model, hash } = readModelFile('models/mnist-up5k.sbgan');
 *   const run = await runBdcgan({ target: { kind: 'virtual' }, model, modelHash: hash,
 *                                 requests: imageRequests(20, model.arch.latent, [0, 1, 2], 1), check: true });
 */
import { getBoard } from '../../boards/index.ts';
import { UserError } from '../../errors.ts';
import { withBoard, type Target } from '../../run/target.ts';
import { elaborate, type DesignOptions, type Elaborated, type SelfCheckOptions } from '../../design/design.ts';
import { compareImages, type ImageCheckReport } from './check.ts';
import { decodeModel, encodeModel } from './format.ts';
import { bdcgan, type BdcganConfig } from './index.ts';
import { imageRequests, type GenerateRequest } from './latent.ts';
import { randomModel } from './random.ts';
import { generate, type Model } from './reference.ts';

export interface BdcganRunRequest {
  target: Target;
  model: Model;
  /** The model file's sha256 (format.ts): the board's MODEL_TAG remembers which model it holds. */
  modelHash: string;
  requests: GenerateRequest[];
  /** Board the generator is built for (virtual board and port; default icebreaker). */
  board?: string;
  /**
   * Build options of the generator (`spinbit build bdcgan` flags: width, clock-mhz, baud); the preset is the
   * model's.
   */
  design?: DesignOptions;
  /** Require every image to equal the integer reference. */
  check?: boolean;
  /** Upload the weights even when the board holds this model. */
  forceUpload?: boolean;
  onImage?: (done: number) => void;
}

export interface BdcganRunResult {
  target: Target;
  images: Uint8Array[];
  /** Board targets: the weight upload (skipped when the board held the model). */
  upload?: { skipped: boolean; seconds: number; bytes: number };
  check?: ImageCheckReport;
  /** Seconds spent generating (upload, build and board start excluded). */
  seconds: number;
}

export async function runBdcgan(request: BdcganRunRequest): Promise<BdcganRunResult> {
  const { target, model, requests } = request;
  if (target.kind === 'reference') {
    if (request.check)
      throw new UserError('--check compares the generator with the reference: use it with --sim or --port');
    const started = performance.now();
    const images = requests.map(({ z, label }, i) => {
      request.onImage?.(i + 1);
      return generate(model, z, label);
    });
    return { target, images, seconds: (performance.now() - started) / 1000 };
  }
  const fit = target.kind === 'virtual' ? 'simulation' : 'check';
  const options = { ...request.design, preset: model.arch.name, fit };
  const elaborated = await elaborate(bdcgan, getBoard(request.board ?? 'icebreaker'), options);
  return runBdcganOnBoard(elaborated, target, request);
}

async function runBdcganOnBoard(
  elaborated: Elaborated<BdcganConfig>,
  target: Exclude<Target, { kind: 'reference' }>,
  request: BdcganRunRequest,
): Promise<BdcganRunResult> {
  const { BdcganBoard } = await import('./driver.ts');
  return withBoard(elaborated, target, async (link) => {
    const engine = new BdcganBoard(link, elaborated.config);
    await engine.verify();
    const upload = await engine.upload(request.model, request.modelHash, request.forceUpload ?? false);
    const started = performance.now();
    const images = await engine.generateMany(request.requests, request.onImage);
    const seconds = (performance.now() - started) / 1000;
    const check = request.check ? compareImages(images, request.model, request.requests) : undefined;
    return { target, images, upload, check, seconds };
  });
}

/** `spinbit sim bdcgan`: random weights for the configured preset, 8 images on the virtual board, checked. */
export async function selfCheckBdcgan(
  elaborated: Elaborated<BdcganConfig>,
  options: SelfCheckOptions,
): Promise<Record<string, unknown>> {
  const seed = options.seed ?? 1;
  const { arch } = elaborated.config;
  const { model, hash } = decodeModel(encodeModel(randomModel(arch, seed), { random: true, seed }));
  const requests = imageRequests(8, arch.latent, [0, 3, 7, 9], seed);
  const run = await runBdcganOnBoard(
    elaborated,
    { kind: 'virtual', netlist: options.netlist },
    { target: { kind: 'virtual', netlist: options.netlist }, model, modelHash: hash, requests, check: true },
  );
  return { preset: arch.name, ...run.check, uploadBytes: run.upload?.bytes, seconds: Number(run.seconds.toFixed(2)) };
}
