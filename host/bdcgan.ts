/**
 * BdcganBoard: the B-DCGAN generator behind the link (a board or the virtual board). Uploads a model's memory
 * image (skipped when the board already holds that model: its tag register carries the model hash), reads it
 * back to verify, and generates images for (z, label).
 */
import { UserError } from '../src/errors.ts';
import { BDCGAN_ID, BdcganRegister, IMAGE_BYTES, MODEL_MEMORY, type BdcganConfig } from '../src/cores/bdcgan/index.ts';
import { modelImage } from '../src/cores/bdcgan/image.ts';
import type { Model } from '../src/cores/bdcgan/reference.ts';
import type { SpinbitBoard } from './board.ts';

export class BdcganBoard {
  constructor(
    readonly board: SpinbitBoard,
    readonly config: BdcganConfig,
  ) {}

  async verify(): Promise<void> {
    const id = await this.board.readRegister(BdcganRegister.ID);
    if (id !== BDCGAN_ID) throw new UserError(`${this.board.path}: not a B-DCGAN generator (ID register 0x${id.toString(16)})`);
  }

  /** Uploads the model unless the board holds it already; verifies by reading the whole image back. */
  async upload(model: Model, hash: string, force = false): Promise<{ skipped: boolean; seconds: number; bytes: number }> {
    if (model.arch.name !== this.config.preset) throw new UserError(`the model is for '${model.arch.name}', the engine is built for '${this.config.preset}'`);
    const tag = parseInt(hash.slice(0, 8), 16) >>> 0;
    const started = performance.now();
    if (!force && (await this.board.readRegister(BdcganRegister.MODEL_TAG)) === tag) return { skipped: true, seconds: 0, bytes: 0 };
    const { words } = modelImage(model);
    const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
    await this.board.writeRegister(BdcganRegister.MODEL_TAG, 0); // invalid while the memory changes
    await this.board.writeMemory(MODEL_MEMORY, 0, bytes);
    const back = await this.board.readMemory(MODEL_MEMORY, 0, words.length);
    const wrong = bytes.findIndex((b, i) => back[i] !== b);
    if (wrong >= 0) {
      const word = wrong >> 1;
      const got = back[2 * word]! | (back[2 * word + 1]! << 8);
      throw new UserError(`${this.board.path}: the model memory reads back wrong at word ${word}: wrote 0x${words[word]!.toString(16)}, read 0x${got.toString(16)}`);
    }
    await this.board.writeRegister(BdcganRegister.MODEL_TAG, tag);
    return { skipped: false, seconds: (performance.now() - started) / 1000, bytes: bytes.length };
  }

  /** One image for a ternary z and a label: 784 pixels, row-major. */
  async generate(z: Int8Array, label: number): Promise<Uint8Array> {
    for (let w = 0; w < this.config.zWords; w++) {
      let value = 0;
      let present = 0;
      for (let j = 0; j < 16; j++) {
        const v = z[16 * w + j] ?? 0;
        if (v > 0) value |= 1 << j;
        if (v !== 0) present |= 1 << j;
      }
      await this.board.writeRegister(BdcganRegister.Z_VALUE + w, value);
      await this.board.writeRegister(BdcganRegister.Z_PRESENT + w, present);
    }
    await this.board.writeRegister(BdcganRegister.START, label);
    return this.board.readStreamExactly(IMAGE_BYTES, 20_000);
  }
}
