/**
 * A session with a spinbit board (real or virtual): identify, check that it runs the config the user asked
 * for, then typed register, memory and stream access. Usable as a library:
 *
 *   const board = await SpinbitBoard.open('/dev/ttyUSB1', { expect: elaborated });
 *   await board.writeRegister(1, 0x1234);
 *   const bytes = await board.readMemory(0, 0, 1024);
 */
import { UserError } from '../src/errors.ts';
import { Command, CONFIG_HASH_BYTES, decodeIdentity, PROTOCOL_VERSION, type Identity } from '../src/link/protocol.ts';
import { Link, type LinkOptions, type Transport } from './link.ts';
import { openSerial } from './serial.ts';

export interface Expectation {
  design: string;
  configHash: string;
}

export interface OpenOptions extends LinkOptions {
  /** Baud rate for a real port (default 1 000 000; ignored by ptys). */
  baud?: number;
  /** Refuse the board unless it runs this design and config (pass an Elaborated design). */
  expect?: Expectation;
  /** First clear a partial frame another program may have left in the board's decoder (Link.flush). */
  flush?: boolean;
}

/** Zeros that end a partial frame of any size a spinbit board accepts (payloads stay under 1 KiB). */
const FLUSH_PAYLOAD = 1013;

export class SpinbitBoard {
  private constructor(
    readonly link: Link,
    readonly identity: Identity,
    readonly path: string,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<SpinbitBoard> {
    const transport = await openSerial(path, options.baud ?? 1_000_000);
    return SpinbitBoard.connect(transport, path, options);
  }

  static async connect(transport: Transport, path: string, options: OpenOptions = {}): Promise<SpinbitBoard> {
    const link = new Link(transport, path, options);
    try {
      if (options.flush) await link.flush(FLUSH_PAYLOAD);
      const reply = await link.request(Command.IDENTIFY);
      const identity = decodeIdentity(reply.payload);
      if (identity.protocolVersion !== PROTOCOL_VERSION) {
        throw new UserError(
          `${path} speaks link protocol ${identity.protocolVersion}, this spinbit speaks ${PROTOCOL_VERSION}: ` +
            `rebuild its bitstream with this spinbit (spinbit build ${identity.design} …, then spinbit flash), ` +
            'or talk to it with the spinbit that built it',
        );
      }
      if (options.expect) {
        const want = options.expect.configHash.slice(0, CONFIG_HASH_BYTES * 2);
        if (identity.design !== options.expect.design || identity.configHash !== want) {
          throw new UserError(
            `${path} runs ${identity.design} with config ${identity.configHash}, ` +
              `but you asked for ${options.expect.design} ` +
              `with config ${want}: build and flash the matching bitstream ` +
              `(spinbit build ${options.expect.design} …; spinbit flash), ` +
              'or use the options the board was built with',
          );
        }
      }
      link.configure(identity.rxBufferBytes, identity.maxPayload, identity.frameTimeoutUs);
      return new SpinbitBoard(link, identity, path);
    } catch (error) {
      await link.close();
      throw error;
    }
  }

  /** Clears a partial frame the board may hold (docs/protocol.md, "Board behaviour"); see Link.flush. */
  flush(): Promise<void> {
    return this.link.flush(this.identity.maxPayload);
  }

  async close(): Promise<void> {
    await this.link.close();
  }

  async readRegisters(address: number, count: number): Promise<number[]> {
    const perRequest = Math.floor(this.identity.maxPayload / 4);
    const requests: Promise<number[]>[] = [];
    for (let first = 0; first < count; first += perRequest) {
      const n = Math.min(perRequest, count - first);
      const args = Uint8Array.of((address + first) & 0xff, (address + first) >> 8, n);
      requests.push(
        this.link.request(Command.READ_REGS, args).then((reply) => {
          const view = new DataView(reply.payload.buffer, reply.payload.byteOffset, reply.payload.byteLength);
          return Array.from({ length: n }, (_, i) => view.getUint32(4 * i, true));
        }),
      );
    }
    return (await Promise.all(requests)).flat();
  }

  async readRegister(address: number): Promise<number> {
    return (await this.readRegisters(address, 1))[0]!;
  }

  async writeRegister(address: number, value: number): Promise<void> {
    const args = new Uint8Array(6);
    const view = new DataView(args.buffer);
    view.setUint16(0, address, true);
    view.setUint32(2, value >>> 0, true);
    await this.link.request(Command.WRITE_REG, args);
  }

  private memory(id: number) {
    const memory = this.identity.memories[id];
    if (!memory) throw new UserError(`${this.path} has no memory ${id} (it has ${this.identity.memories.length})`);
    return memory;
  }

  /** Writes whole words (little endian) starting at `wordAddress`; requests are pipelined. */
  async writeMemory(id: number, wordAddress: number, data: Uint8Array): Promise<void> {
    const { wordBytes, depth } = this.memory(id);
    if (data.length % wordBytes !== 0)
      throw new UserError(`memory ${id} has ${wordBytes}-byte words; ${data.length} bytes is not whole words`);
    if (wordAddress + data.length / wordBytes > depth)
      throw new UserError(
        `memory ${id} has ${depth} words; writing ${data.length / wordBytes} at ${wordAddress} runs past its end`,
      );
    const chunk = Math.floor((this.identity.maxPayload - 4) / wordBytes) * wordBytes;
    const requests: Promise<unknown>[] = [];
    for (let offset = 0; offset < data.length; offset += chunk) {
      const part = data.subarray(offset, offset + chunk);
      const address = wordAddress + offset / wordBytes;
      const payload = new Uint8Array(4 + part.length);
      payload.set([id, address & 0xff, (address >> 8) & 0xff, (address >> 16) & 0xff]);
      payload.set(part, 4);
      requests.push(this.link.request(Command.WRITE_MEM, payload));
    }
    await Promise.all(requests);
  }

  /** Reads `words` words starting at `wordAddress`, as bytes (little endian). */
  async readMemory(id: number, wordAddress: number, words: number): Promise<Uint8Array> {
    const { wordBytes, depth } = this.memory(id);
    if (wordAddress + words > depth)
      throw new UserError(`memory ${id} has ${depth} words; reading ${words} at ${wordAddress} runs past its end`);
    const perRequest = Math.floor(this.identity.maxPayload / wordBytes);
    const out = new Uint8Array(words * wordBytes);
    const requests: Promise<unknown>[] = [];
    for (let first = 0; first < words; first += perRequest) {
      const n = Math.min(perRequest, words - first);
      const address = wordAddress + first;
      const args = Uint8Array.of(id, address & 0xff, (address >> 8) & 0xff, (address >> 16) & 0xff, n & 0xff, n >> 8);
      requests.push(
        this.link.request(Command.READ_MEM, args).then((reply) => out.set(reply.payload, first * wordBytes)),
      );
    }
    await Promise.all(requests);
    return out;
  }

  /** Whatever the stream holds now, up to `maxBytes` (at most one reply's worth). */
  async readStream(maxBytes = this.identity.maxPayload): Promise<Uint8Array> {
    const n = Math.min(maxBytes, this.identity.maxPayload);
    return (await this.link.request(Command.READ_STREAM, Uint8Array.of(n & 0xff, n >> 8))).payload;
  }

  /** Reads exactly `total` stream bytes, polling; fails after `idleMs` without new data. */
  async readStreamExactly(total: number, idleMs = 2000): Promise<Uint8Array> {
    const out = new Uint8Array(total);
    let have = 0;
    let lastProgress = Date.now();
    while (have < total) {
      const part = await this.readStream(total - have);
      out.set(part, have);
      have += part.length;
      if (part.length > 0) lastProgress = Date.now();
      else if (Date.now() - lastProgress > idleMs)
        throw new UserError(`${this.path}: stream stalled after ${have} of ${total} bytes`);
      else await new Promise((r) => setTimeout(r, 2));
    }
    return out;
  }
}
