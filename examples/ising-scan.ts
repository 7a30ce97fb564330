/**
 * An Ising temperature scan with spinbit as a library: first on the bit-exact reference model (this machine),
 * then the same scan on the virtual board (the engine's RTL in Verilator behind a pty), checked record for
 * record against the reference. Run: npx tsx examples/ising-scan.ts
 */
import { runIsing, type ScanOptions } from 'spinbit';

const design = { L: 16, lanes: 4 }; // the `spinbit build ising` options, by name
const scan: ScanOptions = { temperatures: [1.8, 2.269, 3.0], sweeps: 200, burnIn: 50, seed: 1 };

const reference = await runIsing({ target: { kind: 'reference' }, design, scan });
for (const point of reference.scan.points) {
  const e = point.observables.energyPerSpin;
  console.log(
    `reference  T = ${point.T.toFixed(3)}: e = ${e.value.toFixed(4)} ± ${e.error.toFixed(4)} ` +
      `(Onsager, L = ∞: ${point.exact.energyPerSpin.toFixed(4)})`,
  );
}

const board = await runIsing({ target: { kind: 'virtual' }, design, scan, check: true });
const { records, tieClocks } = board.check!;
console.log(`virtual board: ${records} bin records and ${tieClocks} tie clocks identical to the reference model`);
const clocks = board.scan.points.map((p) => p.clocksPerSweep.toFixed(1)).join(', ');
console.log(`engine clocks per sweep: ${clocks} (ideal ${board.scan.points[0]!.idealClocksPerSweep})`);
