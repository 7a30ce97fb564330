/**
 * Where a design runs: the reference model on this machine, the virtual board (the core RTL in Verilator behind
 * a pty) or a board on a serial port. `withBoard` is the one place that turns a target into an open, checked
 * session (start the virtual board, open the port, refuse a board built from another config, name the likely
 * cause when nothing answers) and closes everything afterwards, whatever happens.
 */
import type { Elaborated } from '../design/design.ts';
import { UserError } from '../errors.ts';
import type { LinkConfig } from '../link/generate.ts';

export type Target =
  | { kind: 'reference' }
  | {
      kind: 'virtual';
      /** FST waveform of the whole session */
      trace?: string;
      /**
       * Simulate the routed netlist of the matching build (built first when missing) instead of the RTL — or
       * this netlist (src/flow/netlist.ts NetlistSource), e.g. one deliberately broken to show a check fails.
       */
      netlist?: boolean | import('../flow/netlist.ts').NetlistSource;
    }
  | { kind: 'port'; path: string };

/** A target that is a board (virtual or real). */
export type BoardTarget = Exclude<Target, { kind: 'reference' }>;

/** The target as `--ref` / `--sim` / `--port` name it: 'ref', 'sim' or 'port' (printed and in JSON). */
export function targetMode(target: Target): 'ref' | 'sim' | 'port' {
  return target.kind === 'reference' ? 'ref' : target.kind === 'virtual' ? 'sim' : 'port';
}

/** `--ref` / `--sim [--netlist]` / `--port PATH` as a target; exactly one must be given. */
export function targetFromFlags(flags: { ref?: unknown; sim?: unknown; port?: unknown; netlist?: unknown }): Target {
  const given = [flags.ref && '--ref', flags.sim && '--sim', flags.port && '--port'].filter(Boolean);
  if (given.length !== 1) {
    throw new UserError(
      `say where to run with exactly one of --ref, --sim, --port${given.length ? ` (got ${given.join(' ')})` : ''}`,
    );
  }
  if (flags.netlist && !flags.sim) throw new UserError('--netlist simulates the routed netlist: use it with --sim');
  if (flags.ref) return { kind: 'reference' };
  return flags.sim ? { kind: 'virtual', netlist: Boolean(flags.netlist) } : { kind: 'port', path: String(flags.port) };
}

/** The transport side a session needs; loaded lazily so the reference model never loads native bindings. */
type Session = import('../../host/board.ts').SpinbitBoard;

/**
 * Opens `target` for `elaborated` (which it must run: design and config hash are checked), calls `use`, and
 * closes the session and stops a virtual board afterwards. Link failures become one-line UserErrors (when
 * the board does not answer at all, with what to check).
 */
export async function withBoard<T>(
  elaborated: Elaborated<{ link: LinkConfig }>,
  target: BoardTarget,
  use: (board: Session) => Promise<T>,
): Promise<T> {
  const { SpinbitBoard } = await import('../../host/board.ts');
  const { LinkError } = await import('../../host/link.ts');
  let virtual: import('../../sim/virtual-board.ts').VirtualBoard | undefined;
  let timeoutMs: number | undefined; // the link's default for hardware
  if (target.kind === 'virtual') {
    const { VirtualBoard, VIRTUAL_BOARD_TIMEOUT_MS, NETLIST_BOARD_TIMEOUT_MS } = await import(
      '../../sim/virtual-board.ts'
    );
    timeoutMs = target.netlist ? NETLIST_BOARD_TIMEOUT_MS : VIRTUAL_BOARD_TIMEOUT_MS;
    const { routedNetlistOf } = await import('../flow/netlist.ts');
    const netlist =
      typeof target.netlist === 'object'
        ? target.netlist
        : target.netlist
          ? await routedNetlistOf(elaborated)
          : undefined;
    virtual = await VirtualBoard.start({ ...elaborated, netlist }, { traceFile: target.trace });
  }
  const path = virtual ? virtual.path : (target as { path: string }).path;
  const { baud } = elaborated.config.link;
  const hint = `flashed with \`spinbit build ${elaborated.design}\` and the same options? baud ${baud}?`;
  const notAnswering = (error: unknown): never => {
    if (error instanceof LinkError)
      throw new UserError(
        `${path} does not answer as a spinbit board: ${error.message.replace(`${path}: `, '')} (${hint})`,
      );
    throw error;
  };
  const lost = (error: unknown): never => {
    if (error instanceof LinkError) throw new UserError(error.message);
    throw error;
  };
  try {
    const expect = { design: elaborated.design, configHash: elaborated.configHash };
    const board = await SpinbitBoard.open(path, { baud, expect, timeoutMs }).catch(notAnswering);
    try {
      return await use(board).catch(lost);
    } finally {
      await board.close();
    }
  } finally {
    await virtual?.stop();
  }
}
