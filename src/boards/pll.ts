/**
 * Core-clock planning. A design asks for a core clock in MHz; when it differs from the board oscillator the
 * board wrapper instantiates an iCE40 PLL whose dividers come from icepll (the YoWASP build from npm).
 * icepll picks the closest reachable frequency; designs then use the *achieved* frequency (e.g. to derive
 * UART clocks-per-bit). Answers are cached on disk because starting the WebAssembly tool costs ~1.5 s.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/files.ts';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { getToolchain } from '../tools/tools.ts';

export interface PllPlan {
  inputMHz: number;
  requestedMHz: number;
  achievedMHz: number;
  divr: number;
  divf: number;
  divq: number;
  filterRange: number;
}

/** Output range of the iCE40 PLL (iCE40 sysCLOCK PLL design guide: 16–275 MHz). */
export const PLL_MIN_MHZ = 16;
export const PLL_MAX_MHZ = 275;

export async function planPll(inputMHz: number, requestedMHz: number, cacheDir: string): Promise<PllPlan> {
  if (!(requestedMHz >= PLL_MIN_MHZ && requestedMHz <= PLL_MAX_MHZ)) {
    throw new UserError(
      `core clock ${requestedMHz} MHz is outside the iCE40 PLL range ${PLL_MIN_MHZ}–${PLL_MAX_MHZ} MHz ` +
        `(or use the board clock, ${inputMHz} MHz)`,
    );
  }
  const cacheFile = join(cacheDir, 'pll.json');
  const key = `${inputMHz}->${requestedMHz}`;
  let cache: Record<string, PllPlan> = {};
  try {
    cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {
    // no cache yet, or unreadable: recompute
  }
  const cached = cache[key];
  if (cached) return cached;

  const result = await getToolchain('yowasp').run('icepll', ['-i', String(inputMHz), '-o', String(requestedMHz)], {});
  if (result.code !== 0) {
    throw new UserError(
      `icepll cannot make ${requestedMHz} MHz from ${inputMHz} MHz: ${result.log.trim().split('\n').pop()}`,
    );
  }
  const plan = parseIcepll(result.log, inputMHz, requestedMHz);
  cache[key] = plan;
  mkdirSync(cacheDir, { recursive: true });
  writeFileAtomic(cacheFile, `${JSON.stringify(cache, null, 2)}\n`);
  return plan;
}

export function parseIcepll(log: string, inputMHz: number, requestedMHz: number): PllPlan {
  const field = (pattern: RegExp): number => {
    const match = log.match(pattern);
    if (!match) throw new Error(`unexpected icepll output (no ${pattern.source}):\n${log}`);
    return Number(match[1]);
  };
  return {
    inputMHz,
    requestedMHz,
    achievedMHz: field(/F_PLLOUT:\s+([\d.]+) MHz \(achieved\)/),
    divr: field(/DIVR:\s+(\d+)/),
    divf: field(/DIVF:\s+(\d+)/),
    divq: field(/DIVQ:\s+(\d+)/),
    filterRange: field(/FILTER_RANGE:\s+(\d+)/),
  };
}
