/**
 * Pictures of an Ising scan: e(T) and |m|(T) with error bars over the exact curves — the energy of this L×L
 * torus and of the infinite lattice, |m| of the infinite lattice.
 */
import { onsagerEnergy, yangMagnetization } from './exact.ts';
import { exactValues, type ScanPoint } from './scan.ts';
import { writePlotPng, type Panel } from '../../plot/png.ts';

export async function writeScanPlot(file: string, points: ScanPoint[], size: number): Promise<void> {
  const temperatures = points.map((p) => p.T);
  const [low, high] = [Math.min(...temperatures), Math.max(...temperatures)];
  const span = high - low || 1;
  const grid = Array.from({ length: 200 }, (_, i) => low - 0.05 * span + (1.1 * span * i) / 199).filter((T) => T > 0);
  const measured = (value: (p: ScanPoint) => { value: number; error: number }) =>
    points.map((p) => ({ x: p.T, y: value(p).value, error: value(p).error }));
  const panels: Panel[] = [
    {
      title: 'energy per spin e(T)',
      xLabel: 'T',
      series: [
        { label: 'Onsager (L = ∞)', color: '#1f77b4', curve: grid.map((T) => ({ x: T, y: onsagerEnergy(T) })) },
        {
          label: `exact, L = ${size}`,
          color: '#2ca02c',
          curve: grid.map((T) => ({ x: T, y: exactValues(size, T).energyPerSpin })),
        },
        { label: `simulated, L = ${size}`, color: '#d62728', points: measured((p) => p.observables.energyPerSpin) },
      ],
    },
    {
      title: 'magnetization |m|(T)',
      xLabel: 'T',
      series: [
        { label: 'Yang (L = ∞)', color: '#1f77b4', curve: grid.map((T) => ({ x: T, y: yangMagnetization(T) })) },
        { label: `simulated, L = ${size}`, color: '#d62728', points: measured((p) => p.observables.absMagnetization) },
      ],
    },
  ];
  await writePlotPng(file, panels);
}
