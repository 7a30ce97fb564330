/**
 * BdcganBoard: the B-DCGAN generator behind the link (a board or the virtual board). Uploads a model's memory
 * images (skipped when the board already holds that model: its tag register carries the model hash), reads
 * them back to verify, and generates images in batches: the z and label of up to 32 images go into the job
 * memory in one write, one START makes them all, and their pixels arrive through the stream.
 */
import { UserError } from '../../errors.ts';
import { unpackFields } from '../../link/contract.ts';
import type { SpinbitBoard } from '../../../host/board.ts';
import { TypedBoard } from '../../../host/typed-board.ts';
import { architectureDifference } from './arch.ts';
import { bdcganContract } from './contract.ts';
import { IMAGE_BYTES, JOB_WORDS, type BdcganConfig } from './index.ts';
import { modelImage } from './image.ts';
import type { GenerateRequest } from './latent.ts';
import type { Model } from './reference.ts';

export type { GenerateRequest };

const asBytes = (words: Uint16Array) => new Uint8Array(words.buffer, words.byteOffset, words.byteLength);

export class BdcganBoard {
  readonly regs: TypedBoard<typeof bdcganContract>;

  constructor(
    readonly board: SpinbitBoard,
    readonly config: BdcganConfig,
  ) {
    this.regs = new TypedBoard(board, bdcganContract);
  }

  /**
   * Checks the ID and settles the board: a batch left running by an interrupted host finishes, its pixels are
   * dropped.
   */
  async verify(): Promise<void> {
    await this.regs.checkId();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const busy = unpackFields(bdcganContract.fields.STATUS, await this.regs.read('STATUS')).BUSY === 1;
      const stale = await this.board.readStream();
      if (!busy && stale.length === 0) return;
      if (Date.now() > deadline)
        throw new UserError(`${this.board.path}: the generator stays busy (a batch that never ends?): reset the board`);
    }
  }

  /** Engine clocks of the last batch (from its START until the last pixel was made). */
  async clocks(): Promise<number> {
    return this.regs.read('CLOCKS');
  }

  /** Uploads the model unless the board holds it already; verifies by reading both images back. */
  async upload(
    model: Model,
    hash: string,
    force = false,
  ): Promise<{ skipped: boolean; seconds: number; bytes: number }> {
    const difference = architectureDifference(model.arch, this.config.arch);
    if (difference) throw new UserError(difference);
    const tag = parseInt(hash.slice(0, 8), 16) >>> 0;
    const started = performance.now();
    if (!force && (await this.regs.read('MODEL_TAG')) === tag) return { skipped: true, seconds: 0, bytes: 0 };
    const image = modelImage(model, this.config.width);
    await this.regs.write('MODEL_TAG', 0); // invalid while the memories change
    let bytes = 0;
    for (const [name, words] of [
      ['model', image.words],
      ['table', image.table],
    ] as const) {
      const data = asBytes(words);
      await this.regs.writeMemory(name, 0, data);
      const back = await this.regs.readMemory(name, 0, words.length);
      const wrong = data.findIndex((b, i) => back[i] !== b);
      if (wrong >= 0) {
        const word = wrong >> 1;
        const got = back[2 * word]! | (back[2 * word + 1]! << 8);
        throw new UserError(
          `${this.board.path}: the ${name} memory reads back wrong at word ${word}: ` +
            `wrote 0x${words[word]!.toString(16)}, read 0x${got.toString(16)}`,
        );
      }
      bytes += data.length;
    }
    await this.regs.write('MODEL_TAG', tag);
    return { skipped: false, seconds: (performance.now() - started) / 1000, bytes };
  }

  /** The job memory words of one image (packJob). */
  jobWords(request: GenerateRequest): Uint16Array {
    return packJob(this.config.arch.latent, request);
  }

  /** Images for (z, label) requests: IMAGE_BYTES (784) pixels each, row-major, in request order. */
  async generateMany(requests: GenerateRequest[], onImage?: (done: number) => void): Promise<Uint8Array[]> {
    const images: Uint8Array[] = [];
    for (let first = 0; first < requests.length; first += this.config.jobs) {
      const batch = requests.slice(first, first + this.config.jobs);
      const jobs = new Uint16Array(batch.length * JOB_WORDS);
      for (const [i, request] of batch.entries()) jobs.set(this.jobWords(request), i * JOB_WORDS);
      await this.regs.writeMemory('jobs', 0, asBytes(jobs));
      await this.regs.write('START', batch.length);
      const pixels = await this.board.readStreamExactly(batch.length * IMAGE_BYTES, 20_000);
      for (let i = 0; i < batch.length; i++) {
        images.push(pixels.slice(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES));
        onImage?.(images.length);
      }
    }
    return images;
  }

  /** One image for a ternary z and a label. */
  async generate(z: Int8Array, label: number): Promise<Uint8Array> {
    return (await this.generateMany([{ z, label }]))[0]!;
  }
}

/**
 * The job memory words of one image, as the engine reads them (contract memory `jobs`): ⌈latent/16⌉ words of z
 * signs (bit i%16 of word i/16 set for z_i = +1), as many of z presence (set for z_i ≠ 0), then the label.
 */
export function packJob(latent: number, { z, label }: GenerateRequest): Uint16Array {
  const zWords = Math.ceil(latent / 16);
  const words = new Uint16Array(JOB_WORDS);
  if (2 * zWords + 1 > JOB_WORDS) throw new Error(`a latent of ${latent} does not fit ${JOB_WORDS} job words`);
  for (let i = 0; i < latent; i++) {
    const v = z[i] ?? 0;
    if (v > 0) words[i >> 4]! |= 1 << (i & 15);
    if (v !== 0) words[zWords + (i >> 4)]! |= 1 << (i & 15);
  }
  words[2 * zWords] = label;
  return words;
}
