/** The HDL builder and emitter: checks at the TypeScript boundary, deterministic and lint-clean output. */
import { describe, expect, it } from 'vitest';
import { leafCellSource, uartRx, uartTx } from '../src/hdl/cells.ts';
import { emitVerilog } from '../src/hdl/emit.ts';
import { HdlError, Module } from '../src/hdl/module.ts';
import { lint } from '../sim/verilator.ts';

function echoModule(): Module {
  const m = new Module('echo_unit', ['echo_unit: a UART receiver wired straight to a transmitter.']);
  m.localparam('CLKS_PER_BIT', 12, 'clk cycles per bit');
  m.input('clk').input('rst').input('rx').output('tx').output('frame_error', 1, 'strobe', { reg: true });
  m.wire('byte_data', 8)
    .wire('byte_valid')
    .wire('error_strobe')
    .wire('tx_ready', 1, 'unused: bytes arrive slower than they leave');
  m.instance(
    uartRx,
    'u_rx',
    { clk: 'clk', rst: 'rst', rx: 'rx', data: 'byte_data', valid: 'byte_valid', frame_error: 'error_strobe' },
    { CLKS_PER_BIT: 'CLKS_PER_BIT' },
  );
  m.instance(
    uartTx,
    'u_tx',
    { clk: 'clk', rst: 'rst', data: 'byte_data', valid: 'byte_valid', ready: 'tx_ready', tx: 'tx' },
    { CLKS_PER_BIT: 'CLKS_PER_BIT' },
  );
  m.body(`
    // tx_ready is deliberately unused: the receiver cannot outpace the transmitter.
    wire ignored_ready = tx_ready;
    always @(posedge clk) frame_error <= error_strobe;
  `);
  return m;
}

describe('HDL builder', () => {
  it('emits the same bytes for the same description', () => {
    expect(emitVerilog(echoModule())).toBe(emitVerilog(echoModule()));
  });

  it('emits named, aligned connections in the cell port order and keeps comments', () => {
    const text = emitVerilog(echoModule(), { header: ['config abc'] });
    expect(text).toContain('// echo_unit: a UART receiver wired straight to a transmitter.');
    expect(text).toContain('// config abc');
    expect(text).toContain('    localparam integer CLKS_PER_BIT = 12;  // clk cycles per bit');
    expect(text).toMatch(/ {8}\.clk {9}\(clk\),\n {8}\.rst {9}\(rst\),\n {8}\.rx {10}\(rx\),/);
    expect(text).toContain('    output reg  frame_error  // strobe');
    expect(text.startsWith('// echo_unit')).toBe(true);
    expect(text).toContain('`default_nettype none');
  });

  it('produces Verilog that verilator -Wall accepts', async () => {
    const sources = {
      'echo_unit.v': emitVerilog(echoModule()),
      'uart_rx.v': leafCellSource(uartRx),
      'uart_tx.v': leafCellSource(uartTx),
    };
    // The body's ignored_ready wire is itself unused; lint must say so, proving lint really runs on our output.
    await expect(lint(sources, 'echo_unit')).rejects.toThrow(/UNUSED/);
    sources['echo_unit.v'] = sources['echo_unit.v'].replace(
      'wire ignored_ready = tx_ready;',
      '/* verilator lint_off UNUSEDSIGNAL */ wire ignored_ready = tx_ready; /* verilator lint_on UNUSEDSIGNAL */',
    );
    await expect(lint(sources, 'echo_unit')).resolves.toBeUndefined();
  });

  it('refuses wrong names, widths and connections before any Verilog is written', () => {
    const m = new Module('t');
    m.input('clk').input('rst').input('rx').wire('narrow', 4).wire('v').wire('f');
    const base = { clk: 'clk', rst: 'rst', rx: 'rx', data: 'narrow', valid: 'v', frame_error: 'f' };
    expect(() => m.instance(uartRx, 'u1', base)).toThrow(/uart_rx.data is 8 bits but 'narrow' is 4/);
    expect(() => m.instance(uartRx, 'u2', { ...base, data: 'nothing' })).toThrow(/'nothing' is not declared/);
    expect(() => m.instance(uartRx, 'u3', { ...base, data: "8'd0", bogus: 'clk' })).toThrow(/has no port 'bogus'/);
    const { rx: _rx, ...withoutRx } = base;
    expect(() => m.instance(uartRx, 'u4', { ...withoutRx, data: "8'd0" })).toThrow(/ports not connected: rx/);
    expect(() => m.instance(uartRx, 'u5', { ...base, data: "8'd0", rx: null })).toThrow(
      /input port 'rx' must be connected/,
    );
    expect(() => m.instance(uartRx, 'u6', { ...base, data: "8'd0" }, { BAUD: 3 })).toThrow(/no parameter 'BAUD'/);
    expect(() => m.wire('clk')).toThrow(/declared twice/);
    expect(() => m.wire('module')).toThrow(HdlError);
    expect(() => m.wire('x', 0)).toThrow(/positive integer/);
  });
});
