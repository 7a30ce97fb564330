/**
 * `spinbit selftest`: the bring-up checks for a board running the loopback bitstream, one verdict per step —
 * identity, register round trips, a march over every memory the design exposes, stream throughput, request
 * latency and the UART divisor's baud error. The same steps run on the virtual board (RTL or routed netlist),
 * so CI checks the checks.
 */
import { bitTime, MAX_BAUD_ERROR } from '../../link/uart-timing.ts';
import { withBoard, type BoardTarget } from '../../run/target.ts';
import type { Elaborated } from '../../design/design.ts';
import { loopbackContract } from './contract.ts';
import type { LinkLoopbackConfig } from './index.ts';

export interface SelftestStep {
  step: string;
  ok: boolean;
  /** One line: what was measured, or what went wrong. */
  detail: string;
}

/** Register patterns: all zeros, all ones, a 1 walking through 0s and a 0 walking through 1s. */
function registerPatterns(): number[] {
  const walking = Array.from({ length: 32 }, (_, i) => (1 << i) >>> 0);
  return [0, 0xffffffff, ...walking, ...walking.map((v) => ~v >>> 0)];
}

/** The march patterns for a memory of `depth` words of `wordBytes` bytes, little endian like the link. */
function memoryPatterns(depth: number, wordBytes: number): { name: string; bytes: Uint8Array }[] {
  const bits = 8 * wordBytes;
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  const fill = (word: (i: number) => number) => {
    const bytes = new Uint8Array(depth * wordBytes);
    for (let i = 0; i < depth; i++) {
      const value = word(i) >>> 0;
      for (let b = 0; b < wordBytes; b++) bytes[i * wordBytes + b] = (value >>> (8 * b)) & 0xff;
    }
    return bytes;
  };
  return [
    { name: 'all zeros', bytes: fill(() => 0) },
    { name: 'all ones', bytes: fill(() => mask) },
    { name: 'walking one', bytes: fill((i) => (1 << (i % bits)) & mask) },
    { name: 'walking zero', bytes: fill((i) => ~(1 << (i % bits)) & mask) },
    { name: 'address in data', bytes: fill((i) => i & mask) },
  ];
}

const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;

/**
 * Runs every step on `target` and returns the verdicts; `onStep` sees each as it finishes. A step that fails
 * does not stop the later ones, except identity (nothing else can be trusted without it).
 */
export async function selftest(
  elaborated: Elaborated<LinkLoopbackConfig>,
  target: BoardTarget,
  onStep: (step: SelftestStep) => void = () => {},
): Promise<SelftestStep[]> {
  const steps: SelftestStep[] = [];
  const report = (step: string, ok: boolean, detail: string) => {
    const entry = { step, ok, detail };
    steps.push(entry);
    onStep(entry);
  };
  await withBoard(elaborated, target, async (board) => {
    const id = board.identity;
    report(
      'identity',
      id.design === 'loopback',
      `${id.design}, config ${id.configHash}, ${id.coreClockHz / 1e6} MHz, ${id.baud} baud, protocol ${id.protocolVersion}, ` +
        `${id.memories.length} memor${id.memories.length === 1 ? 'y' : 'ies'}`,
    );

    const scratch = loopbackContract.registers.SCRATCH.address;
    const patterns = registerPatterns();
    let registerFault = '';
    for (const value of patterns) {
      await board.writeRegister(scratch, value);
      const [back] = await board.readRegisters(scratch, 1);
      if (back !== value) {
        registerFault = `SCRATCH reads ${hex(back ?? 0)} after writing ${hex(value)}`;
        break;
      }
    }
    report('registers', !registerFault, registerFault || `${patterns.length} write/read round trips, all equal`);

    for (const [memory, { wordBytes, depth }] of id.memories.entries()) {
      let fault = '';
      const started = performance.now();
      for (const pattern of memoryPatterns(depth, wordBytes)) {
        await board.writeMemory(memory, 0, pattern.bytes);
        const back = await board.readMemory(memory, 0, depth);
        const at = pattern.bytes.findIndex((b, i) => back[i] !== b);
        if (at >= 0) {
          const word = Math.floor(at / wordBytes);
          fault = `${pattern.name}: word ${word} byte ${at % wordBytes} reads ${hex(back[at]!)}, wrote ${hex(pattern.bytes[at]!)}`;
          break;
        }
      }
      const seconds = (performance.now() - started) / 1000;
      report(
        `memory ${memory}`,
        !fault,
        fault ||
          `${depth} × ${8 * wordBytes}-bit words, 5 march patterns written and read back (${seconds.toFixed(1)} s)`,
      );
    }

    const streamBytes = 16384;
    await board.writeRegister(loopbackContract.registers.STREAM_SEED.address, 7);
    const started = performance.now();
    await board.writeRegister(loopbackContract.registers.STREAM_COUNT.address, streamBytes);
    const stream = await board.readStreamExactly(streamBytes);
    const streamSeconds = (performance.now() - started) / 1000;
    const bad = stream.findIndex((b, i) => b !== ((7 + i) & 0xff));
    report(
      'stream',
      bad < 0,
      bad >= 0
        ? `byte ${bad} is ${stream[bad]}, expected ${(7 + bad) & 0xff}`
        : `${streamBytes} bytes at ${Math.round(streamBytes / streamSeconds)} bytes/s ` +
            `(the line carries at most ${Math.round(id.baud / 10)})`,
    );

    const times: number[] = [];
    for (let i = 0; i < 32; i++) {
      const t0 = performance.now();
      await board.readRegisters(scratch, 1);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1]!;
    const p95 = times[Math.floor(times.length * 0.95)]!;
    report(
      'latency',
      true,
      `one-register read: median ${median.toFixed(2)} ms, 95th percentile ${p95.toFixed(2)} ms ` +
        '(on hardware mostly the USB latency timer: 16 ms by default on FTDI, 1 ms when set low)',
    );

    // The divisor as the build chose it (src/link/uart-timing.ts), judged by the build's own limit; bitTime
    // rather than uartDivisor, which refuses a bad divisor instead of reporting it.
    const clocksPerBit = bitTime(id.coreClockHz, id.baud);
    const actual = id.coreClockHz / clocksPerBit;
    const error = (actual - id.baud) / id.baud;
    report(
      'baud',
      Math.abs(error) <= MAX_BAUD_ERROR,
      `${id.coreClockHz / 1e6} MHz / ${clocksPerBit} clocks per bit = ${Math.round(actual)} baud for ${id.baud}: ` +
        `${(100 * error).toFixed(2)} % (builds allow ±${100 * MAX_BAUD_ERROR} %)`,
    );
  });
  return steps;
}
