/**
 * The loopback design's self-check, end to end through the real stack: the core RTL in Verilator as a
 * virtual board on a pty, the host driver on the real serialport bindings. Identity and config hash,
 * registers, a scratch-memory round trip and the stream must all come back exactly.
 */
import type { Elaborated, SelfCheckOptions } from '../../design/design.ts';
import { UserError } from '../../errors.ts';
import { TypedBoard } from '../../../host/typed-board.ts';
import { withBoard, type BoardTarget } from '../../run/target.ts';
import { loopbackContract } from './contract.ts';
import { checkEcho } from './echo.ts';
import type { LinkLoopbackConfig, LoopbackConfig } from './index.ts';
import { testBytes } from './test-bytes.ts';

export { testBytes };

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

/** `spinbit sim loopback`: the link check through the virtual board, or echo mode's UART co-simulation. */
export async function selfCheckLoopback(
  elaborated: Elaborated<LoopbackConfig>,
  options: SelfCheckOptions,
): Promise<Record<string, unknown>> {
  const { config } = elaborated;
  if (config.mode === 'echo') {
    if (options.netlist) throw new UserError('--netlist runs the link check; echo mode has no link (use --mode link)');
    return { ...(await checkEcho({ ...elaborated, config }, { seed: options.seed })) };
  }
  const target = { kind: 'virtual' as const, netlist: options.netlist };
  return { ...(await checkLoopback({ ...elaborated, config }, { seed: options.seed }, target)) };
}

/** The link check on a target (the virtual board by default, or a board flashed with this loopback build). */
export async function checkLoopback(
  elaborated: Elaborated<LinkLoopbackConfig>,
  options: LoopbackCheckOptions = {},
  target: BoardTarget = { kind: 'virtual' },
): Promise<LoopbackCheckResult> {
  const seed = options.seed ?? 1;
  return withBoard(elaborated, target, async (board) => {
    const regs = new TypedBoard(board, loopbackContract);
    const started = performance.now();
    const fail = (what: string): never => {
      throw new Error(`loopback self-check (seed ${seed}): ${what}`);
    };
    await regs.checkId();
    const scratchValue = testBytes(seed, 4).reduce((v, b) => (v << 8) | b, 0) >>> 0;
    await regs.write('SCRATCH', scratchValue);
    const back = await regs.read('SCRATCH');
    if (back !== scratchValue)
      fail(`SCRATCH register reads 0x${back.toString(16)} after writing 0x${scratchValue.toString(16)}`);

    const wordBytes = 2;
    const scratchBytes = elaborated.config.scratchWords * wordBytes;
    const memoryBytes = Math.min(options.memoryBytes ?? 65536, scratchBytes);
    const data = testBytes(seed + 1, memoryBytes);
    await regs.writeMemory('scratch', 0, data);
    const read = await regs.readMemory('scratch', 0, memoryBytes / wordBytes);
    const mismatch = data.findIndex((b, i) => read[i] !== b);
    if (mismatch >= 0)
      fail(
        `scratch memory differs at byte ${mismatch}: ` +
          `wrote 0x${data[mismatch]!.toString(16)}, read 0x${read[mismatch]!.toString(16)}`,
      );

    const streamBytes = options.streamBytes ?? 4096;
    const streamSeed = seed & 0xff;
    await regs.write('STREAM_SEED', streamSeed);
    await regs.write('STREAM_COUNT', streamBytes);
    const stream = await board.readStreamExactly(streamBytes);
    const streamMismatch = stream.findIndex((b, i) => b !== ((streamSeed + i) & 0xff));
    if (streamMismatch >= 0)
      fail(
        `stream byte ${streamMismatch} is ${stream[streamMismatch]}, expected ${(streamSeed + streamMismatch) & 0xff}`,
      );

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
  });
}
