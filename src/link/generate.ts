/**
 * The link as every design gets it: settings derived from the design's clock and baud, the link_core
 * instance with its parameters, and the identity ROM generated from the config (design, config hash,
 * buffer sizes, memory map). A design adds its registers, memories and stream behind the link's ports.
 */
import type { ClockPlan } from '../boards/wrapper.ts';
import { linkCore, linkCrc, syncFifo, uartRx, uartTx, type LeafCell } from '../hdl/cells.ts';
import { Module } from '../hdl/module.ts';
import { uartDivisor, uartParams } from './uart-timing.ts';
import { Capability, encodeIdentity, PROTOCOL_VERSION, type MemoryInfo } from './protocol.ts';
import { UserError } from '../errors.ts';
import { busConnections, declareLinkBus, type LinkBusSignal } from './bus.ts';
import { registerCount, type Contract, type MemoryName } from './contract.ts';

export interface LinkConfig {
  baud: number;
  /** Core clock cycles per bit, a multiple of 1/8 (uart_tx.v spreads the fraction over the bits). */
  clocksPerBit: number;
  rxBufferLog2: number;
  streamBufferLog2: number;
  maxPayload: number;
  /** A partial frame is abandoned after this many core cycles without a byte. */
  timeoutCycles: number;
  frameTimeoutUs: number;
  registerCount: number;
  memories: MemoryInfo[];
}

export const DEFAULT_BAUD = 1_000_000;
/** Long enough for any USB scheduling gap inside one frame, short enough for a quick resync. */
export const FRAME_TIMEOUT_US = 10_000;
export const MAX_PAYLOAD = 496;
export const RX_BUFFER_LOG2 = 10;
export const STREAM_BUFFER_LOG2 = 9;

export const LINK_CELLS: LeafCell[] = [linkCore, linkCrc, uartRx, uartTx, syncFifo];

/** Word size and depth of each memory of a contract, as a config makes them. */
export type MemorySizes<C extends Contract> = Record<MemoryName<C>, { wordBytes: 1 | 2 | 4; depth: number }>;

/**
 * The link of a design: its register count and memory map come from the contract (`blockSizes` gives the size
 * of each register block, `sizes` each memory's words), the timing from the clock and baud.
 */
export function linkConfig<C extends Contract>(
  clock: ClockPlan,
  baud: number,
  contract: C,
  sizes: MemorySizes<C>,
  blockSizes: Record<string, number> = {},
): LinkConfig {
  const memories: MemoryInfo[] = Object.entries(contract.memories)
    .sort(([, a], [, b]) => a.index - b.index)
    .map(([name, m]) => ({ id: m.index, name, ...sizes[name as MemoryName<C>] }));
  return linkSettings(clock, baud, registerCount(contract, blockSizes), memories);
}

function linkSettings(clock: ClockPlan, baud: number, registerCount: number, memories: MemoryInfo[]): LinkConfig {
  if (memories.length > 16) throw new UserError(`the link addresses at most 16 memories, got ${memories.length}`);
  memories.forEach((m, i) => {
    if (m.id !== i) throw new Error(`memory ids must be 0 … n-1 in order (got ${m.id} at ${i})`);
    if (m.depth > 1 << 24)
      throw new UserError(`memory ${m.name}: ${m.depth} words exceeds the link's 24-bit word address`);
  });
  return {
    baud,
    clocksPerBit: uartDivisor(clock.mhz, baud),
    rxBufferLog2: RX_BUFFER_LOG2,
    streamBufferLog2: STREAM_BUFFER_LOG2,
    maxPayload: MAX_PAYLOAD,
    timeoutCycles: Math.round(clock.mhz * FRAME_TIMEOUT_US),
    frameTimeoutUs: FRAME_TIMEOUT_US,
    registerCount,
    memories,
  };
}

/**
 * Block RAMs the link takes: rx buffer (which also keeps each frame's payload until it is executed), stream
 * buffer, identity ROM.
 */
export function linkEbrBlocks(link: LinkConfig): number {
  const blocks = (bytes: number) => Math.ceil((bytes * 8) / 4096);
  return blocks(1 << link.rxBufferLog2) + blocks(1 << link.streamBufferLog2) + 1;
}

/** Bytes the host may have in flight: the rx FIFO's capacity (2^n, plus its output stage). */
export function rxBufferBytes(link: LinkConfig): number {
  return 1 << link.rxBufferLog2;
}

export function identityBytes(design: string, configHash: string, clock: ClockPlan, link: LinkConfig): Uint8Array {
  return encodeIdentity({
    protocolVersion: PROTOCOL_VERSION,
    design,
    configHash,
    capabilities: Capability.REGISTERS | (link.memories.length ? Capability.MEMORIES : 0) | Capability.STREAM,
    coreClockHz: Math.round(clock.mhz * 1e6),
    baud: link.baud,
    rxBufferBytes: rxBufferBytes(link),
    maxPayload: link.maxPayload,
    streamBufferBytes: 1 << link.streamBufferLog2,
    frameTimeoutUs: link.frameTimeoutUs,
    registerCount: link.registerCount,
    memories: link.memories.map((m) => ({ wordBytes: m.wordBytes, depth: m.depth })),
  });
}

/** A 256-byte ROM holding the identity block; written with an initial block so yosys puts it in one EBR. */
export function identityRom(identity: Uint8Array): Module {
  const rom = new Module('link_identity_rom', [
    'link_identity_rom: the identity block the link sends in reply to IDENTIFY (docs/protocol.md).',
    'Synchronous read; entries past the block are never read.',
  ]);
  rom.input('clk').input('addr', 8).output('data', 8, 'valid the cycle after addr', { reg: true });
  rom.body(`
    reg [7:0] bytes [0:255];
    initial begin
${[...identity].map((b, i) => `        bytes[${i}] = 8'h${b.toString(16).padStart(2, '0')};`).join('\n')}
    end

    always @(posedge clk) data <= bytes[addr];
  `);
  return rom;
}

/**
 * Address bits link_core keeps: enough for the deepest memory, the registers and the 256-byte identity ROM.
 * Higher address bits in a request answer BAD_ADDRESS (they could only name words past every memory's end).
 */
export function linkAddressBits(link: Pick<LinkConfig, 'registerCount' | 'memories'>): number {
  // Bits to hold n itself: an address equal to a depth is legal with a count of 0.
  const bitsFor = (n: number) => Math.floor(Math.log2(Math.max(n, 1))) + 1;
  return Math.max(8, bitsFor(link.registerCount), ...link.memories.map((m) => bitsFor(m.depth)));
}

/** Parameters of the link_core instance. */
export function linkParams(link: LinkConfig, identityLength: number): Record<string, number | string> {
  const packed = (values: number[], bits: number, total: number) =>
    `${total}'h${values.reduceRight((acc, v) => (acc << BigInt(bits)) | BigInt(v), 0n).toString(16)}`;
  return {
    ...uartParams(link.clocksPerBit),
    RX_FIFO_LOG2: link.rxBufferLog2,
    STREAM_FIFO_LOG2: link.streamBufferLog2,
    MAX_PAYLOAD: link.maxPayload,
    IDENTITY_BYTES: identityLength,
    TIMEOUT_CYCLES: link.timeoutCycles,
    REG_COUNT: link.registerCount,
    MEM_COUNT: link.memories.length,
    ADDR_BITS: linkAddressBits(link),
    MEM_WORD_LOG2: packed(
      link.memories.map((m) => Math.log2(m.wordBytes)),
      8,
      128,
    ),
    MEM_DEPTHS: packed(
      link.memories.map((m) => m.depth),
      25,
      400,
    ),
  };
}

/**
 * Instantiates the identity ROM and link_core in a design's core, wired to the link bus the core declares
 * (declareLinkCore); `busy` names the core's signal that makes memory commands answer BUSY.
 */
export function instantiateLink(core: Module, link: LinkConfig, identity: Uint8Array, busy: string): Module {
  const rom = identityRom(identity);
  core.instance(rom.asCell, 'u_identity', { clk: 'clk', addr: 'id_addr', data: 'id_data' });
  core.blank();
  const connections = {
    clk: 'clk',
    rst: 'rst',
    uart_rx: 'uart_rx',
    uart_tx: 'uart_tx',
    core_busy: busy,
    ...busConnections(linkCore, 'link'),
  };
  core.instance(linkCore, 'u_link', connections, linkParams(link, identity.length));
  return rom;
}

/**
 * The standard core ports (clk, rst, uart_rx, uart_tx, leds, idle) and the link bus (src/link/bus.ts).
 * `registered` lists the bus signals the core drives from always blocks (declared as regs).
 */
export function declareLinkCore(
  core: Module,
  comments: { leds: string; idle: string },
  link: LinkConfig,
  registered: LinkBusSignal[],
): Module {
  core
    .input('clk')
    .input('rst', 1, 'synchronous, active high')
    .input('uart_rx', 1, 'serial in, idle high')
    .output('uart_tx', 1, 'serial out, idle high')
    .output('leds', 2, comments.leds)
    .output('idle', 1, comments.idle);
  declareLinkBus(
    core,
    registered,
    link.memories.map((m) => m.name),
  );
  return core;
}
