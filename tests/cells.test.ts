/**
 * Leaf cells in hdl/ and the iCE40 primitives: their interfaces are read from the Verilog itself, instances
 * are checked against them, and the cells lint clean at several sizes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ICE40_CELLS_SIM, SB_PLL40_CORE, SB_PLL40_PAD } from '../src/boards/primitives.ts';
import { bdcganEngineCell } from '../src/cores/bdcgan/rtl.ts';
import { isingEngineCell } from '../src/cores/ising/rtl.ts';
import { cellSources, HDL_DIR, LEAF_CELLS, leafCell, syncFifo, type LeafCell } from '../src/hdl/cells.ts';
import { emitVerilog } from '../src/hdl/emit.ts';
import { Module, type CellInterface } from '../src/hdl/module.ts';
import { readModuleInterface } from '../src/hdl/verilog-interface.ts';
import { lint } from '../sim/verilator.ts';

/** Port → "direction width" at the given parameter values (merged over the cell's numeric defaults). */
function portTable(cell: CellInterface, params: Record<string, number> = {}): Record<string, string> {
  const values = { ...numericDefaults(cell), ...params };
  const width = (w: CellInterface['ports'][string]['width']) => (typeof w === 'number' ? w : w(values));
  return Object.fromEntries(Object.entries(cell.ports).map(([name, p]) => [name, `${p.direction} ${width(p.width)}`]));
}

function numericDefaults(cell: CellInterface): Record<string, number> {
  const numeric = Object.entries(cell.params).filter(([, v]) => typeof v === 'number');
  return Object.fromEntries(numeric) as Record<string, number>;
}

describe('Verilog interfaces read from the sources', () => {
  const files = readdirSync(HDL_DIR).filter((f) => f.endsWith('.v'));

  it('reads every module in hdl/: named like its file, every width a positive integer at the defaults', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) {
      const cell = leafCell(file);
      expect(cell.name).toBe(file.replace(/\.v$/, ''));
      expect(Object.keys(cell.ports).length).toBeGreaterThan(0);
      for (const spec of Object.values(portTable(cell))) expect(spec).toMatch(/^(input|output) [1-9]\d*$/);
    }
    expect(new Set(LEAF_CELLS.map((c) => c.file)).size).toBe(LEAF_CELLS.length);
    expect([isingEngineCell, bdcganEngineCell]).toEqual([leafCell('ising_engine.v'), leafCell('bdcgan_engine.v')]);
  });

  it('sync_fifo at WIDTH 16, DEPTH_LOG2 11: data ports 16 bits, count 12', () => {
    expect(syncFifo.params).toEqual({ WIDTH: 8, DEPTH_LOG2: 9 });
    expect(portTable(syncFifo, { WIDTH: 16, DEPTH_LOG2: 11 })).toEqual({
      clk: 'input 1',
      rst: 'input 1',
      in_data: 'input 16',
      in_valid: 'input 1',
      in_ready: 'output 1',
      out_data: 'output 16',
      out_valid: 'output 1',
      out_ready: 'input 1',
      count: 'output 12',
    });
  });

  it('bdcgan_engine: address widths follow ROW_BITS, LANE_BITS and JOB_BITS', () => {
    const ports = portTable(bdcganEngineCell, { ROW_BITS: 12, LANE_BITS: 1, JOB_BITS: 3 });
    expect([ports.model_addr, ports.job_addr, ports.job_count, ports.table_addr, ports.pixel]).toEqual([
      'input 13',
      'input 7',
      'input 4',
      'input 10',
      'output 8',
    ]);
  });

  it('link_core: wide sized defaults stay Verilog text, the rest are numbers', () => {
    const linkCore = leafCell('link_core.v');
    expect(linkCore.params).toMatchObject({ TIMEOUT_CYCLES: 120000, MEM_WORD_LOG2: "128'd0", MEM_DEPTHS: "400'd0" });
    expect(portTable(linkCore)).toMatchObject({ reg_addr: 'output 16', reg_rdata: 'input 32', mem_addr: 'output 24' });
  });

  it('reads SB_PLL40_PAD and SB_PLL40_CORE from the yosys iCE40 cell models', () => {
    expect(readFileSync(ICE40_CELLS_SIM, 'utf8')).toContain('module SB_PLL40_PAD');
    const common = {
      PLLOUTCORE: 'output 1',
      PLLOUTGLOBAL: 'output 1',
      EXTFEEDBACK: 'input 1',
      DYNAMICDELAY: 'input 8',
      LOCK: 'output 1',
      BYPASS: 'input 1',
      RESETB: 'input 1',
      LATCHINPUTVALUE: 'input 1',
      SDO: 'output 1',
      SDI: 'input 1',
      SCLK: 'input 1',
    };
    expect(portTable(SB_PLL40_PAD)).toEqual({ PACKAGEPIN: 'input 1', ...common });
    expect(portTable(SB_PLL40_CORE)).toEqual({ REFERENCECLK: 'input 1', ...common });
    for (const pll of [SB_PLL40_PAD, SB_PLL40_CORE]) {
      expect(pll.params).toMatchObject({ FEEDBACK_PATH: '"SIMPLE"', DIVR: 0, DIVF: 0, DIVQ: 0, FILTER_RANGE: 0 });
    }
  });

  it('handles the header forms and constant expressions the subset promises', () => {
    const cell = readModuleInterface(`
      \`timescale 1ns/1ps
      // module decoy (input wire [99:0] nope);
      (* keep *) module demo #(
        parameter integer N = 3, M = N > 2 ? $clog2(N * 10) : 2 ** N,
        parameter [31:0] ID = 32'h49534e47, parameter [63:0] BIG = 64'h0, parameter NAME = "x, y"
      ) (
        input wire [(1 << N) - 1:0] a, b,  /* two ports, one declaration */
        output reg signed [M:1] c,
        output wire [0:N % 2] d
      );
        wire [3:0] e;
      endmodule`);
    expect(cell.name).toBe('demo');
    expect(cell.params).toEqual({ N: 3, M: 5, ID: 0x49534e47, BIG: "64'h0", NAME: '"x, y"' });
    expect(portTable(cell)).toEqual({ a: 'input 8', b: 'input 8', c: 'output 5', d: 'output 2' });
    expect(portTable(cell, { N: 4, M: 2 })).toEqual({ a: 'input 16', b: 'input 16', c: 'output 2', d: 'output 1' });
  });

  it('says where and what when a header is not understood', () => {
    const read = (source: string) => () => readModuleInterface(source, undefined, 'broken.v');
    expect(read('module broken #(parameter W = ) (input a);\nendmodule')).toThrow(
      "broken.v: module broken, line 1: expected a constant expression, found ')'",
    );
    expect(read('module broken (\n  input wire [WIDTH-1:0] a\n);\nendmodule')).toThrow(
      "broken.v: module broken, line 2: a port width uses 'WIDTH', which is not a parameter",
    );
    expect(read('module broken (a, b); input a; output b; endmodule')).toThrow(/line 1: non-ANSI port lists/);
    expect(read('this is not Verilog')).toThrow('broken.v: no module declaration found (modules: none)');
    expect(() => leafCell('no_such_cell.v')).toThrow(/no_such_cell\.v/);
  });
});

describe('instances are checked against the real interface', () => {
  /** A module with a signal of the right width for every port of `cell`, named like the port. */
  function host(cell: CellInterface, overrides: Record<string, number> = {}): Module {
    const m = new Module('host');
    for (const [port, spec] of Object.entries(portTable(cell))) {
      m.wire(port, overrides[port] ?? Number(spec.split(' ')[1]));
    }
    return m;
  }
  const allPorts = (cell: CellInterface) => Object.fromEntries(Object.keys(cell.ports).map((p) => [p, p]));

  it('ising_engine: a correct instance passes; a misspelled port or a wrong width names the port', () => {
    const engine = isingEngineCell;
    const { reg_addr, ...rest } = allPorts(engine);
    expect(reg_addr).toBe('reg_addr');
    expect(() => host(engine).instance(engine, 'u_engine', allPorts(engine))).not.toThrow();
    expect(() => host(engine).instance(engine, 'u_engine', { ...rest, reg_adr: 'reg_addr' })).toThrow(
      "host.u_engine: ising_engine has no port 'reg_adr'",
    );
    expect(() => host(engine, { reg_addr: 8 }).instance(engine, 'u_engine', allPorts(engine))).toThrow(
      "host.u_engine.reg_addr: ising_engine.reg_addr is 16 bits but 'reg_addr' is 8",
    );
    expect(() => host(engine).instance(engine, 'u_engine', rest)).toThrow('ports not connected: reg_addr');
  });

  it('a parameter-dependent width is checked at the instance parameters', () => {
    const m = host(syncFifo, { in_data: 16, out_data: 16, count: 12 });
    expect(() => m.instance(syncFifo, 'u_small', allPorts(syncFifo))).toThrow(
      "host.u_small.in_data: sync_fifo.in_data is 8 bits but 'in_data' is 16",
    );
    expect(() => m.instance(syncFifo, 'u_big', allPorts(syncFifo), { WIDTH: 16, DEPTH_LOG2: 11 })).not.toThrow();
  });

  it('a PLL primitive may leave its unused pins out, which then stay out of the emitted instance', () => {
    const top = new Module('pll_top').input('clk').output('core_clk').output('locked');
    const required = { PACKAGEPIN: 'clk', PLLOUTGLOBAL: 'core_clk', LOCK: 'locked', RESETB: "1'b1", BYPASS: "1'b0" };
    const { RESETB: _, ...withoutReset } = required;
    expect(() => top.instance(SB_PLL40_PAD, 'u_bad', withoutReset)).toThrow('ports not connected: RESETB');
    top.instance(SB_PLL40_PAD, 'u_pll', required, { FEEDBACK_PATH: '"SIMPLE"', DIVF: "7'd63" });
    const text = emitVerilog(top);
    expect(text).toContain('.RESETB');
    expect(text).not.toMatch(/SDI|SCLK|EXTFEEDBACK|PLLOUTCORE/);
  });
});

describe('leaf cells lint', () => {
  it('every cell is lint-clean under verilator -Wall at several parameter values', async () => {
    const variants: [string, Record<string, number>][] = [
      ['uart_rx', { CLKS_PER_BIT: 4 }],
      ['uart_rx', { CLKS_PER_BIT: 104 }],
      ['uart_tx', { CLKS_PER_BIT: 4 }],
      ['uart_tx', { CLKS_PER_BIT: 16 }],
      ['uart_rx', { CLKS_PER_BIT: 9, EXTRA_EIGHTHS: 5 }],
      ['uart_tx', { CLKS_PER_BIT: 4, EXTRA_EIGHTHS: 1 }],
      ['sync_fifo', { WIDTH: 8, DEPTH_LOG2: 1 }],
      ['sync_fifo', { WIDTH: 16, DEPTH_LOG2: 11 }],
      ['reset_sync', { HOLD_LOG2: 8 }],
      ['reset_sync', { HOLD_LOG2: 8, HAS_LOCK: 0 }],
    ];
    for (const [name, params] of variants) {
      const cell: LeafCell = LEAF_CELLS.find((c) => c.name === name)!;
      // Parameters are set through a wrapper module, as a design would instantiate the cell.
      const ports = Object.entries(portTable(cell, params)).map(([p, spec]) => [p, ...spec.split(' ')] as const);
      const instance = `${cell.name} #(${Object.entries(params)
        .map(([k, v]) => `.${k}(${v})`)
        .join(', ')}) u_cell`;
      const wrapper = [
        '`default_nettype none',
        `module lint_top (`,
        ports.map(([p, direction, width]) => `    ${direction} wire [${Number(width) - 1}:0] ${p}`).join(',\n'),
        ');',
        `    ${instance} (${ports.map(([p]) => `.${p}(${p})`).join(', ')});`,
        'endmodule',
        '`default_nettype wire',
        '',
      ].join('\n');
      await lint({ 'lint_top.v': wrapper, ...cellSources([cell]) }, 'lint_top');
    }
  });
});
