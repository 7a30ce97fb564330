/**
 * `npm run demo`: the main job as it stands — build the loopback bitstream for the iCEBreaker (cached after
 * the first run) and run its co-simulation at the same settings the bitstream uses.
 */
import { getBoard } from '../boards/index.ts';
import { elaborate } from '../cores/design.ts';
import { loopback } from '../cores/loopback/index.ts';
import { buildBitstream } from '../flow/build.ts';
import { formatReport, StagePrinter } from './progress.ts';

export async function runDemo(): Promise<void> {
  const board = getBoard('icebreaker');
  // 3 Mbaud, the iCEBreaker's fast default, needs a faster core clock than the 12 MHz oscillator.
  const options = { 'clock-mhz': 48, baud: 3_000_000 };
  console.log(`spinbit demo: loopback on ${board.title}, ${options['clock-mhz']} MHz core, ${options.baud} baud`);
  const elaborated = await elaborate(loopback, board, options);
  const printer = new StagePrinter();
  const built = await buildBitstream(elaborated, { onEvent: (e) => printer.handle(e) }).finally(() => printer.stop());
  console.log(formatReport(built.report, built.outDir, built.cached));
  const check = await loopback.selfCheck(elaborated, { seed: 1 });
  console.log(`co-simulation (Verilator): ${check.bytesEchoed}/${check.bytesSent} bytes echoed at ${check.baud} baud with the host ${Number(check.rateError) * 100} % off — pass`);
}
