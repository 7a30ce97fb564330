/**
 * Board definitions: one entry per supported board, the single source for device, package, pins and
 * resources. constraints/<board>.pcf is generated from these (`pcfText`) and a test keeps them equal.
 * Pin facts: ../shared/REFERENCES.md (icebreaker-verilog-examples, icestorm examples, amaranth-boards).
 */
import { choose } from '../errors.ts';

export type Device = 'up5k' | 'hx1k' | 'hx8k';

export interface Led {
  /** Top-level port name, also used in the .pcf. */
  name: string;
  pin: string;
  activeLow: boolean;
}

export interface Board {
  name: string;
  title: string;
  device: Device;
  package: string;
  clock: { pin: string; mhz: number; note?: string };
  /** FPGA's view: rx is an FPGA input, driven by the USB-UART bridge. */
  uart: { rx: string; tx: string; note?: string };
  /** In role order: designs use led 0 for the heartbeat, led 1 for errors. */
  leds: Led[];
  /**
   * SB_PLL40_PAD when the clock pin is the PLL's own input pad (the PLL must then take it directly),
   * SB_PLL40_CORE when the clock reaches the PLL through the global network.
   */
  pll: 'SB_PLL40_PAD' | 'SB_PLL40_CORE';
  /** Logic cells (LUT4 + FF), 4 Kbit block RAMs, 256 Kbit SPRAMs, SB_MAC16 DSPs. */
  resources: { lc: number; ebr: number; spram: number; dsp: number };
}

const UP5K = { lc: 5280, ebr: 30, spram: 4, dsp: 8 };

export const BOARDS: Record<string, Board> = {
  icebreaker: {
    name: 'icebreaker',
    title: 'iCEBreaker',
    device: 'up5k',
    package: 'sg48',
    clock: { pin: '35', mhz: 12 },
    uart: { rx: '6', tx: '9', note: 'FT2232H interface B, usually /dev/ttyUSB1' },
    leds: [
      { name: 'led_green', pin: '37', activeLow: true },
      { name: 'led_red', pin: '11', activeLow: true },
    ],
    pll: 'SB_PLL40_PAD',
    resources: UP5K,
  },
  upduino3: {
    name: 'upduino3',
    title: 'UPduino v3',
    device: 'up5k',
    package: 'sg48',
    clock: { pin: '20', mhz: 12, note: '12 MHz oscillator reaches pin 20 only with the OSC jumper closed' },
    uart: { rx: '15', tx: '14' },
    leds: [
      { name: 'led_green', pin: '39', activeLow: true },
      { name: 'led_red', pin: '41', activeLow: true },
      { name: 'led_blue', pin: '40', activeLow: true },
    ],
    pll: 'SB_PLL40_CORE',
    resources: UP5K,
  },
  icestick: {
    name: 'icestick',
    title: 'iCEstick',
    device: 'hx1k',
    package: 'tq144',
    clock: { pin: '21', mhz: 12 },
    uart: { rx: '9', tx: '8', note: 'FT2232H interface B' },
    leds: ['95', '96', '97', '98', '99'].map((pin, i) => ({ name: `led_${i}`, pin, activeLow: false })),
    pll: 'SB_PLL40_CORE',
    resources: { lc: 1280, ebr: 16, spram: 0, dsp: 0 },
  },
  hx8k: {
    name: 'hx8k',
    title: 'iCE40-HX8K breakout',
    device: 'hx8k',
    package: 'ct256',
    clock: { pin: 'J3', mhz: 12 },
    uart: { rx: 'B10', tx: 'B12', note: 'FT2232H interface B' },
    leds: ['B5', 'B4', 'A2', 'A1', 'C5', 'C4', 'B3', 'C3'].map((pin, i) => ({
      name: `led_${i}`,
      pin,
      activeLow: false,
    })),
    pll: 'SB_PLL40_CORE',
    resources: { lc: 7680, ebr: 32, spram: 0, dsp: 0 },
  },
};

export function getBoard(name: string): Board {
  return choose('board', name, BOARDS);
}

/** Bits of block RAM (EBR) on the board's device. */
export function ebrBits(board: Board): number {
  return board.resources.ebr * 4096;
}

/**
 * The board's .pcf. Every pin is `-nowarn` so a design may leave board pins unused; top-level port names
 * are the same on every design (clk, uart_rx, uart_tx, LED names).
 */
export function pcfText(board: Board): string {
  const lines = [
    `# ${board.title}: ${board.device.toUpperCase()} ${board.package}, ${board.clock.mhz} MHz clock.`,
    '# Generated from src/boards/index.ts (tests/boards.test.ts keeps the two equal). FPGA view: uart_rx is an input.',
    `set_io -nowarn clk ${board.clock.pin}`,
    `set_io -nowarn uart_rx ${board.uart.rx}`,
    `set_io -nowarn uart_tx ${board.uart.tx}`,
    ...board.leds.map((led) => `set_io -nowarn ${led.name} ${led.pin}`),
  ];
  return `${lines.join('\n')}\n`;
}
