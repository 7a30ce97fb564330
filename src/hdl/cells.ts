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
    count: { direction: 'output', width: (p) => p.DEPTH_LOG2! + 1 },
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

export const linkCore: LeafCell = {
  name: 'link_core',
  file: 'link_core.v',
  params: {
    CLKS_PER_BIT: 12,
    RX_FIFO_LOG2: 10,
    STREAM_FIFO_LOG2: 9,
    MAX_PAYLOAD: 512,
    IDENTITY_BYTES: 64,
    TIMEOUT_CYCLES: 120000,
    REG_COUNT: 16,
    MEM_COUNT: 1,
    MEM_WORD_LOG2: "128'd0",
    MEM_DEPTHS: "400'd0",
  },
  ports: {
    clk: { direction: 'input', width: 1 },
    rst: { direction: 'input', width: 1 },
    uart_rx: { direction: 'input', width: 1 },
    uart_tx: { direction: 'output', width: 1 },
    id_addr: { direction: 'output', width: 8 },
    id_data: { direction: 'input', width: 8 },
    reg_addr: { direction: 'output', width: 16 },
    reg_wdata: { direction: 'output', width: 32 },
    reg_write: { direction: 'output', width: 1 },
    reg_read: { direction: 'output', width: 1 },
    reg_rdata: { direction: 'input', width: 32 },
    mem_sel: { direction: 'output', width: 8 },
    mem_addr: { direction: 'output', width: 24 },
    mem_wdata: { direction: 'output', width: 32 },
    mem_write: { direction: 'output', width: 1 },
    mem_read: { direction: 'output', width: 1 },
    mem_ack: { direction: 'input', width: 1 },
    mem_rdata: { direction: 'input', width: 32 },
    stream_data: { direction: 'input', width: 8 },
    stream_valid: { direction: 'input', width: 1 },
    stream_ready: { direction: 'output', width: 1 },
    core_busy: { direction: 'input', width: 1 },
    line_error: { direction: 'output', width: 1 },
    idle: { direction: 'output', width: 1 },
  },
};

export const linkCrc: LeafCell = {
  name: 'link_crc',
  file: 'link_crc.v',
  params: {},
  ports: {
    clk: { direction: 'input', width: 1 },
    clear: { direction: 'input', width: 1 },
    start: { direction: 'input', width: 1 },
    data: { direction: 'input', width: 8 },
    with_crc8: { direction: 'input', width: 1 },
    crc8: { direction: 'output', width: 8 },
    crc32: { direction: 'output', width: 32 },
    busy: { direction: 'output', width: 1 },
  },
};

LEAF_CELLS.push(linkCore, linkCrc);
