/** UART bit timing shared by every design with a serial link. */
import { UserError } from '../errors.ts';

/** Fewest core clock cycles per bit uart_rx handles (mid-bit sampling needs a few cycles of margin). */
export const MIN_CLOCKS_PER_BIT = 4;
/**
 * Largest baud-rate error the divisor rounding may introduce. The two ends of an 8N1 link together tolerate
 * about ±4.5 % before the stop bit is mis-sampled; 1.5 % leaves the rest for the USB-UART bridge's own error.
 */
export const MAX_BAUD_ERROR = 0.015;

/**
 * The UART cells time a bit in whole clock cycles plus eighths of a cycle (uart_tx.v): a clock that is no
 * whole multiple of the baud (28.875 MHz at 3 Mbaud is 9.625 cycles a bit) keeps its bit rate on average, every
 * edge within a cycle of the ideal grid.
 */
export const BIT_TIME_STEPS = 8;

/** Core clock cycles per bit, rounded to the UART cells' 1/8 cycle: what a build at this clock and baud uses. */
export function bitTime(clockHz: number, baud: number): number {
  return Math.round((clockHz / baud) * BIT_TIME_STEPS) / BIT_TIME_STEPS;
}

/**
 * Core clock cycles per bit for `baud` at `clockMHz`, rounded to 1/8 of a cycle (an integer when the clock is a
 * whole multiple of the baud), or a UserError that says what to change.
 */
export function uartDivisor(clockMHz: number, baud: number): number {
  if (!(baud > 0)) throw new UserError(`--baud must be positive, got ${baud}`);
  const clockHz = clockMHz * 1e6;
  const divisor = bitTime(clockHz, baud);
  if (divisor < MIN_CLOCKS_PER_BIT) {
    throw new UserError(
      `--baud ${baud} is too fast for a ${clockMHz} MHz core clock: needs ≥ ${MIN_CLOCKS_PER_BIT} clocks per bit ` +
        `(at most ${Math.floor(clockHz / MIN_CLOCKS_PER_BIT)} baud); lower --baud or raise --clock-mhz`,
    );
  }
  const actual = clockHz / divisor;
  const error = Math.abs(actual - baud) / baud;
  if (error > MAX_BAUD_ERROR) {
    throw new UserError(
      `--baud ${baud} at ${clockMHz} MHz: the nearest divisor ${divisor} gives ${Math.round(actual)} baud, ` +
        `${(error * 100).toFixed(2)} % off (limit ${MAX_BAUD_ERROR * 100} %); pick a baud that divides the clock`,
    );
  }
  return divisor;
}

/** uart_rx/uart_tx (and link_core) parameters for a bit time from uartDivisor. */
export function uartParams(clocksPerBit: number): { CLKS_PER_BIT: number; EXTRA_EIGHTHS: number } {
  const whole = Math.floor(clocksPerBit);
  const eighths = (clocksPerBit - whole) * BIT_TIME_STEPS;
  if (!Number.isInteger(eighths)) throw new Error(`bit time ${clocksPerBit} is not a multiple of 1/${BIT_TIME_STEPS}`);
  return { CLKS_PER_BIT: whole, EXTRA_EIGHTHS: eighths };
}
