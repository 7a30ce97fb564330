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

/**
 * The identity block's fixed part, in order (little endian): the one table encodeIdentity, decodeIdentity and
 * docs/protocol.md's identity table come from. After it: per memory its word bytes (1) and depth (4), then the
 * design name.
 */
export const IDENTITY_FIELDS = [
  { name: 'magic', bytes: 4, doc: `magic \`${IDENTITY_MAGIC}\` (ASCII)` },
  { name: 'protocolVersion', bytes: 1, doc: `protocol version (${PROTOCOL_VERSION})` },
  {
    name: 'capabilities',
    bytes: 1,
    doc: 'capabilities: bit 0 registers, bit 1 memories, bit 2 stream; bits 3–7 reserved (0; ignore them)',
  },
  {
    name: 'configHash',
    bytes: CONFIG_HASH_BYTES,
    doc: "config hash: the first 8 bytes of the SHA-256 of the design's canonical config JSON",
  },
  { name: 'coreClockHz', bytes: 4, doc: 'core clock, Hz' },
  { name: 'baud', bytes: 4, doc: 'baud' },
  { name: 'rxBufferBytes', bytes: 2, doc: "rx buffer bytes (the host's credit)" },
  { name: 'maxPayload', bytes: 2, doc: 'max payload bytes' },
  { name: 'streamBufferBytes', bytes: 2, doc: 'stream buffer bytes' },
  { name: 'frameTimeoutUs', bytes: 4, doc: 'frame timeout, µs' },
  { name: 'registerCount', bytes: 2, doc: 'register count' },
  { name: 'memoryCount', bytes: 1, doc: 'memory count M' },
  { name: 'nameLength', bytes: 1, doc: 'design name length N' },
] as const;
type IdentityFieldName = (typeof IDENTITY_FIELDS)[number]['name'];
const MEMORY_ENTRY_BYTES = 5;

/** Byte offset of each fixed field, and the fixed part's size. */
const IDENTITY_OFFSET = {} as Record<IdentityFieldName, number>;
export const IDENTITY_FIXED_BYTES = IDENTITY_FIELDS.reduce((offset, field) => {
  IDENTITY_OFFSET[field.name] = offset;
  return offset + field.bytes;
}, 0);

export function encodeIdentity(id: Identity): Uint8Array {
  const name = new TextEncoder().encode(id.design);
  if (name.length > 255) throw new Error('design name too long for the identity block');
  const hash = id.configHash.slice(0, CONFIG_HASH_BYTES * 2);
  const numbers: Record<Exclude<IdentityFieldName, 'magic' | 'configHash'>, number> = {
    protocolVersion: id.protocolVersion,
    capabilities: id.capabilities,
    coreClockHz: id.coreClockHz,
    baud: id.baud,
    rxBufferBytes: id.rxBufferBytes,
    maxPayload: id.maxPayload,
    streamBufferBytes: id.streamBufferBytes,
    frameTimeoutUs: id.frameTimeoutUs,
    registerCount: id.registerCount,
    memoryCount: id.memories.length,
    nameLength: name.length,
  };
  const bytes: number[] = [];
  const little = (value: number, count: number) => {
    for (let i = 0; i < count; i++) bytes.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
  };
  for (const field of IDENTITY_FIELDS) {
    if (field.name === 'magic') bytes.push(...new TextEncoder().encode(IDENTITY_MAGIC));
    else if (field.name === 'configHash')
      for (let i = 0; i < CONFIG_HASH_BYTES; i++) bytes.push(parseInt(hash.slice(2 * i, 2 * i + 2), 16));
    else little(numbers[field.name], field.bytes);
  }
  for (const m of id.memories) {
    bytes.push(m.wordBytes);
    little(m.depth, MEMORY_ENTRY_BYTES - 1);
  }
  bytes.push(...name);
  return Uint8Array.from(bytes);
}

/** The identity table of docs/protocol.md. */
export function identityTable(): string {
  const fixed = IDENTITY_FIXED_BYTES;
  return markdownTable(
    ['offset', 'size', 'field'],
    [
      ...IDENTITY_FIELDS.map((f) => [String(IDENTITY_OFFSET[f.name]), String(f.bytes), f.doc]),
      [String(fixed), `${MEMORY_ENTRY_BYTES}·M`, 'per memory: word bytes (1, 2 or 4), depth in words (u32)'],
      [`${fixed}+${MEMORY_ENTRY_BYTES}M`, 'N', 'design name (ASCII)'],
    ],
  );
}

export class IdentityError extends Error {
  override name = 'IdentityError';
}

export function decodeIdentity(bytes: Uint8Array): Identity {
  const fail = (why: string): never => {
    throw new IdentityError(`not a spinbit identity block: ${why}`);
  };
  const fixed = IDENTITY_FIXED_BYTES;
  if (bytes.length < fixed) fail(`${bytes.length} bytes, expected at least ${fixed}`);
  const at = IDENTITY_OFFSET;
  if (new TextDecoder().decode(bytes.subarray(at.magic, at.magic + 4)) !== IDENTITY_MAGIC) fail('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const number = (name: IdentityFieldName): number => {
    const size = IDENTITY_FIELDS.find((f) => f.name === name)!.bytes;
    return size === 1 ? bytes[at[name]]! : size === 2 ? view.getUint16(at[name], true) : view.getUint32(at[name], true);
  };
  const memoryCount = number('memoryCount');
  const nameLength = number('nameLength');
  if (bytes.length !== fixed + memoryCount * MEMORY_ENTRY_BYTES + nameLength)
    fail(`length ${bytes.length} does not match its contents`);
  const memories: Identity['memories'] = [];
  for (let i = 0; i < memoryCount; i++) {
    const entry = fixed + MEMORY_ENTRY_BYTES * i;
    const wordBytes = bytes[entry]!;
    if (wordBytes !== 1 && wordBytes !== 2 && wordBytes !== 4) fail(`memory ${i} has ${wordBytes}-byte words`);
    memories.push({ wordBytes: wordBytes as 1 | 2 | 4, depth: view.getUint32(entry + 1, true) });
  }
  return {
    protocolVersion: number('protocolVersion'),
    capabilities: number('capabilities'),
    configHash: Buffer.from(bytes.subarray(at.configHash, at.configHash + CONFIG_HASH_BYTES)).toString('hex'),
    coreClockHz: number('coreClockHz'),
    baud: number('baud'),
    rxBufferBytes: number('rxBufferBytes'),
    maxPayload: number('maxPayload'),
    streamBufferBytes: number('streamBufferBytes'),
    frameTimeoutUs: number('frameTimeoutUs'),
    registerCount: number('registerCount'),
    memories,
    design: new TextDecoder().decode(bytes.subarray(fixed + memoryCount * MEMORY_ENTRY_BYTES)),
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

/** A Markdown table: a header row, the separator, the rows. */
function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The command table of docs/protocol.md. */
export function commandTable(): string {
  return markdownTable(
    ['cmd', 'name', 'request payload', 'reply payload (status OK)'],
    Object.entries(COMMANDS).map(([name, c]) => [hex2(c.code), name, c.request, c.reply]),
  );
}

/** The status table of docs/protocol.md. */
export function statusTable(): string {
  return markdownTable(
    ['code', 'name', 'meaning', 'payload'],
    Object.entries(STATUSES).map(([name, s]) => [hex2(s.code), name, s.doc, s.payload]),
  );
}
