/** Leaf cells in hdl/: their TypeScript interfaces match the Verilog, and they lint clean at several sizes. */
import { describe, expect, it } from 'vitest';
import { LEAF_CELLS, leafCellSource } from '../src/hdl/cells.ts';
import { lint } from '../sim/verilator.ts';

/** Port list of an ANSI-style module header: name → [direction, width at default parameters]. */
function parsePorts(source: string, params: Record<string, number | string>): Record<string, [string, number]> {
  const start = source.search(/^module\s/m);
  const header = source.slice(start, source.indexOf('\n);', start) + 3);
  const ports: Record<string, [string, number]> = {};
  for (const match of header.matchAll(/(input|output)\s+(?:wire|reg)\s*(?:\[([^\]]+):0\])?\s*(\w+)/g)) {
    const widthExpr = match[2];
    let width = 1;
    if (widthExpr) {
      const expr = Object.entries(params).reduce((e, [k, v]) => e.replaceAll(k, String(v)), widthExpr);
      width = Function(`return (${expr}) + 1`)() as number;
    }
    ports[match[3]!] = [match[1]!, width];
  }
  return ports;
}

describe('leaf cells', () => {
  for (const cell of LEAF_CELLS) {
    it(`${cell.name}: interface in cells.ts matches ${cell.file}`, () => {
      const numeric = Object.fromEntries(Object.entries(cell.params).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
      const declared = Object.fromEntries(
        Object.entries(cell.ports).map(([name, p]) => [name, [p.direction, typeof p.width === 'number' ? p.width : p.width(numeric)]]),
      );
      expect(parsePorts(leafCellSource(cell), cell.params)).toEqual(declared);
      for (const param of Object.keys(cell.params)) expect(leafCellSource(cell)).toMatch(new RegExp(`parameter\\b[^\\n]*\\b${param}\\s*=\\s*${cell.params[param]}`));
    });
  }

  it('every cell is lint-clean under verilator -Wall at several parameter values', async () => {
    const variants: [string, Record<string, number>][] = [
      ['uart_rx', { CLKS_PER_BIT: 4 }], ['uart_rx', { CLKS_PER_BIT: 104 }],
      ['uart_tx', { CLKS_PER_BIT: 4 }], ['uart_tx', { CLKS_PER_BIT: 16 }],
      ['sync_fifo', { WIDTH: 8, DEPTH_LOG2: 1 }], ['sync_fifo', { WIDTH: 16, DEPTH_LOG2: 11 }],
      ['reset_sync', { STAGES: 2 }],
    ];
    for (const [name, params] of variants) {
      const cell = LEAF_CELLS.find((c) => c.name === name)!;
      // Parameters are set through a wrapper module, as a design would instantiate the cell.
      const ports = Object.entries(cell.ports);
      const width = (w: (typeof ports)[number][1]['width']) => (typeof w === 'number' ? w : w(params));
      const wrapper = [
        '`default_nettype none',
        `module lint_top (`,
        ports.map(([p, s]) => `    ${s.direction} wire [${width(s.width) - 1}:0] ${p}`).join(',\n'),
        ');',
        `    ${cell.name} #(${Object.entries(params).map(([k, v]) => `.${k}(${v})`).join(', ')}) u_cell (${ports.map(([p]) => `.${p}(${p})`).join(', ')});`,
        'endmodule',
        '`default_nettype wire',
        '',
      ].join('\n');
      await lint({ 'lint_top.v': wrapper, [cell.file]: leafCellSource(cell) }, 'lint_top');
    }
  });
});
