/**
 * The loopback design's self-check, end to end through the real stack: the core RTL in Verilator as a
 * virtual board on a pty, the host driver on the real serialport bindings. Identity and config hash,
 * registers, a scratch-memory round trip and the stream must all come back exactly.
 */
import type { Elaborated } from '../design.ts';
import { SpinbitBoard } from '../../../host/board.ts';
import { VIRTUAL_BOARD_TIMEOUT_MS, VirtualBoard } from '../../../sim/virtual-board.ts';
import { LOOPBACK_ID, LoopbackRegister, SCRATCH_MEMORY, type LinkLoopbackConfig } from './index.ts';

export interface LoopbackCheckOptions {
  seed?: number;
  /** Bytes for the memory round trip (default: the whole scratch memory, at most 64 KiB). */
  memoryBytes?: number;
  streamBytes?: number;
}

export interface LoopbackCheckResult {
  design: string;
  configHash: string;
  memoryBytes: number;
  streamBytes: number;
  seconds: number;
  payloadBytesPerSecond: number;
  wireBytes: number;
  retries: number;
}

import { testBytes } from './test-bytes.ts';

export { testBytes };

export async function checkLoopback(elaborated: Elaborated<LinkLoopbackConfig>, options: LoopbackCheckOptions = {}): Promise<LoopbackCheckResult> {
  const seed = options.seed ?? 1;
  const virtual = await VirtualBoard.start(elaborated);
  const board = await SpinbitBoard.open(virtual.path, { expect: { design: elaborated.design, configHash: elaborated.configHash }, timeoutMs: VIRTUAL_BOARD_TIMEOUT_MS }).catch(async (e) => {
    await virtual.stop();
    throw e;
  });
  try {
    const started = performance.now();
    const fail = (what: string): never => {
      throw new Error(`loopback self-check (seed ${seed}): ${what}`);
    };
    const id = await board.readRegister(LoopbackRegister.ID);
    if (id !== LOOPBACK_ID) fail(`ID register reads 0x${id.toString(16)}, expected 0x${LOOPBACK_ID.toString(16)}`);
    const scratchValue = testBytes(seed, 4).reduce((v, b) => (v << 8) | b, 0) >>> 0;
    await board.writeRegister(LoopbackRegister.SCRATCH, scratchValue);
    const back = await board.readRegister(LoopbackRegister.SCRATCH);
    if (back !== scratchValue) fail(`SCRATCH register reads 0x${back.toString(16)} after writing 0x${scratchValue.toString(16)}`);

    const wordBytes = 2;
    const scratchBytes = elaborated.config.scratchWords * wordBytes;
    const memoryBytes = Math.min(options.memoryBytes ?? 65536, scratchBytes);
    const data = testBytes(seed + 1, memoryBytes);
    await board.writeMemory(SCRATCH_MEMORY, 0, data);
    const read = await board.readMemory(SCRATCH_MEMORY, 0, memoryBytes / wordBytes);
    const mismatch = data.findIndex((b, i) => read[i] !== b);
    if (mismatch >= 0) fail(`scratch memory differs at byte ${mismatch}: wrote 0x${data[mismatch]!.toString(16)}, read 0x${read[mismatch]!.toString(16)}`);

    const streamBytes = options.streamBytes ?? 4096;
    const streamSeed = seed & 0xff;
    await board.writeRegister(LoopbackRegister.STREAM_SEED, streamSeed);
    await board.writeRegister(LoopbackRegister.STREAM_COUNT, streamBytes);
    const stream = await board.readStreamExactly(streamBytes);
    const streamMismatch = stream.findIndex((b, i) => b !== ((streamSeed + i) & 0xff));
    if (streamMismatch >= 0) fail(`stream byte ${streamMismatch} is ${stream[streamMismatch]}, expected ${(streamSeed + streamMismatch) & 0xff}`);

    const seconds = (performance.now() - started) / 1000;
    const { bytesIn, bytesOut, retries } = board.link.stats;
    return {
      design: board.identity.design,
      configHash: board.identity.configHash,
      memoryBytes,
      streamBytes,
      seconds: Number(seconds.toFixed(2)),
      payloadBytesPerSecond: Math.round((2 * memoryBytes + streamBytes) / seconds),
      wireBytes: bytesIn + bytesOut,
      retries,
    };
  } finally {
    await board.close();
    await virtual.stop();
  }
}
