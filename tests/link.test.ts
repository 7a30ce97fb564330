/**
 * The link end to end: host driver on the real serialport bindings ↔ a real pty ↔ the loopback core's RTL in
 * Verilator (the virtual board). Identity and config-hash check, register and ≥ 64 KiB memory round trips,
 * the stream, every documented error, 200+ corrupted frames through the RTL, and a board killed mid-transfer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBoard } from '../src/boards/index.ts';
import { elaborate, type Elaborated } from '../src/design/design.ts';
import { loopback, loopbackContract, type LinkLoopbackConfig } from '../src/cores/loopback/index.ts';
import { idValue } from '../src/link/contract.ts';

/** Register addresses and the scratch memory's index, from the loopback contract (raw link access below). */
const LoopbackRegister = Object.fromEntries(
  Object.entries(loopbackContract.registers).map(([name, r]) => [name, r.address]),
) as Record<keyof typeof loopbackContract.registers, number>;
const LOOPBACK_ID = idValue(loopbackContract.id);
const SCRATCH_MEMORY = loopbackContract.memories.scratch.index;
import { testBytes } from '../src/cores/loopback/check.ts';
import {
  Command,
  encodeFrame,
  encodeRequest,
  FrameDecoder,
  Status,
  SYNC_REPLY,
  SYNC_REQUEST,
  type Frame,
  PROTOCOL_VERSION,
} from '../src/link/protocol.ts';
import { SpinbitBoard } from '../host/board.ts';
import { BoardStatusError, LinkClosedError, LinkError, type Transport } from '../host/link.ts';
import { openSerial } from '../host/serial.ts';
import { VirtualBoard } from '../sim/virtual-board.ts';
import { seededRandom } from './helpers.ts';

let design: Elaborated<LinkLoopbackConfig>;
let virtual: VirtualBoard;

beforeAll(async () => {
  // 3 Mbaud at 12 MHz: 4 clocks per bit, the fastest setting the UART supports, so the simulation is quick.
  design = (await elaborate(loopback, getBoard('icebreaker'), { baud: 3_000_000 })) as Elaborated<LinkLoopbackConfig>;
  virtual = await VirtualBoard.start(design);
});

afterAll(async () => {
  await virtual?.stop();
});

const expectation = () => ({ design: design.design, configHash: design.configHash });

describe('link through the virtual board (real pty, real serialport)', () => {
  it('identifies itself with the config hash, and refuses a board with another config', async () => {
    const board = await SpinbitBoard.open(virtual.path, { expect: expectation() });
    const identity = board.identity;
    await board.close();
    expect(identity).toMatchObject({
      design: 'loopback',
      configHash: design.configHash.slice(0, 16),
      protocolVersion: PROTOCOL_VERSION,
      baud: 3_000_000,
      coreClockHz: 12_000_000,
      rxBufferBytes: 1024,
      maxPayload: 496,
      registerCount: 6,
      memories: [{ wordBytes: 2, depth: 32768 }],
    });
    await expect(
      SpinbitBoard.open(virtual.path, { expect: { design: 'loopback', configHash: 'ffffffffffffffff00' } }),
    ).rejects.toThrow(
      new RegExp(
        `runs loopback with config ${design.configHash.slice(0, 16)}, ` +
          'but you asked for loopback with config ffffffffffffffff: build and flash',
      ),
    );
  });

  it('register round trips, and BAD_ADDRESS past the last register', async () => {
    const board = await SpinbitBoard.open(virtual.path, { expect: expectation() });
    try {
      expect(await board.readRegister(LoopbackRegister.ID)).toBe(LOOPBACK_ID);
      for (const value of [0, 1, 0xdeadbeef, 0xffffffff, 0x12345678]) {
        await board.writeRegister(LoopbackRegister.SCRATCH, value);
        expect(await board.readRegister(LoopbackRegister.SCRATCH)).toBe(value >>> 0);
      }
      const all = await board.readRegisters(0, 6);
      expect(all[LoopbackRegister.ID]).toBe(LOOPBACK_ID);
      expect(all[LoopbackRegister.SCRATCH]).toBe(0x12345678);
      await expect(board.readRegisters(4, 3)).rejects.toThrow(BoardStatusError);
      await expect(board.writeRegister(6, 1)).rejects.toThrow(/refused: BAD_ADDRESS/);
    } finally {
      await board.close();
    }
  });

  it('writes and reads back 64 KiB of memory, pipelined within the board buffer', async () => {
    const board = await SpinbitBoard.open(virtual.path, { expect: expectation() });
    try {
      const data = testBytes(99, 65536);
      await board.writeMemory(SCRATCH_MEMORY, 0, data);
      expect(Buffer.from(await board.readMemory(SCRATCH_MEMORY, 0, 32768)).equals(Buffer.from(data))).toBe(true);
      // Unaligned pieces in the middle read back too.
      expect([...(await board.readMemory(SCRATCH_MEMORY, 12345, 3))]).toEqual([...data.subarray(24690, 24696)]);
      expect(board.link.stats.retries).toBe(0);
      await expect(board.readMemory(SCRATCH_MEMORY, 32767, 2)).rejects.toThrow(/runs past its end/);
    } finally {
      await board.close();
    }
  });

  it('streams what the core produces, and answers BUSY while the core holds its memories', async () => {
    const board = await SpinbitBoard.open(virtual.path, { expect: expectation() });
    try {
      await board.writeRegister(LoopbackRegister.STREAM_SEED, 200);
      await board.writeRegister(LoopbackRegister.STREAM_COUNT, 10_000);
      const stream = await board.readStreamExactly(10_000);
      expect(stream.every((b, i) => b === ((200 + i) & 0xff))).toBe(true);
      expect((await board.readStream()).length).toBe(0);
      await board.writeRegister(LoopbackRegister.LOCK, 1);
      await expect(board.readMemory(SCRATCH_MEMORY, 0, 4)).rejects.toThrow(/refused: BUSY/);
      await expect(board.writeMemory(SCRATCH_MEMORY, 0, Uint8Array.of(1, 2))).rejects.toThrow(/refused: BUSY/);
      await board.writeRegister(LoopbackRegister.LOCK, 0);
      await board.writeMemory(SCRATCH_MEMORY, 0, Uint8Array.of(1, 2));
      expect([...(await board.readMemory(SCRATCH_MEMORY, 0, 1))]).toEqual([1, 2]);
    } finally {
      await board.close();
    }
  });

  it(
    'survives 240 corrupted, truncated, malformed and random frames in the RTL: ' +
      'documented errors, then the next frame answered',
    async () => {
      const port = await openSerial(virtual.path, 3_000_000);
      const replies = new RawReplies(port);
      const random = seededRandom(404);
      const byte = () => Math.floor(random() * 256);
      const readId = (seq: number) => encodeRequest(seq, Command.READ_REGS, Uint8Array.of(LoopbackRegister.ID, 0, 1));
      const outcomes: Record<string, number> = {};
      try {
        for (let i = 0; i < 240; i++) {
          const seq = i & 0x7f; // bad frame; the following good one uses seq | 0x80
          const kind = [
            'bad-crc',
            'unknown-cmd',
            'bad-length',
            'too-long',
            'bad-header',
            'truncated',
            'garbage',
            'bad-write-length',
          ][i % 8]!;
          let bad: Uint8Array;
          let expected: number | 'none';
          switch (kind) {
            case 'bad-crc': {
              bad = readId(seq).slice();
              bad[7 + Math.floor(random() * 7)]! ^= 1 << Math.floor(random() * 8); // payload or CRC byte
              expected = Status.BAD_CRC;
              break;
            }
            case 'unknown-cmd':
              bad = encodeRequest(seq, 0x40 + (i % 64), Uint8Array.from({ length: i % 9 }, byte));
              expected = Status.UNKNOWN_CMD;
              break;
            case 'bad-length':
              bad = encodeRequest(seq, Command.READ_REGS, Uint8Array.from({ length: 4 + (i % 5) }, byte));
              expected = Status.BAD_LENGTH;
              break;
            case 'too-long': {
              // A valid header announcing more than MAX_PAYLOAD: refused straight after the header.
              const frame = encodeFrame({
                sync: SYNC_REQUEST,
                seq,
                cmd: Command.WRITE_MEM,
                status: 0,
                payload: new Uint8Array(600),
              });
              bad = frame.subarray(0, 7 + (i % 20));
              expected = Status.BAD_LENGTH;
              break;
            }
            case 'bad-header': {
              bad = readId(seq).slice();
              bad[1 + Math.floor(random() * 6)]! ^= 1 << Math.floor(random() * 8);
              expected = 'none'; // dropped silently
              break;
            }
            case 'truncated':
              bad = readId(seq).subarray(0, 7 + Math.floor(random() * 6));
              expected = 'none';
              break;
            case 'bad-write-length':
              // 3 bytes: not whole 16-bit words
              bad = encodeRequest(seq, Command.WRITE_MEM, Uint8Array.of(SCRATCH_MEMORY, 0, 0, 0, 1, 2, 3));
              expected = Status.BAD_LENGTH;
              break;
            default:
              bad = Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () =>
                random() < 0.1 ? SYNC_REQUEST : byte(),
              );
              expected = 'none';
          }
          port.write(bad);
          if (expected !== 'none') {
            const reply = await replies.next(1000);
            expect(reply, `frame ${i} (${kind}): no reply`).toBeDefined();
            expect([reply!.seq, reply!.status, reply!.payload.length], `frame ${i} (${kind})`).toEqual([
              seq,
              expected,
              0,
            ]);
          } else {
            // Silence from the board, then the host waits out the board's frame timeout (10 ms of board time)
            // before the next request, as docs/protocol.md prescribes.
            const reply = await replies.next(150);
            if (reply) {
              // Random garbage may contain a header that happens to be valid: only documented errors allowed.
              expect(kind, `frame ${i}: unexpected reply ${JSON.stringify(reply)}`).toBe('garbage');
              expect([
                Status.UNKNOWN_CMD,
                Status.BAD_LENGTH,
                Status.BAD_CRC,
                Status.BAD_ADDRESS,
                Status.BUSY,
                Status.OK,
              ]).toContain(reply.status);
              await replies.drain(150);
            }
          }
          outcomes[kind] = (outcomes[kind] ?? 0) + 1;
          port.write(readId(seq | 0x80));
          const good = await replies.next(1000);
          expect(good, `frame ${i} (${kind}): the valid frame after it got no reply`).toBeDefined();
          expect(
            [good!.seq, good!.status, new DataView(good!.payload.buffer).getUint32(0, true)],
            `frame ${i} (${kind})`,
          ).toEqual([seq | 0x80, Status.OK, LOOPBACK_ID]);
        }
      } finally {
        await port.close();
      }
      expect(Object.values(outcomes).reduce((a, b) => a + b)).toBe(240);
    },
  );

  it(
    'recovers from corruption on the wire both ways: ' +
      'BAD_CRC replies and lost replies are retried, garbage skipped',
    async () => {
      // Fault injection on the real link: every 7th request write gets a flipped payload bit on its way to the
      // board (which answers BAD_CRC); on the way back one byte in every 3001 of the reply stream is flipped and
      // garbage goes in front of its chunk (that reply is skipped; the request is found lost or times out, and is
      // resent). Counting bytes, not chunks, keeps the fault rate the same however the OS splits the replies
      // (a loaded machine delivers many small chunks).
      const real = await openSerial(virtual.path, 3_000_000);
      let writes = 0;
      let received = 0;
      const flaky: Transport = {
        write(bytes) {
          if (++writes % 7 === 0 && bytes.length > 12) {
            const copy = bytes.slice();
            copy[9]! ^= 0x10;
            real.write(copy);
          } else real.write(bytes);
        },
        onData(listener) {
          real.onData((bytes) => {
            const start = received;
            received += bytes.length;
            const hit = 3001 * Math.ceil((start - 1500) / 3001) + 1500; // next position ≡ 1500 (mod 3001)
            if (hit >= start && hit < received) {
              const copy = bytes.slice();
              copy[hit - start]! ^= 0x01;
              listener(Uint8Array.from([0xa5, 0x13, 0x37, ...copy]));
            } else listener(bytes);
          });
        },
        onClose: (listener) => real.onClose(listener),
        close: () => real.close(),
      };
      const board = await SpinbitBoard.connect(flaky, virtual.path, {
        expect: expectation(),
        timeoutMs: 1500,
        retries: 8,
      });
      try {
        const data = testBytes(3, 16384);
        await board.writeMemory(SCRATCH_MEMORY, 1000, data);
        expect(Buffer.from(await board.readMemory(SCRATCH_MEMORY, 1000, 8192)).equals(Buffer.from(data))).toBe(true);
        for (let i = 0; i < 20; i++) expect(await board.readRegister(LoopbackRegister.ID)).toBe(LOOPBACK_ID);
        expect(board.link.stats.retries).toBeGreaterThan(0);
        expect(board.link.stats.resyncs).toBeGreaterThan(0);
      } finally {
        await board.close();
      }
    },
  );

  it('settles what docs/protocol.md settles: resync after a false sync, which error wins, counts of zero', async () => {
    const port = await openSerial(virtual.path, 3_000_000);
    const replies = new RawReplies(port);
    const u16 = (v: number) => [v & 0xff, v >> 8];
    const u24 = (v: number) => [v & 0xff, (v >> 8) & 0xff, v >> 16];
    const ask = async (seq: number, cmd: number, payload: number[], status = 0) => {
      port.write(encodeFrame({ sync: SYNC_REQUEST, seq, cmd, status, payload: Uint8Array.from(payload) }));
      const reply = await replies.next(2000);
      expect(reply?.seq, `seq ${seq}: no reply`).toBe(seq);
      return [reply!.status, reply!.payload.length];
    };
    const readId = Uint8Array.from(encodeRequest(1, Command.READ_REGS, Uint8Array.of(LoopbackRegister.ID, 0, 1)));
    try {
      // A stray sync byte (and one inside a header-like run) just before a request: answered at once, because
      // hunting resumes with the byte after a false sync (on the virtual board a timeout would never come).
      for (const stray of [[SYNC_REQUEST], [SYNC_REQUEST, 0x01, SYNC_REQUEST, 0x02]]) {
        port.write(Uint8Array.of(...stray, ...readId));
        const reply = await replies.next(2000);
        expect([reply?.seq, reply?.status, reply?.payload.length], `after ${stray}`).toEqual([1, Status.OK, 4]);
      }
      // Which error wins (docs/protocol.md, in order).
      const mem = SCRATCH_MEMORY;
      expect(await ask(2, Command.READ_REGS, [...u16(0), 129])).toEqual([Status.BAD_LENGTH, 0]); // too long first
      expect(await ask(3, Command.READ_REGS, [...u16(100), 1])).toEqual([Status.BAD_ADDRESS, 0]);
      expect(await ask(4, Command.READ_MEM, [9, ...u24(0), ...u16(65535)])).toEqual([Status.BAD_ADDRESS, 0]);
      expect(await ask(5, Command.READ_MEM, [mem, ...u24(32767), ...u16(300)])).toEqual([Status.BAD_LENGTH, 0]);
      expect(await ask(6, Command.READ_MEM, [mem, ...u24(32767), ...u16(2)])).toEqual([Status.BAD_ADDRESS, 0]);
      expect(await ask(7, Command.WRITE_MEM, [9, ...u24(0), 1])).toEqual([Status.BAD_ADDRESS, 0]); // index first
      expect(await ask(8, Command.WRITE_MEM, [mem, ...u24(32767), 1, 2, 3])).toEqual([Status.BAD_LENGTH, 0]);
      expect(await ask(9, Command.WRITE_MEM, [mem, ...u24(32767), 1, 2, 3, 4])).toEqual([Status.BAD_ADDRESS, 0]);
      // Address bits past every memory's depth (the board does not store them): BAD_ADDRESS, even for count 0;
      // an address equal to the depth with count 0 is still OK.
      expect(await ask(30, Command.READ_MEM, [mem, ...u24(0xffffff), ...u16(1)])).toEqual([Status.BAD_ADDRESS, 0]);
      expect(await ask(31, Command.READ_MEM, [mem, ...u24(0x10000), ...u16(0)])).toEqual([Status.BAD_ADDRESS, 0]);
      expect(await ask(32, Command.READ_MEM, [mem, ...u24(32768), ...u16(0)])).toEqual([Status.OK, 0]);
      expect(await ask(33, Command.READ_REGS, [...u16(0xff00), 1])).toEqual([Status.BAD_ADDRESS, 0]);
      expect(await ask(34, Command.WRITE_REG, [...u16(0x8001), 1, 2, 3, 4])).toEqual([Status.BAD_ADDRESS, 0]);
      expect(await ask(10, Command.READ_STREAM, u16(497))).toEqual([Status.BAD_LENGTH, 0]);
      expect(await ask(11, 0x07, [1, 2, 3])).toEqual([Status.UNKNOWN_CMD, 0]); // unknown before length
      // Counts of zero: OK and empty; the status byte of a request is ignored.
      expect(await ask(12, Command.READ_REGS, [...u16(0), 0])).toEqual([Status.OK, 0]);
      expect(await ask(13, Command.READ_MEM, [mem, ...u24(5), ...u16(0)])).toEqual([Status.OK, 0]);
      expect(await ask(14, Command.WRITE_MEM, [mem, ...u24(5)])).toEqual([Status.OK, 0]);
      expect(await ask(15, Command.READ_STREAM, u16(0))).toEqual([Status.OK, 0]);
      expect(await ask(16, Command.READ_REGS, [...u16(0), 1], 0x7f)).toEqual([Status.OK, 4]);
    } finally {
      await port.close();
    }
  });

  it('a partial frame swallows the next request; max_payload + 11 zero bytes (flush) clear it', async () => {
    const partial = encodeRequest(0x33, Command.WRITE_MEM, new Uint8Array(300)).subarray(0, 7 + 10);
    const identify = encodeRequest(0x44, Command.IDENTIFY);
    const raw = await openSerial(virtual.path, 3_000_000);
    const replies = new RawReplies(raw);
    try {
      raw.write(Uint8Array.of(...partial, ...identify)); // IDENTIFY becomes payload of the partial frame
      expect(await replies.next(300)).toBeUndefined();
      await replies.drain(100);
      raw.write(Uint8Array.of(...partial, ...new Uint8Array(496 + 11), ...identify));
      let reply = await replies.next(2000);
      while (reply && reply.seq !== 0x44) reply = await replies.next(2000); // the flushed frame's own error reply
      expect([reply?.seq, reply?.status]).toEqual([0x44, Status.OK]);
    } finally {
      await raw.close();
    }
    // The host API: flush before IDENTIFY on open, and on an open board with nothing in flight.
    const board = await SpinbitBoard.open(virtual.path, { expect: expectation(), retries: 0, flush: true });
    try {
      await board.flush();
      expect(await board.readRegister(LoopbackRegister.ID)).toBe(LOOPBACK_ID);
      expect(board.link.stats.retries).toBe(0);
    } finally {
      await board.close();
    }
  });

  it('a pause abandons a partial frame after frame_timeout_us of simulated time, silently, as a board does', async () => {
    // The virtual board's clock runs while a frame is partial (docs/protocol.md), so the timeout fires: here
    // 10 ms at 12 MHz, ≈ 120 000 clocks — well inside the pause on any machine this runs on.
    const partial = encodeRequest(0x35, Command.WRITE_MEM, new Uint8Array(300)).subarray(0, 7 + 10);
    const identify = encodeRequest(0x45, Command.IDENTIFY);
    const raw = await openSerial(virtual.path, 3_000_000);
    const replies = new RawReplies(raw);
    try {
      raw.write(partial);
      expect(await replies.next(1500)).toBeUndefined(); // abandoned without a reply
      raw.write(identify);
      const reply = await replies.next(2000);
      expect([reply?.seq, reply?.status]).toEqual([0x45, Status.OK]);
    } finally {
      await raw.close();
    }
  });

  it('two full request frames fit the credit, so bulk writes stay pipelined', async () => {
    const board = await SpinbitBoard.open(virtual.path, { expect: expectation() });
    const { maxPayload, rxBufferBytes } = board.identity;
    await board.close();
    expect(2 * (maxPayload + 11)).toBeLessThanOrEqual(rxBufferBytes);
  });

  it('a board killed mid-transfer gives the host a clear error within its timeout', async () => {
    const doomed = await VirtualBoard.start(design);
    const board = await SpinbitBoard.open(doomed.path, { expect: expectation(), timeoutMs: 2000, retries: 1 });
    const started = Date.now();
    const transfer = board.readMemory(SCRATCH_MEMORY, 0, 32768).then(
      () => undefined,
      (e: unknown) => e,
    );
    setTimeout(() => doomed.kill(), 100);
    const error = await transfer;
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(LinkError);
    expect((error as Error).message).toMatch(/closed unexpectedly|went away|no reply/);
    expect(elapsed).toBeLessThan(2000 * 2 + 500); // within the timeout and its one retry, not a hang
    await board.close();
    if (error instanceof LinkClosedError) expect((error as Error).message).toContain(doomed.path);
  });
});

/** Raw replies off a port, for sending hand-made (broken) frames without the Link's retries. */
class RawReplies {
  private readonly decoder = new FrameDecoder(SYNC_REPLY, 4096);
  private readonly queue: Frame[] = [];
  private waiter?: () => void;

  constructor(port: Transport) {
    port.onData((bytes) => {
      for (const event of this.decoder.push(bytes)) if (event.kind === 'frame') this.queue.push(event.frame);
      this.waiter?.();
    });
  }

  async next(timeoutMs: number): Promise<Frame | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, Math.max(1, deadline - Date.now()));
      });
    }
    return this.queue.shift();
  }

  async drain(quietMs: number): Promise<void> {
    while (await this.next(quietMs)) {
      // discard
    }
  }
}
