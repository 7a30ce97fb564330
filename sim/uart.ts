/**
 * The far end of a UART, at bit level, for vector simulations: encode bytes into a serial waveform (with a
 * chosen baud-rate error, like a real USB-UART bridge whose divisor differs from the FPGA's), and decode a
 * waveform back into bytes. Independent of the RTL: it is the reference the UART cells are checked against.
 */

export interface Segment {
  level: 0 | 1;
  cycles: number;
}

export interface UartFrame {
  byte: number;
  /** Send the stop bit low (a framing error the receiver must report). */
  badStop?: boolean;
  /** Idle bit times after this frame (default 0: back to back). */
  idleBitsAfter?: number;
}

export interface EncodeOptions {
  clocksPerBit: number;
  /** Relative baud error of this sender: +0.02 sends 2 % fast (shorter bits). */
  rateError?: number;
  /** Idle bit times before the first frame. */
  leadingIdleBits?: number;
}

/** Serial waveform of 8N1 frames; bit edges fall on rounded multiples of the (fractional) bit time. */
export function encodeUart(frames: UartFrame[], options: EncodeOptions): Segment[] {
  const bitTime = options.clocksPerBit / (1 + (options.rateError ?? 0));
  const levels: { level: 0 | 1; bits: number }[] = [{ level: 1, bits: options.leadingIdleBits ?? 2 }];
  for (const frame of frames) {
    levels.push({ level: 0, bits: 1 });
    for (let i = 0; i < 8; i++) levels.push({ level: ((frame.byte >> i) & 1) as 0 | 1, bits: 1 });
    levels.push({ level: frame.badStop ? 0 : 1, bits: 1 });
    if (frame.idleBitsAfter) levels.push({ level: 1, bits: frame.idleBitsAfter });
  }
  const segments: Segment[] = [];
  let bitsSoFar = 0;
  let cyclesSoFar = 0;
  for (const { level, bits } of levels) {
    bitsSoFar += bits;
    const edge = Math.round(bitsSoFar * bitTime);
    const cycles = edge - cyclesSoFar;
    cyclesSoFar = edge;
    const last = segments[segments.length - 1];
    if (last && last.level === level) last.cycles += cycles;
    else segments.push({ level, cycles });
  }
  return segments;
}

export interface Decoded {
  bytes: number[];
  /** Cycle of the start edge of each decoded byte. */
  startCycles: number[];
  framingErrors: number;
}

/**
 * Decodes a line given as [cycle, level] changes (first entry: level at cycle 0), sampling each bit in the
 * middle of its bit time as measured by this receiver's clock (`rateError` as in encodeUart).
 */
export function decodeUart(changes: [number, number | bigint][], endCycle: number, options: EncodeOptions): Decoded {
  const bitTime = options.clocksPerBit / (1 + (options.rateError ?? 0));
  const levelAt = (cycle: number): number => {
    // binary search: last change at or before `cycle`
    let lo = 0;
    let hi = changes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (changes[mid]![0] <= cycle) lo = mid;
      else hi = mid - 1;
    }
    return Number(changes[lo]![1]);
  };
  const result: Decoded = { bytes: [], startCycles: [], framingErrors: 0 };
  let index = 0;
  let searchFrom = 0;
  while (true) {
    // next falling edge at or after searchFrom
    while (index < changes.length && (changes[index]![0] < searchFrom || Number(changes[index]![1]) !== 0)) index++;
    if (index >= changes.length) break;
    const start = Math.max(changes[index]![0], searchFrom);
    if (start + 10 * bitTime > endCycle) break;
    if (levelAt(Math.floor(start + bitTime / 2)) !== 0) {
      searchFrom = start + 1; // glitch
      continue;
    }
    let byte = 0;
    for (let bit = 0; bit < 8; bit++) byte |= levelAt(Math.floor(start + (bit + 1.5) * bitTime)) << bit;
    const stopAt = Math.floor(start + 9.5 * bitTime);
    if (levelAt(stopAt) === 1) {
      result.bytes.push(byte);
      result.startCycles.push(start);
      searchFrom = stopAt;
    } else {
      result.framingErrors++;
      // wait for the line to go high again
      searchFrom = stopAt;
      while (index < changes.length && (changes[index]![0] <= stopAt || Number(changes[index]![1]) !== 1)) index++;
      if (index >= changes.length) break;
      searchFrom = changes[index]![0];
    }
  }
  return result;
}
