/**
 * Module → Verilog-2005 text. Output is deterministic (no dates, no map-order surprises) and laid out the
 * way a careful engineer would write it: aligned declarations, named port connections, comments kept.
 */
import type { Constant, Instance, Module, Port, Signal } from './module.ts';

const INDENT = '    ';

export interface EmitOptions {
  /** Extra header lines, e.g. which config produced this file. */
  header?: string[];
}

export function emitVerilog(module: Module, options: EmitOptions = {}): string {
  const out: string[] = [];
  for (const line of module.doc) out.push(`// ${line}`.trimEnd());
  if (options.header?.length) {
    if (module.doc.length) out.push('//');
    for (const line of options.header) out.push(`// ${line}`.trimEnd());
  }
  out.push('`default_nettype none', '');

  const parameters = module.constants.filter((c) => c.overridable);
  const localparams = module.constants.filter((c) => !c.overridable);
  if (parameters.length > 0) {
    out.push(`module ${module.name} #(`);
    out.push(...commaList(parameters.map(parameterLine)).map((l) => INDENT + l));
    out.push(') (');
  } else {
    out.push(`module ${module.name} (`);
  }
  const portRows = module.ports.map(portColumns);
  portRows.forEach((row, i) => {
    if (i < portRows.length - 1) row[3] += ',';
  });
  out.push(...alignColumns(portRows).map((l) => INDENT + l));
  out.push(');');

  if (localparams.length > 0) {
    out.push(...alignColumns(localparams.map(localparamColumns)).map((l) => INDENT + l));
    out.push('');
  }

  // Consecutive signal declarations are aligned as one block.
  let signals: Signal[] = [];
  const flushSignals = () => {
    if (signals.length === 0) return;
    out.push(...alignColumns(signals.map(signalColumns)).map((l) => INDENT + l));
    signals = [];
  };
  for (const item of module.items) {
    if (item.kind === 'signal') {
      signals.push(item.signal);
      continue;
    }
    flushSignals();
    if (item.kind === 'blank') out.push('');
    else if (item.kind === 'instance') out.push(...instanceLines(item.instance).map((l) => INDENT + l));
    else out.push(...reindent(item.text).map((l) => (l ? INDENT + l : l)));
  }
  flushSignals();
  while (out[out.length - 1] === '') out.pop();
  out.push('endmodule', '', '`default_nettype wire', '');
  return out.join('\n');
}

function range(width: number): string {
  return width === 1 ? '' : `[${width - 1}:0]`;
}

function withComment(text: string, comment?: string): string {
  return comment ? `${text}  // ${comment}` : text;
}

function parameterLine(c: Constant): string {
  const type = c.width === undefined ? 'integer' : range(c.width) || 'integer';
  return withComment(`parameter ${type} ${c.name} = ${c.value}`, c.comment);
}

function localparamColumns(c: Constant): string[] {
  const type = c.width === undefined ? 'integer' : range(c.width) || '';
  return [`localparam ${type}`.trimEnd(), `${c.name} = ${c.value};`, c.comment ? ` // ${c.comment}` : ''];
}

function portColumns(p: Port): string[] {
  return [p.direction, p.isReg ? 'reg' : 'wire', range(p.width), p.name, p.comment ? ` // ${p.comment}` : ''];
}

function signalColumns(s: Signal): string[] {
  return [s.kind, range(s.width), `${s.name};`, s.comment ? ` // ${s.comment}` : ''];
}

function instanceLines(inst: Instance): string[] {
  const lines: string[] = [];
  if (inst.comment) lines.push(`// ${inst.comment}`);
  const params = Object.entries(inst.params);
  if (params.length > 0) {
    lines.push(`${inst.cell.name} #(`);
    const width = Math.max(...params.map(([n]) => n.length));
    lines.push(...commaList(params.map(([n, v]) => `.${n.padEnd(width)} (${v})`)).map((l) => INDENT + l));
    lines.push(`) ${inst.name} (`);
  } else {
    lines.push(`${inst.cell.name} ${inst.name} (`);
  }
  // Connections follow the cell's port order, so the text does not depend on how the caller listed them.
  const ports = Object.keys(inst.cell.ports);
  const width = Math.max(...ports.map((p) => p.length));
  const connections = ports.map((p) => `.${p.padEnd(width)} (${inst.connections[p] ?? ''})`);
  lines.push(...commaList(connections).map((l) => INDENT + l));
  lines.push(');');
  return lines;
}

/** Joins entries with commas, placing the comma before any trailing `//` comment. */
function commaList(entries: string[]): string[] {
  return entries.map((entry, i) => {
    if (i === entries.length - 1) return entry;
    const at = entry.indexOf('  //');
    return at < 0 ? `${entry},` : `${entry.slice(0, at)},${entry.slice(at)}`;
  });
}

/** Pads columns so that declarations line up; empty trailing columns are dropped. Comment cells start with
 * a space so that they sit two spaces after the code. */
function alignColumns(allRows: string[][]): string[] {
  // Columns empty in every row (e.g. no signal has a range) are dropped so they add no blank gap.
  const columnCount = Math.max(...allRows.map((r) => r.length));
  const used = [...Array(columnCount).keys()].filter((c) => allRows.some((r) => (r[c] ?? '') !== ''));
  const rows = allRows.map((r) => used.map((c) => r[c] ?? ''));
  const columns = used.length;
  const widths: number[] = [];
  for (let c = 0; c < columns; c++) widths.push(Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((row) => {
    const last = row.reduce((acc, cell, i) => (cell ? i : acc), 0);
    return row
      .slice(0, last + 1)
      .map((cell, i) => (i === last ? cell : cell.padEnd(widths[i]!)))
      .join(' ');
  });
}

/** Removes the common leading indentation of a template-literal block and trims blank edges. */
export function reindent(text: string): string[] {
  const lines = text.replace(/\t/g, INDENT).split('\n');
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const margin = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => (l.trim() ? l.slice(margin).trimEnd() : ''));
}
