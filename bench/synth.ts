/** yosys synth_ice40 (YoWASP) cell counts for the bench: one helper for every synthesis-only figure. */
import { fileText, getToolchain } from '../src/tools/tools.ts';

export interface CellCounts {
  lut4: number;
  flip_flops: number;
  carry: number;
  ebr: number;
}

/** yosys synth_ice40 of `top` from `sources` (`prepare`: commands after reading, e.g. chparam). */
export async function synthCells(sources: Record<string, string>, top: string, prepare = ''): Promise<CellCounts> {
  const files = Object.keys(sources).filter((f) => f.endsWith('.v'));
  const script = `read_verilog ${files.join(' ')}; ${prepare} synth_ice40 -top ${top}; tee -q -o stat.json stat -json`;
  const result = await getToolchain('yowasp').run('yosys', ['-p', script], sources);
  if (result.code !== 0) throw new Error(`synthesis of ${top} failed:\n${result.log.slice(-2000)}`);
  const cells: Record<string, number> =
    JSON.parse(fileText(result.files, 'stat.json') ?? '{}').design?.num_cells_by_type ?? {};
  const flipFlops = Object.entries(cells)
    .filter(([t]) => t.startsWith('SB_DFF'))
    .reduce((n, [, c]) => n + c, 0);
  return { lut4: cells.SB_LUT4 ?? 0, flip_flops: flipFlops, carry: cells.SB_CARRY ?? 0, ebr: cells.SB_RAM40_4K ?? 0 };
}
