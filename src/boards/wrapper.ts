/**
 * The thin board wrapper: everything that differs between the real board and the simulated one lives here
 * and only here (DESIGN.md principle 3). It takes the board's pins, makes the core clock (PLL when the
 * design asks for a clock other than the oscillator), makes a synchronous reset and maps LED polarity.
 * Every core has the same interface: clk, rst, uart_rx, uart_tx, leds[n].
 */
import { HdlError, Module } from '../hdl/module.ts';
import { resetSync } from '../hdl/cells.ts';
import type { Board } from './index.ts';
import type { PllPlan } from './pll.ts';
import { SB_PLL40_CORE, SB_PLL40_PAD } from './primitives.ts';

export const TOP_NAME = 'spinbit_top';
/** Net name of the core clock; the .pcf's set_frequency refers to it. */
export const CORE_CLOCK_NET = 'core_clk';

export interface ClockPlan {
  boardMHz: number;
  /** Frequency the core actually runs at (the PLL's achieved output, or the board clock). */
  mhz: number;
  pll?: PllPlan;
}

/**
 * Reset after configuration and after PLL lock: at least 15 µs (block RAM reads as zero for ~3 µs after
 * configuration; the open-FPGA community holds reset ≥ 15 µs), 100 µs when the clock is the UP5K's internal
 * oscillator (it needs ~100 µs to settle). reset_sync counts to a power of two (its top bit releases reset, so
 * it needs no comparator): the hold is the first 2^k clocks at the core clock that cover it, plus its two
 * synchronizer clocks.
 */
export function resetHold(clock: { mhz: number; internalOscillator?: boolean }): {
  microseconds: number;
  holdLog2: number;
  cycles: number;
} {
  const microseconds = clock.internalOscillator ? 100 : 15;
  const holdLog2 = Math.max(1, Math.ceil(Math.log2(microseconds * clock.mhz)));
  return { microseconds, holdLog2, cycles: 2 ** holdLog2 };
}

export function boardTop(board: Board, core: Module, clock: ClockPlan): Module {
  const coreLeds = core.ports.find((p) => p.name === 'leds')?.width ?? 0;
  for (const name of ['clk', 'rst', 'uart_rx', 'uart_tx']) {
    if (!core.ports.some((p) => p.name === name))
      throw new HdlError(`core ${core.name} lacks the standard port '${name}'`);
  }
  if (coreLeds > board.leds.length) {
    throw new HdlError(`core ${core.name} drives ${coreLeds} LEDs but ${board.title} has ${board.leds.length}`);
  }

  const clockSource = clock.pll
    ? ` from a PLL on the ${board.clock.mhz} MHz oscillator`
    : ' straight from the board oscillator';
  const top = new Module(TOP_NAME, [
    `Board wrapper for ${board.title} (${board.device.toUpperCase()} ${board.package}): ` +
      'clock, reset, pins, LED polarity.',
    `Core ${core.name} runs at ${clock.mhz} MHz${clockSource}.`,
  ]);
  top.input('clk', 1, `${board.clock.mhz} MHz oscillator, pin ${board.clock.pin}`);
  top.input('uart_rx', 1, `from the USB UART, pin ${board.uart.rx}`);
  top.output('uart_tx', 1, `to the USB UART, pin ${board.uart.tx}`);
  for (const led of board.leds) top.output(led.name, 1, `pin ${led.pin}, active ${led.activeLow ? 'low' : 'high'}`);

  top.wire(CORE_CLOCK_NET, 1, 'clock of everything inside the core');
  top.wire('clock_ready', 1, 'PLL locked (always ready without a PLL)');
  top.wire('rst', 1, 'synchronous reset for the core');
  if (coreLeds > 0) top.wire('core_leds', coreLeds, 'active high, in the board LED role order');
  const hasIdle = core.ports.some((p) => p.name === 'idle');
  // The core's idle output only lets the virtual board pause simulation; on a board nothing needs it.
  if (hasIdle) top.wire('unused_core_idle', 1, 'for the virtual board only');
  top.blank();

  if (clock.pll) {
    const pll = clock.pll;
    const primitive = board.pll === 'SB_PLL40_PAD' ? SB_PLL40_PAD : SB_PLL40_CORE;
    top.instance(
      primitive,
      'u_pll',
      {
        [board.pll === 'SB_PLL40_PAD' ? 'PACKAGEPIN' : 'REFERENCECLK']: 'clk',
        PLLOUTGLOBAL: CORE_CLOCK_NET,
        LOCK: 'clock_ready',
        RESETB: "1'b1",
        BYPASS: "1'b0",
      },
      {
        FEEDBACK_PATH: '"SIMPLE"',
        DIVR: `4'd${pll.divr}`,
        DIVF: `7'd${pll.divf}`,
        DIVQ: `3'd${pll.divq}`,
        FILTER_RANGE: `3'd${pll.filterRange}`,
      },
      `${pll.inputMHz} MHz → ${pll.achievedMHz} MHz (asked for ${pll.requestedMHz}); dividers from icepll`,
    );
  } else {
    top.assign(CORE_CLOCK_NET, 'clk');
    top.assign('clock_ready', "1'b1");
  }
  top.blank();
  const hold = resetHold({ mhz: clock.mhz });
  top.instance(
    resetSync,
    'u_reset',
    { clk: CORE_CLOCK_NET, arst_n: 'clock_ready', rst: 'rst' },
    { HOLD_LOG2: String(hold.holdLog2), HAS_LOCK: clock.pll ? '1' : '0' },
    `reset until the clock is stable, then ${hold.microseconds} µs more (block RAM after configuration)`,
  );
  top.blank();
  const connections: Record<string, string> = {
    clk: CORE_CLOCK_NET,
    rst: 'rst',
    uart_rx: 'uart_rx',
    uart_tx: 'uart_tx',
  };
  if (coreLeds > 0) connections.leds = 'core_leds';
  if (hasIdle) connections.idle = 'unused_core_idle';
  top.instance(core.asCell, 'u_core', connections);
  top.blank();
  board.leds.forEach((led, i) => {
    if (i < coreLeds) {
      const bit = coreLeds === 1 ? 'core_leds' : `core_leds[${i}]`;
      top.assign(led.name, led.activeLow ? `!${bit}` : bit);
    } else {
      top.assign(led.name, led.activeLow ? "1'b1" : "1'b0");
    }
  });
  return top;
}
