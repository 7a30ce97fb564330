/**
 * TypeScript interfaces of the hand-written leaf cells in hdl/. Generated modules instantiate cells through
 * these, so a wrong port name or width fails in TypeScript before Verilog is written; a test checks that
 * each interface matches the port list of its .v file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CellInterface } from './module.ts';

export const HDL_DIR = fileURLToPath(new URL('../../hdl/', import.meta.url));

export interface LeafCell extends CellInterface {
  /** File name in hdl/. */
  file: string;
}

export const uartRx: LeafCell = {
  name: 'uart_rx',
  file: 'uart_rx.v',
  params: { CLKS_PER_BIT: 12 },
  ports: {
    clk: { direction: 'input', width: 1 },
    rst: { direction: 'input', width: 1 },
    rx: { direction: 'input', width: 1 },
    data: { direction: 'output', width: 8 },
    valid: { direction: 'output', width: 1 },
    frame_error: { direction: 'output', width: 1 },
  },
};

export const uartTx: LeafCell = {
  name: 'uart_tx',
  file: 'uart_tx.v',
  params: { CLKS_PER_BIT: 12 },
  ports: {
    clk: { direction: 'input', width: 1 },
    rst: { direction: 'input', width: 1 },
    data: { direction: 'input', width: 8 },
    valid: { direction: 'input', width: 1 },
    ready: { direction: 'output', width: 1 },
    tx: { direction: 'output', width: 1 },
  },
};

export const syncFifo: LeafCell = {
  name: 'sync_fifo',
  file: 'sync_fifo.v',
  params: { WIDTH: 8, DEPTH_LOG2: 9 },
  ports: {
    clk: { direction: 'input', width: 1 },
    rst: { direction: 'input', width: 1 },
    in_data: { direction: 'input', width: (p) => p.WIDTH! },
    in_valid: { direction: 'input', width: 1 },
    in_ready: { direction: 'output', width: 1 },
    out_data: { direction: 'output', width: (p) => p.WIDTH! },
    out_valid: { direction: 'output', width: 1 },
    out_ready: { direction: 'input', width: 1 },
  },
};

export const resetSync: LeafCell = {
  name: 'reset_sync',
  file: 'reset_sync.v',
  params: { STAGES: 4 },
  ports: {
    clk: { direction: 'input', width: 1 },
    arst_n: { direction: 'input', width: 1 },
    rst: { direction: 'output', width: 1 },
  },
};

export const LEAF_CELLS: LeafCell[] = [uartRx, uartTx, syncFifo, resetSync];

export function leafCellSource(cell: LeafCell): string {
  return readFileSync(HDL_DIR + cell.file, 'utf8');
}
