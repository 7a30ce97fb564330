/**
 * Board bring-up commands: `spinbit ports` (serial ports, FTDI boards first) and `spinbit flash` (program a
 * bitstream with whichever programmer is installed: iceprog from icestorm, or openFPGALoader).
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { type Command, Option } from 'commander';
import { boardOption, netlistOption, portOption, warn, writeJson } from './options.ts';
import { getBoard, type Board } from '../boards/index.ts';
import { onPath } from '../tools/tools.ts';
import { UserError } from '../errors.ts';

/** FT2232H (iCEBreaker, HX8K breakout) and FT232H/FT2232 (iCEstick, UPduino) vendor:product ids. */
const FTDI_VENDOR = '0403';
const FTDI_PRODUCTS: Record<string, string> = {
  '6010': 'FT2232H (iCEBreaker, iCE40-HX8K breakout, iCEstick)',
  '6014': 'FT232H (UPduino v3)',
  '6001': 'FT232R',
};

export interface PortInfo {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
  /** Why this port is (or is not) likely a board's UART. */
  note: string;
  likely: boolean;
}

/** Serial ports, FTDI ones first; of a two-interface FT2232H the second (interface B) is the UART. */
export async function listPorts(): Promise<PortInfo[]> {
  const ports = await serialPorts();
  const infos = ports.map((p): PortInfo => {
    const vendor = p.vendorId?.toLowerCase();
    const product = p.productId?.toLowerCase();
    const ftdi = vendor === FTDI_VENDOR && product !== undefined && product in FTDI_PRODUCTS;
    return {
      path: p.path,
      vendorId: vendor,
      productId: product,
      serialNumber: p.serialNumber,
      manufacturer: p.manufacturer,
      note: ftdi ? FTDI_PRODUCTS[product!]! : 'not an FTDI board bridge',
      likely: ftdi,
    };
  });
  // FT2232H: interface A programs the flash, interface B is the UART — keep only the later path of a pair
  for (const info of infos.filter((i) => i.likely && i.productId === '6010')) {
    const sibling = infos
      .filter((i) => i.likely && i.productId === '6010' && i.serialNumber === info.serialNumber)
      .sort((a, b) => a.path.localeCompare(b.path, undefined, { numeric: true }));
    if (sibling.length > 1 && sibling[0] === info) {
      info.likely = false;
      info.note += ': interface A (flash programming), the UART is the next port';
    }
  }
  return infos.sort(
    (a, b) => Number(b.likely) - Number(a.likely) || a.path.localeCompare(b.path, undefined, { numeric: true }),
  );
}

interface RawPort {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
}

/**
 * serialport's list, or on Linux without udevadm (containers, minimal installs) the same facts from sysfs:
 * /sys/class/tty/<name>/device is the USB interface; its parent holds idVendor, idProduct, serial.
 */
async function serialPorts(): Promise<RawPort[]> {
  try {
    const { SerialPort } = await import('serialport');
    return await SerialPort.list();
  } catch (error) {
    if (process.platform !== 'linux') throw error;
    const { readdirSync, realpathSync } = await import('node:fs');
    const { join } = await import('node:path');
    const read = (file: string) => {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch {
        return undefined;
      }
    };
    return readdirSync('/sys/class/tty')
      .filter((name) => /^tty(USB|ACM)\d+$/.test(name))
      .map((name) => {
        const usb = join(realpathSync(join('/sys/class/tty', name, 'device')), '..');
        return {
          path: `/dev/${name}`,
          vendorId: read(join(usb, 'idVendor')),
          productId: read(join(usb, 'idProduct')),
          serialNumber: read(join(usb, 'serial')),
          manufacturer: read(join(usb, 'manufacturer')),
        };
      });
  }
}

/** The one likely board UART, or a clear error. */
export async function autoPort(): Promise<string> {
  const likely = (await listPorts()).filter((p) => p.likely);
  if (likely.length === 1) return likely[0]!.path;
  if (likely.length === 0)
    throw new UserError(
      'no FTDI board found on USB (spinbit ports lists serial ports): plug the board in, or give --port PATH; ' +
        'without a board, use the virtual board (--sim, or the demo without --port)',
    );
  throw new UserError(`several boards found (${likely.map((p) => p.path).join(', ')}): choose one with --port PATH`);
}

export interface FlashPlan {
  tool: 'iceprog' | 'openFPGALoader';
  args: string[];
}

/** The programmer command for a bitstream, checked against the board's device. */
export function flashPlan(file: string, board: Board, available: (tool: string) => boolean = onPath): FlashPlan {
  if (!existsSync(file))
    throw new UserError(`no bitstream at ${file} (spinbit build <design> --board ${board.name} writes one)`);
  const size = readFileSync(file).length;
  const expected = BITSTREAM_BYTES[board.device];
  if (expected && size !== expected)
    throw new UserError(
      `${file} has ${size} bytes, a ${board.device.toUpperCase()} bitstream has ${expected}: ` +
        `built for another device? (spinbit build … --board ${board.name})`,
    );
  if (available('iceprog')) return { tool: 'iceprog', args: [file] };
  if (available('openFPGALoader'))
    return { tool: 'openFPGALoader', args: ['-b', OPENFPGALOADER_BOARD[board.name] ?? 'ice40_generic', file] };
  throw new UserError(
    'no FPGA programmer found: install iceprog ' +
      '(Debian/Ubuntu: sudo apt-get install fpga-icestorm; macOS: brew install icestorm) ' +
      'or openFPGALoader (sudo apt-get install openfpgaloader; brew install openfpgaloader)',
  );
}

/** Bytes of an uncompressed iCE40 bitstream from icepack (measured from our builds / icestorm docs). */
const BITSTREAM_BYTES: Record<string, number> = { up5k: 104090, hx8k: 135100, hx1k: 32220 };
const OPENFPGALOADER_BOARD: Record<string, string> = {
  icebreaker: 'icebreaker',
  upduino3: 'ice40_generic',
  icestick: 'ice40_generic',
  hx8k: 'ice40_generic',
};

export function addBoardTools(program: Command): void {
  program
    .command('ports')
    .description('list serial ports; FTDI board bridges (the likely --port) first')
    .addOption(new Option('--json [file]', "write the list as JSON to <file> ('-': standard output)"))
    .addHelpText('after', '\nExample:\n  spinbit ports')
    .action(async (flags: { json?: string | true }) => {
      const ports = await listPorts();
      if (flags.json === true)
        warn('--json without a file is deprecated and goes away in the next release; use --json -');
      if (flags.json) return writeJson(flags.json === true ? '-' : flags.json, ports);
      if (ports.length === 0)
        return console.log('no serial ports found (is the board plugged in? on Linux: dmesg | tail)');
      for (const p of ports) {
        const ids = [p.vendorId && `${p.vendorId}:${p.productId}`, p.manufacturer, p.serialNumber]
          .filter(Boolean)
          .join(' ');
        console.log(`${p.likely ? '*' : ' '} ${p.path.padEnd(16)} ${ids} — ${p.note}`);
      }
      if (ports.some((p) => p.likely)) console.log('* likely board UART: pass it as --port, or --port auto');
    });

  program
    .command('flash <bitstream>')
    .description('program a bitstream into the board with iceprog or openFPGALoader (whichever is installed)')
    .addOption(boardOption('board the bitstream is for'))
    .option('--dry-run', 'print the programmer command instead of running it')
    .addHelpText(
      'after',
      '\nExample:\n  spinbit flash build/bdcgan-icebreaker/bdcgan-icebreaker.bin --board icebreaker',
    )
    .action(async (file: string, flags: { board: string; dryRun?: boolean }) => {
      flash(file, getBoard(flags.board), flags.dryRun);
    });

  program
    .command('selftest')
    .description(
      'bring-up checks of a board running the loopback bitstream: identity, registers, memory march, stream, ' +
        'latency, baud error — a verdict per step',
    )
    .addOption(boardOption())
    .addOption(portOption('the board\'s UART ("auto": the one FTDI board found)'))
    .option('--sim', 'run the same checks on the virtual board')
    .addOption(netlistOption())
    .option('--flash', 'build (cached) and flash the loopback bitstream first')
    .addHelpText(
      'after',
      '\nExamples:\n  spinbit selftest --port auto --flash\n  spinbit selftest --sim --board icestick',
    )
    .action(async (flags: { board: string; port?: string; sim?: boolean; netlist?: boolean; flash?: boolean }) => {
      const board = getBoard(flags.board);
      if (!flags.sim && !flags.port) throw new UserError('say where: --port PATH|auto for a board, or --sim');
      if (flags.sim && (flags.port || flags.flash))
        throw new UserError('--sim runs without a board: drop --port/--flash');
      const { loopback } = await import('../cores/loopback/index.ts');
      const { elaborate } = await import('../design/design.ts');
      const loopbackBuild = await elaborate(loopback, board, { mode: 'link' });
      const { config } = loopbackBuild;
      if (config.mode !== 'link') throw new Error('loopback elaborated without its link');
      const elaborated = { ...loopbackBuild, config };
      if (flags.flash) {
        const { buildBitstream } = await import('../flow/build.ts');
        console.error(`building the loopback bitstream for ${board.title} (cached after the first time)…`);
        flash((await buildBitstream(elaborated)).bitstreamPath, board);
      }
      const path = flags.port === 'auto' ? await autoPort() : flags.port;
      const { selftest } = await import('../cores/loopback/selftest.ts');
      const target = flags.sim
        ? ({ kind: 'virtual', netlist: flags.netlist } as const)
        : ({ kind: 'port', path: path! } as const);
      const where = flags.sim ? `virtual ${board.title}${flags.netlist ? ' (routed netlist)' : ''}` : path!;
      console.log(`selftest on ${where}:`);
      const steps = await selftest(elaborated, target, (step) =>
        console.log(`  ${step.ok ? 'PASS' : 'FAIL'}  ${step.step.padEnd(9)} ${step.detail}`),
      );
      const failed = steps.filter((s) => !s.ok);
      console.log(failed.length ? `selftest FAILED: ${failed.map((s) => s.step).join(', ')}` : 'selftest passed');
      if (failed.length) process.exitCode = 1;
    });
}

/** Programs a bitstream (prints the command; runs it unless dry). */
function flash(file: string, board: Board, dryRun = false): void {
  const plan = flashPlan(file, board);
  console.log(`${plan.tool} ${plan.args.join(' ')}`);
  if (dryRun) return;
  const result = spawnSync(plan.tool, plan.args, { stdio: 'inherit' });
  if (result.status !== 0) {
    throw new UserError(
      `${plan.tool} failed (exit ${result.status ?? result.signal}): ` +
        'is the board plugged in, and may you use USB devices? ' +
        '(Linux: a udev rule for 0403:6010, see docs/boards.md)',
    );
  }
}
