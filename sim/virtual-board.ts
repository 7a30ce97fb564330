/**
 * Starts a virtual board: the design's core-level RTL in Verilator — or the routed netlist of its build, with
 * the iCE40 cell models (sim/netlist.ts) — bridged to a pseudo-terminal (sim/board/virtual_board.cpp). Host
 * code opens `board.path` exactly as it would a real board's port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { netlistModelSpec } from './netlist.ts';
import { buildModel } from './verilator.ts';

const HARNESS = readFileSync(new URL('./board/virtual_board.cpp', import.meta.url), 'utf8');

/**
 * Reply timeout for hosts talking to a virtual board: it answers as fast as Verilator runs, so on a loaded
 * machine (CI, a training run on the other core) a reply can take seconds where hardware takes milliseconds.
 */
export const VIRTUAL_BOARD_TIMEOUT_MS = 5000;

/** The same for a routed netlist, which simulates about 13× slower than the RTL (bench `netlist`). */
export const NETLIST_BOARD_TIMEOUT_MS = 60_000;

export interface VirtualBoardOptions {
  /** Also make this path a symlink to the pty (a stable name for scripts). */
  linkPath?: string;
  traceFile?: string;
}

/** What a virtual board needs of an elaborated design (src/design/design.ts `Elaborated` has it). */
export interface BoardSources {
  coreSources: Record<string, string>;
  coreTop: string;
  config: { link: { clocksPerBit: number } };
  /** Run this routed netlist (src/flow/netlist.ts routedNetlistOf) instead of the core's RTL. */
  netlist?: { verilog: string; resetCycles: number };
}

export class VirtualBoard {
  private exited: Promise<number | null>;

  private constructor(
    readonly path: string,
    private readonly child: ChildProcess,
    readonly stderr: () => string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
    });
  }

  /** Builds (cached) and starts the virtual board for an elaborated design with a link. */
  static async start(elaborated: BoardSources, options: VirtualBoardOptions = {}): Promise<VirtualBoard> {
    const { netlist } = elaborated;
    const binary = await buildModel(
      netlist
        ? netlistModelSpec(netlist.verilog, HARNESS)
        : { sources: elaborated.coreSources, top: elaborated.coreTop, harness: HARNESS },
    );
    const args = ['--clocks-per-bit', String(elaborated.config.link.clocksPerBit)];
    if (netlist) args.push('--reset-cycles', String(netlist.resetCycles));
    if (options.linkPath) args.push('--link', options.linkPath);
    if (options.traceFile) args.push('--trace', options.traceFile);
    // Its own process group: a Ctrl-C at the terminal reaches the host, which stops the board itself (the
    // board still exits when its stdin closes, so it cannot outlive the host).
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const path = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => {
        const match = line.match(/^pty (\S+)/);
        if (match) resolve(match[1]!);
        else reject(new Error(`virtual board said '${line}' instead of its pty path`));
      });
      child.once('exit', (code) =>
        reject(new Error(`virtual board exited with ${code} before it was ready: ${stderr.trim()}`)),
      );
      child.once('error', reject);
    });
    return new VirtualBoard(path, child, () => stderr);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stops the simulation (as Ctrl-C would) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }

  /** Kills it without warning, as a crash or a pulled cable would. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  waitForExit(): Promise<number | null> {
    return this.exited;
  }
}
