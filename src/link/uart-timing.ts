/** UART bit timing shared by every design with a serial link. */
import { UserError } from '../errors.ts';

/** Fewest core clock cycles per bit uart_rx handles (mid-bit sampling needs a few cycles of margin). */
export const MIN_CLOCKS_PER_BIT = 4;
/**
 * Largest baud-rate error the divisor rounding may introduce. The two ends of an 8N1 link together tolerate
 * about ±4.5 % before the stop bit is mis-sampled; 1.5 % leaves the rest for the USB-UART bridge's own error.
 */
export const MAX_BAUD_ERROR = 0.015;

/** Core clock cycles per bit for `baud` at `clockMHz`, or a UserError that says what to change. */
export function uartDivisor(clockMHz: number, baud: number): number {
  if (!(baud > 0)) throw new UserError(`--baud must be positive, got ${baud}`);
  const clockHz = clockMHz * 1e6;
  const divisor = Math.round(clockHz / baud);
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
