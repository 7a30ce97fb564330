/**
 * The spinbit link protocol (docs/protocol.md), TypeScript half: constants, CRCs, frame encoding, a
 * resynchronizing frame decoder and the identity block. hdl/link_core.v is the hardware half; both follow
 * docs/protocol.md, and the tests run one against the other.
 */
import { crc32mpeg2, crc8 } from 'crc';

export const PROTOCOL_VERSION = 2;

/**
 * The frame's sync bytes, command and status codes: the one table hdl/link_protocol.vh (the hardware's
 * localparams, `npm run docs`), this codec and the tables in docs/protocol.md are generated from.
 */
export const SYNC = {
  REQUEST: { code: 0x5a, doc: 'starts a request (host → board)' },
  REPLY: { code: 0xa5, doc: 'starts a reply (board → host)' },
} as const;

export const COMMANDS = {
  IDENTIFY: { code: 0x01, request: 'none', reply: 'the identity block (below)' },
  READ_REGS: { code: 0x02, request: '`first: u16, count: u8`', reply: '`count` × `u32`' },
  WRITE_REG: { code: 0x03, request: '`address: u16, value: u32`', reply: 'none' },
  READ_MEM: {
    code: 0x04,
    request: '`memory: u8, address: u24, count: u16` (address and count in words)',
    reply: '`count` words',
  },
  WRITE_MEM: { code: 0x05, request: '`memory: u8, address: u24`, then whole words', reply: 'none' },
  READ_STREAM: {
    code: 0x06,
    request: '`max: u16`, at most `max_payload`',
    reply: '0 … `max` stream bytes, whatever is buffered now',
  },
} as const;

export const STATUSES = {
  OK: { code: 0x00, doc: 'done', payload: 'as above' },
  BAD_CRC: { code: 0x01, doc: 'the header was intact but the frame CRC was wrong', payload: 'none' },
  UNKNOWN_CMD: { code: 0x02, doc: 'no such command', payload: 'none' },
  BAD_LENGTH: {
    code: 0x03,
    doc:
      'payload length wrong for the command; a reply that would exceed `max_payload`; WRITE_MEM data not whole ' +
      'words; or a length over `max_payload` in the header',
    payload: 'none',
  },
  BUSY: {
    code: 0x04,
    doc: 'the design is using its memories (e.g. running); memory commands refused',
    payload: 'none',
  },
  BAD_ADDRESS: {
    code: 0x05,
    doc: 'register or memory range outside what exists, or no such memory',
    payload: 'none',
  },
} as const;

const codes = <T extends Record<string, { code: number }>>(table: T) =>
  Object.fromEntries(Object.entries(table).map(([name, entry]) => [name, entry.code])) as {
    [K in keyof T]: T[K]['code'];
  };

export const SYNC_REQUEST = SYNC.REQUEST.code;
export const SYNC_REPLY = SYNC.REPLY.code;
export const HEADER_BYTES = 7; // sync, seq, cmd, status, len_lo, len_hi, hcrc
export const CRC_BYTES = 4;
export const FRAME_OVERHEAD = HEADER_BYTES + CRC_BYTES;

export const Command = codes(COMMANDS);
export type CommandCode = (typeof Command)[keyof typeof Command];

export const Status = codes(STATUSES);

export const STATUS_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, k]));

/** CRC-8 (poly 0x07, init 0x00) over seq … len_hi: guards the header, so a false sync is dropped early. */
export function headerCrc(bytes: Uint8Array): number {
  return crc8(asBuffer(bytes));
}

/** The crc package wants a Buffer; this views the same memory without copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * CRC-32/MPEG-2 (poly 0x04C11DB7, init 0xFFFFFFFF, no reflection, no final xor) over every byte after sync up
 * to the end of the payload; sent most significant byte first. (A 16-bit CRC let a few of 100 000 fuzzed
 * frames through — a 2^-16 chance each; 32 bits make that 2^-32.)
 */
export function frameCrc(bytes: Uint8Array): number {
  return crc32mpeg2(asBuffer(bytes)) >>> 0;
}

export interface Frame {
  sync: number;
  seq: number;
  cmd: number;
  status: number;
  payload: Uint8Array;
}

export function encodeFrame(frame: Frame): Uint8Array {
  const length = frame.payload.length;
  if (length > 0xffff) throw new Error(`payload of ${length} bytes exceeds the 16-bit length field`);
  const out = new Uint8Array(FRAME_OVERHEAD + length);
  out.set([frame.sync, frame.seq & 0xff, frame.cmd & 0xff, frame.status & 0xff, length & 0xff, length >> 8]);
  out[6] = headerCrc(out.subarray(1, 6));
  out.set(frame.payload, HEADER_BYTES);
  const crc = frameCrc(out.subarray(1, HEADER_BYTES + length));
  // Most significant byte first, so that the CRC run over the CRC bytes as well gives zero (the hardware
  // checks that way).
  new DataView(out.buffer).setUint32(HEADER_BYTES + length, crc, false);
  return out;
}

export function encodeRequest(seq: number, cmd: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encodeFrame({ sync: SYNC_REQUEST, seq, cmd, status: 0, payload });
}

export type DecoderEvent =
  | { kind: 'frame'; frame: Frame }
  /** Bytes dropped: not a sync, a header whose CRC failed, a frame whose CRC failed, or a length over the limit. */
  | { kind: 'error'; reason: 'garbage' | 'bad-header-crc' | 'bad-crc' | 'bad-length'; bytes: number };

/**
 * Turns a byte stream into frames, resynchronizing after anything wrong: on a bad header or frame CRC it
 * drops only the sync byte and searches again from the next byte, so a real frame hidden behind garbage is
 * still found. `flush()` (called after a quiet period) gives up on a partial frame the same way.
 */
export class FrameDecoder {
  private buffer = new Uint8Array(0);

  constructor(
    private readonly sync: number,
    private readonly maxPayload: number,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  push(bytes: Uint8Array): DecoderEvent[] {
    const merged = new Uint8Array(this.buffer.length + bytes.length);
    merged.set(this.buffer);
    merged.set(bytes, this.buffer.length);
    this.buffer = merged;
    return this.drain(false);
  }

  /** Abandons an incomplete frame at the front (its sync was probably garbage) and decodes what follows. */
  flush(): DecoderEvent[] {
    return this.drain(true);
  }

  private drain(flushing: boolean): DecoderEvent[] {
    const events: DecoderEvent[] = [];
    let start = 0;
    let garbage = 0;
    const dropGarbage = () => {
      if (garbage > 0) events.push({ kind: 'error', reason: 'garbage', bytes: garbage });
      garbage = 0;
    };
    const buf = this.buffer;
    while (start < buf.length) {
      if (buf[start] !== this.sync) {
        garbage++;
        start++;
        continue;
      }
      if (buf.length - start < HEADER_BYTES) {
        if (flushing) {
          garbage += buf.length - start;
          start = buf.length;
        }
        break;
      }
      const header = buf.subarray(start + 1, start + 6);
      if (headerCrc(header) !== buf[start + 6]) {
        dropGarbage();
        events.push({ kind: 'error', reason: 'bad-header-crc', bytes: 1 });
        start++;
        continue;
      }
      const length = buf[start + 4]! | (buf[start + 5]! << 8);
      if (length > this.maxPayload) {
        dropGarbage();
        events.push({ kind: 'error', reason: 'bad-length', bytes: 1 });
        start++;
        continue;
      }
      const total = FRAME_OVERHEAD + length;
      if (buf.length - start < total) {
        if (flushing) {
          // Give up on this frame start, keep looking inside it.
          dropGarbage();
          events.push({ kind: 'error', reason: 'bad-crc', bytes: 1 });
          start++;
          continue;
        }
        break;
      }
      const crc = new DataView(buf.buffer, buf.byteOffset).getUint32(start + total - CRC_BYTES, false);
      if (frameCrc(buf.subarray(start + 1, start + total - CRC_BYTES)) !== crc) {
        dropGarbage();
        events.push({ kind: 'error', reason: 'bad-crc', bytes: 1 });
        start++;
        continue;
      }
      dropGarbage();
      events.push({
        kind: 'frame',
        frame: {
          sync: buf[start]!,
          seq: buf[start + 1]!,
          cmd: buf[start + 2]!,
          status: buf[start + 3]!,
          payload: buf.slice(start + HEADER_BYTES, start + HEADER_BYTES + length),
        },
      });
      start += total;
    }
    dropGarbage();
    this.buffer = buf.slice(start);
    return events;
  }
}

// ---- identity block ----

export const IDENTITY_MAGIC = 'SPNB';

export const Capability = {
  REGISTERS: 1 << 0,
  MEMORIES: 1 << 1,
  STREAM: 1 << 2,
} as const;

export interface MemoryInfo {
  /** Memory id used in READ_MEM / WRITE_MEM. */
  id: number;
  name: string;
  /** Bytes per word on the link: 1, 2 or 4 (little endian). */
  wordBytes: 1 | 2 | 4;
  /** Words. */
  depth: number;
}

export interface Identity {
  protocolVersion: number;
  design: string;
  /** First 8 bytes of the config's sha256, hex. */
  configHash: string;
  capabilities: number;
  coreClockHz: number;
  baud: number;
  /** Bytes the board can buffer: unanswered request bytes must stay at or below this. */
  rxBufferBytes: number;
  maxPayload: number;
  streamBufferBytes: number;
  /** After this long without a byte, the board abandons a partial frame. */
  frameTimeoutUs: number;
  registerCount: number;
  memories: { wordBytes: 1 | 2 | 4; depth: number }[];
}

export const CONFIG_HASH_BYTES = 8;

export function encodeIdentity(id: Identity): Uint8Array {
  const name = new TextEncoder().encode(id.design);
  if (name.length > 255) throw new Error('design name too long for the identity block');
  const bytes: number[] = [...new TextEncoder().encode(IDENTITY_MAGIC), id.protocolVersion, id.capabilities];
  const hash = id.configHash.slice(0, CONFIG_HASH_BYTES * 2);
  for (let i = 0; i < CONFIG_HASH_BYTES; i++) bytes.push(parseInt(hash.slice(2 * i, 2 * i + 2), 16));
  const u16 = (v: number) => bytes.push(v & 0xff, (v >> 8) & 0xff);
  const u32 = (v: number) => bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  u32(id.coreClockHz);
  u32(id.baud);
  u16(id.rxBufferBytes);
  u16(id.maxPayload);
  u16(id.streamBufferBytes);
  u32(id.frameTimeoutUs);
  u16(id.registerCount);
  bytes.push(id.memories.length, name.length);
  for (const m of id.memories) {
    bytes.push(m.wordBytes);
    u32(m.depth);
  }
  bytes.push(...name);
  return Uint8Array.from(bytes);
}

export class IdentityError extends Error {
  override name = 'IdentityError';
}

export function decodeIdentity(bytes: Uint8Array): Identity {
  const fail = (why: string): never => {
    throw new IdentityError(`not a spinbit identity block: ${why}`);
  };
  if (bytes.length < 36) fail(`${bytes.length} bytes, expected at least 36`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== IDENTITY_MAGIC) fail('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const memoryCount = bytes[34]!;
  const nameLength = bytes[35]!;
  if (bytes.length !== 36 + memoryCount * 5 + nameLength) fail(`length ${bytes.length} does not match its contents`);
  const memories: Identity['memories'] = [];
  for (let i = 0; i < memoryCount; i++) {
    const wordBytes = bytes[36 + 5 * i]!;
    if (wordBytes !== 1 && wordBytes !== 2 && wordBytes !== 4) fail(`memory ${i} has ${wordBytes}-byte words`);
    memories.push({ wordBytes: wordBytes as 1 | 2 | 4, depth: view.getUint32(37 + 5 * i, true) });
  }
  return {
    protocolVersion: bytes[4]!,
    capabilities: bytes[5]!,
    configHash: Buffer.from(bytes.subarray(6, 14)).toString('hex'),
    coreClockHz: view.getUint32(14, true),
    baud: view.getUint32(18, true),
    rxBufferBytes: view.getUint16(22, true),
    maxPayload: view.getUint16(24, true),
    streamBufferBytes: view.getUint16(26, true),
    frameTimeoutUs: view.getUint32(28, true),
    registerCount: view.getUint16(32, true),
    memories,
    design: new TextDecoder().decode(bytes.subarray(36 + memoryCount * 5)),
  };
}

const hex2 = (code: number) => `0x${code.toString(16).padStart(2, '0').toUpperCase()}`;

/** hdl/link_protocol.vh: the codes as link_core.v's localparams (written by `npm run docs`, checked by a test). */
export function protocolVerilogInclude(): string {
  const line = (name: string, width: number, code: number, comment: string) =>
    `localparam [${width - 1}:0] ${name.padEnd(16)} = ${width}'h${code.toString(16).padStart(Math.ceil(width / 4), '0')};  // ${comment}`;
  // link_core keeps a status in the fewest bits that hold every code.
  const statusBits = Math.max(1, Math.ceil(Math.log2(Math.max(...Object.values(STATUSES).map((s) => s.code)) + 1)));
  return [
    "// The link protocol's codes, generated by spinbit from src/link/protocol.ts (docs/protocol.md). Do not",
    '// edit: change the table there and run `npm run docs`. Included inside link_core, so the names are local.',
    '/* verilator lint_off UNUSEDPARAM */',
    ...Object.entries(SYNC).map(([name, s]) => line(`SYNC_${name}`, 8, s.code, s.doc)),
    ...Object.entries(COMMANDS).map(([name, c]) => line(`CMD_${name}`, 8, c.code, `request: ${c.request}`)),
    ...Object.entries(STATUSES).map(([name, s]) => line(`ST_${name}`, statusBits, s.code, s.doc.split(';')[0]!)),
    '/* verilator lint_on UNUSEDPARAM */',
    '',
  ].join('\n');
}

/** The command table of docs/protocol.md. */
export function commandTable(): string {
  return [
    '| cmd | name | request payload | reply payload (status OK) |',
    '| --- | --- | --- | --- |',
    ...Object.entries(COMMANDS).map(([name, c]) => `| ${hex2(c.code)} | ${name} | ${c.request} | ${c.reply} |`),
  ].join('\n');
}

/** The status table of docs/protocol.md. */
export function statusTable(): string {
  return [
    '| code | name | meaning | payload |',
    '| --- | --- | --- | --- |',
    ...Object.entries(STATUSES).map(([name, s]) => `| ${hex2(s.code)} | ${name} | ${s.doc} | ${s.payload} |`),
  ].join('\n');
}
