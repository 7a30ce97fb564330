/**
 * The hand-written leaf cells in hdl/. Their interfaces (parameters, ports, widths) are read from the .v files
 * themselves (verilog-interface.ts), so generated modules that instantiate a cell are checked against its
 * real header: a wrong port name or width fails in TypeScript before Verilog is written.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellInterface } from './module.ts';
import { readModuleInterface } from './verilog-interface.ts';

export const HDL_DIR = fileURLToPath(new URL('../../hdl/', import.meta.url));

export interface LeafCell extends CellInterface {
  /** File name in hdl/ (or the base name of `path`): the name it has among a design's sources. */
  file: string;
  /** Where a cell outside hdl/ lives (a design of your own, `leafCellAt`). */
  path?: string;
  /** Files in hdl/ the cell `include`s: they travel with it into every source set. */
  includes?: string[];
}

const sources = new Map<string, string>();
const cells = new Map<string, LeafCell>();

/** The cell in hdl/`file`, whose module is named like the file (as Verilator's DECLFILENAME wants). */
export function leafCell(file: string, includes?: string[]): LeafCell {
  let cell = cells.get(file);
  if (!cell) {
    cell = { ...readModuleInterface(sourceOf(file), basename(file, '.v'), `hdl/${file}`), file, includes };
    cells.set(file, cell);
  }
  return cell;
}

/**
 * The hand-written Verilog module in the file at `path` (anywhere: a design of your own), its interface read
 * from its header like hdl/'s cells. Read afresh each time: an edited file is what the next build sees.
 */
export function leafCellAt(path: string): LeafCell {
  const file = basename(path);
  if (!file.endsWith('.v')) throw new Error(`${path}: a Verilog cell's file name ends in .v`);
  return { ...readModuleInterface(readFileSync(path, 'utf8'), basename(file, '.v'), path), file, path };
}

export function leafCellSource(cell: LeafCell): string {
  return cell.path ? readFileSync(cell.path, 'utf8') : sourceOf(cell.file);
}

/** The Verilog of `cells` by file name, with the files they include: a source set for Verilator or yosys. */
export function cellSources(cells: Iterable<LeafCell>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const cell of cells) {
    out[cell.file] = leafCellSource(cell);
    for (const include of cell.includes ?? []) out[include] = sourceOf(include);
  }
  return out;
}

function sourceOf(file: string): string {
  let source = sources.get(file);
  if (source === undefined) {
    source = readFileSync(HDL_DIR + file, 'utf8');
    sources.set(file, source);
  }
  return source;
}

export const uartRx = leafCell('uart_rx.v');
export const uartTx = leafCell('uart_tx.v');
export const syncFifo = leafCell('sync_fifo.v');
export const resetSync = leafCell('reset_sync.v');
export const linkCore = leafCell('link_core.v', ['link_protocol.vh']);
export const linkCrc = leafCell('link_crc.v');

/** The shared cells; the engines in hdl/ are exported by their designs' rtl.ts. */
export const LEAF_CELLS: LeafCell[] = [uartRx, uartTx, syncFifo, resetSync, linkCore, linkCrc];
