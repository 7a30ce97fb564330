/**
 * `npm run demo`: the main job as it stands — build the loopback bitstream for the iCEBreaker (cached after
 * the first run), then run the same design on the virtual board and talk to it from the host driver over a
 * real pty: identity and config hash, registers, a 64 KiB memory round trip, the stream.
 */
import { getBoard } from '../boards/index.ts';
import { elaborate, type Elaborated } from '../cores/design.ts';
import { loopback, type LinkLoopbackConfig } from '../cores/loopback/index.ts';
import { checkLoopback } from '../cores/loopback/check.ts';
import { buildBitstream } from '../flow/build.ts';
import { formatReport, StagePrinter } from './progress.ts';

export async function runDemo(): Promise<void> {
  const board = getBoard('icebreaker');
  // 3 Mbaud, the iCEBreaker's fast default: 8 clocks per bit at a 24 MHz core clock from the PLL.
  const options = { 'clock-mhz': 24, baud: 3_000_000 };
  console.log(`spinbit demo: loopback (link) on ${board.title}, ${options['clock-mhz']} MHz core, ${options.baud} baud`);
  const elaborated = (await elaborate(loopback, board, options)) as Elaborated<LinkLoopbackConfig>;
  const printer = new StagePrinter();
  const built = await buildBitstream(elaborated, { onEvent: (e) => printer.handle(e) }).finally(() => printer.stop());
  console.log(formatReport(built.report, built.outDir, built.cached));
  console.log('virtual board: host driver ↔ pty ↔ Verilator (the same core RTL)…');
  const check = await checkLoopback(elaborated, { seed: 1 });
  console.log(
    `  identity ok (config ${check.configHash}), registers ok, ${check.memoryBytes} bytes memory round trip ok, ` +
      `${check.streamBytes} stream bytes ok — ${check.payloadBytesPerSecond} payload bytes/s simulated`,
  );
}
