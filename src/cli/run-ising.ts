/**
 * `spinbit run ising`: a temperature scan. `--ref` runs the bit-exact reference model on this machine (the
 * preview without a board); `--sim` and `--port` need the Ising RTL, which is not built yet (issue 4).
 * JSON output: docs/ising.md.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UserError } from '../errors.ts';
import { parseTemperatures, validateIsingConfig } from '../cores/ising/config.ts';
import { scan, type ScanPoint } from '../cores/ising/scan.ts';
import { onsagerEnergy, yangMagnetization } from '../cores/ising/exact.ts';
import type { Panel } from '../plot/png.ts';

/** e(T) and |m|(T) panels: measured points with error bars over the exact infinite-lattice curves. */
async function writeScanPlot(file: string, points: ScanPoint[], size: number): Promise<void> {
  const temperatures = points.map((p) => p.T);
  const [low, high] = [Math.min(...temperatures), Math.max(...temperatures)];
  const span = high - low || 1;
  const grid = Array.from({ length: 200 }, (_, i) => low - 0.05 * span + (1.1 * span * i) / 199).filter((T) => T > 0);
  const { writePlotPng } = await import('../plot/png.ts'); // drawing libraries load only when a plot is asked for
  const panels: Panel[] = [
    {
      title: 'energy per spin e(T)',
      xLabel: 'T',
      series: [
        { label: 'Onsager (L = ∞)', color: '#1f77b4', curve: grid.map((T) => ({ x: T, y: onsagerEnergy(T) })) },
        { label: `simulated, L = ${size}`, color: '#d62728', points: points.map((p) => ({ x: p.T, y: p.observables.energyPerSpin.value, error: p.observables.energyPerSpin.error })) },
      ],
    },
    {
      title: 'magnetization |m|(T)',
      xLabel: 'T',
      series: [
        { label: 'Yang (L = ∞)', color: '#1f77b4', curve: grid.map((T) => ({ x: T, y: yangMagnetization(T) })) },
        { label: `simulated, L = ${size}`, color: '#d62728', points: points.map((p) => ({ x: p.T, y: p.observables.absMagnetization.value, error: p.observables.absMagnetization.error })) },
      ],
    },
  ];
  await writePlotPng(file, panels);
}

const number = (text: string) => {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UserError(`expected a number, got '${text}'`);
  return value;
};

export function addRunIsing(run: Command): void {
  run
    .command('ising')
    .description('temperature scan of the 2D Ising model: energy, |m|, susceptibility, specific heat, Binder cumulant with error bars')
    .option('--ref', 'run the bit-exact reference model on this machine')
    .option('--sim', 'run on the virtual board (needs the Ising RTL: not available yet)')
    .option('--port <path>', 'run on a board (needs the Ising RTL: not available yet)')
    .requiredOption('--T <temperatures>', 'temperatures: a list 1.5,2.27,3 or a range 2.0:2.6:0.1')
    .option('--L <n>', 'lattice side, a power of two', number, 64)
    .option('--lanes <n>', 'spin-update lanes, a power of two ≤ L/2', number)
    .addOption(new Option('--algorithm <name>', 'update rule').choices(['metropolis', 'heatbath']).default('metropolis'))
    .option('--field <h>', 'external field h', number, 0)
    .option('--sweeps <n>', 'measured sweeps per temperature', number, 10_000)
    .option('--burn-in <n>', 'sweeps discarded before measuring, per temperature', number, 1_000)
    .option('--seed <n>', 'generator seed (32-bit)', number, 1)
    .option('--json <file>', 'write the results as JSON (docs/ising.md)')
    .option('--plot <file.png>', 'plot e(T) and |m|(T) with error bars and the exact Onsager / Yang curves')
    .option('--lattice <file.png>', 'picture of the final lattice')
    .addHelpText('after', '\nExample:\n  spinbit run ising --ref --L 64 --T 2.0:2.6:0.1 --sweeps 20000 --burn-in 2000 --json scan.json')
    .action(async (flags: Record<string, unknown>) => {
      if (flags.sim || flags.port) throw new UserError('--sim and --port need the Ising engine RTL, which is not built yet; use --ref');
      if (!flags.ref) throw new UserError('say where to run: --ref (reference model); --sim / --port come with the Ising RTL');
      const config = validateIsingConfig({ size: flags.L as number, lanes: flags.lanes as number | undefined, algorithm: flags.algorithm as string });
      const temperatures = parseTemperatures(String(flags.T));
      const sweeps = flags.sweeps as number;
      const burnIn = flags.burnIn as number;
      if (!(Number.isInteger(sweeps) && sweeps >= 64)) throw new UserError(`--sweeps must be an integer ≥ 64 (error bars need bins), got ${sweeps}`);
      if (!(Number.isInteger(burnIn) && burnIn >= 0)) throw new UserError(`--burn-in must be an integer ≥ 0, got ${burnIn}`);
      const seed = flags.seed as number;
      const started = performance.now();
      const { points, lattice } = scan(config, {
        temperatures,
        sweeps,
        burnIn,
        seed,
        field: flags.field as number,
        onProgress: (done, total, T) => process.stderr.write(`\r[${done}/${total}] T = ${T}`.padEnd(30) + (done === total ? '\n' : '')),
      });
      const seconds = (performance.now() - started) / 1000;
      const updates = temperatures.length * (sweeps + burnIn) * config.size * config.size;
      const pm = (e: { value: number; error: number }, digits = 5) => `${e.value.toFixed(digits)} ± ${e.error.toFixed(digits)}`;
      console.log(`Ising ${config.size}×${config.size}, ${config.lanes} lanes, ${config.algorithm}, h = ${flags.field}, ${sweeps} sweeps after ${burnIn}, seed ${seed}`);
      console.log('T        e (exact)                     |m| (exact)                   chi            C              U4             clocks/sweep');
      for (const p of points) {
        const o = p.observables;
        console.log(
          [
            p.T.toFixed(4).padEnd(8),
            `${pm(o.energyPerSpin)} (${p.exact.energyPerSpin.toFixed(5)})`.padEnd(30),
            `${pm(o.absMagnetization)} (${p.exact.absMagnetization.toFixed(5)})`.padEnd(30),
            pm(o.susceptibility, 3).padEnd(15),
            pm(o.specificHeat, 3).padEnd(15),
            pm(o.binder, 4).padEnd(15),
            `${p.clocksPerSweep.toFixed(1)} (ideal ${p.idealClocksPerSweep})`,
          ].join(' '),
        );
      }
      console.log(`reference model: ${(updates / seconds / 1e9).toFixed(4)} flips/ns (${updates} spin updates in ${seconds.toFixed(1)} s)`);
      if (flags.plot) {
        await writeScanPlot(String(flags.plot), points, config.size);
        console.log(`plot written to ${String(flags.plot)}`);
      }
      if (flags.lattice) {
        const { writeLatticePng } = await import('../plot/png.ts');
        writeLatticePng(String(flags.lattice), lattice.spins, config.size);
        console.log(`lattice picture written to ${String(flags.lattice)}`);
      }
      if (flags.json) {
        const file = String(flags.json);
        const document = {
          schema: 'spinbit.ising.scan/1',
          mode: 'ref',
          config,
          field: flags.field,
          sweeps,
          burnIn,
          seed,
          results: points.map((p) => ({
            T: p.T,
            energyPerSpin: p.observables.energyPerSpin,
            absMagnetization: p.observables.absMagnetization,
            susceptibility: p.observables.susceptibility,
            specificHeat: p.observables.specificHeat,
            binder: p.observables.binder,
            exact: p.exact,
            bins: p.observables.bins,
            clocksPerSweep: p.clocksPerSweep,
            idealClocksPerSweep: p.idealClocksPerSweep,
            final: p.final,
          })),
        };
        const temp = `${file}.tmp-${process.pid}`;
        writeFileSync(temp, JSON.stringify(document, null, 2) + '\n');
        renameSync(temp, file);
        console.log(`results written to ${file}`);
      }
    });
}
