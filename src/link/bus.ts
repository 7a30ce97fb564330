/**
 * The link bus: the signals between hdl/link_core.v and a design's core logic, declared once (like an
 * Amaranth interface signature). A core declares the whole bus with `declareLinkBus`, and any instance whose
 * ports carry bus names — link_core itself, or a hand-written engine that serves registers, memories and the
 * stream — is wired with `busConnections`, which checks each port's direction and width against the bus.
 */
import { HdlError, type CellInterface, type Module } from '../hdl/module.ts';

/** Which side drives a bus signal. */
type Driver = 'link' | 'core';

interface BusSignal {
  width: number;
  driver: Driver;
  comment?: string;
}

/** Named as link_core's ports; the core side uses the same names. */
export const LINK_BUS = {
  id_addr: { width: 8, driver: 'link', comment: 'identity ROM address' },
  id_data: { width: 8, driver: 'core', comment: 'identity ROM byte, the clock after id_addr' },
  reg_addr: { width: 16, driver: 'link', comment: 'stable from a clock before each strobe until the next' },
  reg_wdata: { width: 32, driver: 'link', comment: 'valid with reg_write' },
  reg_write: { width: 1, driver: 'link', comment: 'one-clock strobe' },
  reg_read: { width: 1, driver: 'link', comment: 'one-clock strobe; reg_rdata is taken the clock after' },
  reg_rdata: { width: 32, driver: 'core' },
  mem_sel: { width: 8, driver: 'link', comment: 'memory index, checked by the link against the identity' },
  mem_addr: { width: 24, driver: 'link', comment: 'word address, checked by the link' },
  mem_wdata: { width: 32, driver: 'link' },
  mem_write: { width: 1, driver: 'link' },
  mem_read: { width: 1, driver: 'link' },
  mem_ack: { width: 1, driver: 'core', comment: 'the access is done (reads: mem_rdata valid)' },
  mem_rdata: { width: 32, driver: 'core' },
  stream_data: { width: 8, driver: 'core' },
  stream_valid: { width: 1, driver: 'core' },
  stream_ready: { width: 1, driver: 'link' },
  line_error: { width: 1, driver: 'link', comment: 'latched UART framing error or rx overflow' },
  link_idle: { width: 1, driver: 'link', comment: 'no frame in flight' },
} as const satisfies Record<string, BusSignal>;

export type LinkBusSignal = keyof typeof LINK_BUS;

/** link_core's port names that differ from the bus names (its `idle` is the core's `link_idle`). */
const LINK_CORE_PORT: Partial<Record<LinkBusSignal, string>> = { link_idle: 'idle' };

/**
 * Declares every bus signal in `core`. Signals the core drives from an always block (`registered`) become regs;
 * `memories` names the memory indices the link accepts, for the comment on mem_sel.
 */
export function declareLinkBus(core: Module, registered: LinkBusSignal[], memories: string[]): void {
  for (const [name, signal] of Object.entries(LINK_BUS) as [LinkBusSignal, BusSignal][]) {
    const comment =
      name === 'mem_sel'
        ? `${signal.comment}: ${memories.map((m, i) => `${i} ${m}`).join(', ') || 'none'}`
        : signal.comment;
    if (registered.includes(name)) core.reg(name, signal.width, comment);
    else core.wire(name, signal.width, comment);
  }
}

/**
 * Connections of every port of `cell` that is a bus signal (by name), checked against the bus: the link core
 * drives what the bus says the link drives, any other cell the opposite. Ports that are not bus signals are
 * left to the caller.
 */
export function busConnections(cell: CellInterface, side: Driver): Record<string, string> {
  const connections: Record<string, string> = {};
  for (const [name, signal] of Object.entries(LINK_BUS) as [LinkBusSignal, BusSignal][]) {
    const port = side === 'link' ? (LINK_CORE_PORT[name] ?? name) : name;
    const spec = cell.ports[port];
    if (!spec) continue;
    const drives = spec.direction === 'output';
    if (drives !== (signal.driver === side)) {
      throw new HdlError(
        `${cell.name}.${port}: the link bus signal ${name} is driven by the ${signal.driver}, ` +
          `but the port is an ${spec.direction}`,
      );
    }
    if (typeof spec.width === 'number' && spec.width !== signal.width) {
      throw new HdlError(`${cell.name}.${port}: ${spec.width} bits, the link bus signal ${name} has ${signal.width}`);
    }
    connections[port] = name;
  }
  return connections;
}
