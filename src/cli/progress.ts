/**
 * Terminal output for builds: one line per stage with its time, and while a stage runs, its latest log line
 * (yosys pass, nextpnr phase) redrawn in place on a TTY. Off a TTY (CI logs) only the stage lines appear.
 */
import type { BuildEvent, Stage } from '../flow/build.ts';
import type { BuildReport } from '../flow/report.ts';

const STAGE_TITLES: Record<Stage, string> = {
  yosys: 'synthesis (yosys synth_ice40)',
  nextpnr: 'place and route (nextpnr-ice40)',
  icepack: 'bitstream (icepack)',
};

const STAGE_ORDER: Stage[] = ['yosys', 'nextpnr', 'icepack'];

export class StagePrinter {
  private readonly tty = Boolean(process.stderr.isTTY);
  private live = false;
  private stageNumber = 0;
  private lastDraw = 0;

  handle(event: BuildEvent): void {
    switch (event.kind) {
      case 'cached':
        process.stderr.write(`up to date (cached build in ${event.outDir})\n`);
        break;
      case 'stage-start':
        // A stage that runs again (place and route with the next seed) keeps its number.
        this.stageNumber = STAGE_ORDER.indexOf(event.stage) + 1;
        if (!this.tty) process.stderr.write(`[${this.stageNumber}/3] ${STAGE_TITLES[event.stage]}…\n`);
        else this.draw(`[${this.stageNumber}/3] ${STAGE_TITLES[event.stage]}…`);
        break;
      case 'stage-retry':
        this.clear();
        process.stderr.write(`[${this.stageNumber}/3] ${event.reason}\n`);
        break;
      case 'stage-output':
        if (this.tty && Date.now() - this.lastDraw > 100) {
          this.draw(`[${this.stageNumber}/3] ${STAGE_TITLES[event.stage]}: ${event.line.trim()}`);
        }
        break;
      case 'stage-done':
        this.clear();
        process.stderr.write(`[${this.stageNumber}/3] ${STAGE_TITLES[event.stage]} ${event.seconds.toFixed(1)} s\n`);
        break;
    }
  }

  stop(): void {
    this.clear();
  }

  private draw(text: string): void {
    const width = (process.stderr.columns || 100) - 1;
    process.stderr.write(`\r\x1b[2K${text.slice(0, width)}`);
    this.live = true;
    this.lastDraw = Date.now();
  }

  private clear(): void {
    if (this.live) process.stderr.write('\r\x1b[2K');
    this.live = false;
  }
}

export function formatReport(report: BuildReport, outDir: string, cached: boolean): string {
  const r = report.resources;
  const pct = (u: { used: number; total: number }) => (u.total ? ` (${((100 * u.used) / u.total).toFixed(1)} %)` : '');
  return [
    `${report.design} for ${report.board} (${report.device.toUpperCase()} ${report.package})` +
      `${cached ? ' — cached' : ''}`,
    `  logic cells ${r.lc.used}/${r.lc.total}${pct(r.lc)}, EBR ${r.ebr.used}/${r.ebr.total}, ` +
      `SPRAM ${r.spram.used}/${r.spram.total}, DSP ${r.dsp.used}/${r.dsp.total}`,
    `  clock: target ${report.target_mhz} MHz, achieved Fmax ${report.fmax_mhz} MHz — ` +
      `timing ${report.timing_ok ? 'met' : 'NOT met'}`,
    // Builds cached by an older spinbit have no reset entry.
    ...(report.reset
      ? [
          `  reset: held ${report.reset.hold_us} µs (${report.reset.cycles} clocks) after ${report.reset.after}, ` +
            `needs ≥ ${report.reset.required_us} µs`,
        ]
      : []),
    `  config ${report.config_hash.slice(0, 16)}, ${report.toolchain} toolchain` +
      // Builds cached by an older spinbit have no seed entry (they used 1).
      `, placement seed ${report.seed ?? 1}`,
    `  bitstream ${outDir}/${report.bitstream}`,
  ].join('\n');
}
