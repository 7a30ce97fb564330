/** The spinbit command as a user meets it: help with examples, clear errors with exit code 2, nothing written. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spinbitIn } from './helpers.ts';

const BIN = fileURLToPath(new URL('../bin/spinbit.mjs', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'spinbit-cli-'));

const spinbit = (...args: string[]) => spinbitIn(cwd, ...args);

describe('spinbit CLI', () => {
  it('lists the boards with their resources', () => {
    const { code, out } = spinbit('boards');
    expect(code).toBe(0);
    expect(out).toMatch(/icebreaker\s+iCEBreaker\s+UP5K sg48\s+12 MHz @35\s+6\/9\s+2\s+5280\s+30\s+4\s+8/);
    for (const name of ['upduino3', 'icestick', 'hx8k']) expect(out).toContain(name);
  });

  it('output into a pipe that closes early (spinbit … | head): exit 0, no stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'boards'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed long before the command writes (tsx alone takes ~1 s to start)
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('every command has --help with an example', () => {
    for (const command of [
      [],
      ['boards'],
      ['designs'],
      ['build'],
      ['build', 'loopback'],
      ['lint', 'loopback'],
      ['sim', 'loopback'],
      ['board-sim', 'loopback'],
      ['info'],
      ['run'],
      ['run', 'ising'],
      ['run', 'bdcgan'],
      ['model'],
      ['model', 'import'],
      ['model', 'info'],
      ['model', 'random'],
      ['demo'],
      ['train'],
      ['train', 'bdcgan'],
      ['eval'],
      ['eval', 'bdcgan'],
      ['ports'],
      ['flash'],
    ]) {
      const { code, out } = spinbit(...command, '--help');
      expect(code, command.join(' ')).toBe(0);
      expect(out, command.join(' ')).toMatch(/Example/);
    }
  });

  it('flash: picks iceprog or openFPGALoader, checks the bitstream, says how to install a programmer', async () => {
    const { flashPlan } = await import('../src/cli/board-tools.ts');
    const { getBoard } = await import('../src/boards/index.ts');
    const cwd = mkdtempSync(join(tmpdir(), 'spinbit-flash-'));
    const up5k = join(cwd, 'up5k.bin');
    writeFileSync(up5k, new Uint8Array(104090));
    const icebreaker = getBoard('icebreaker');
    expect(flashPlan(up5k, icebreaker, (t) => t === 'iceprog')).toEqual({ tool: 'iceprog', args: [up5k] });
    expect(flashPlan(up5k, icebreaker, (t) => t === 'openFPGALoader')).toEqual({
      tool: 'openFPGALoader',
      args: ['-b', 'icebreaker', up5k],
    });
    expect(() => flashPlan(up5k, icebreaker, () => false)).toThrow(
      /no FPGA programmer found: install iceprog \(Debian\/Ubuntu: sudo apt-get install fpga-icestorm/,
    );
    expect(() => flashPlan(up5k, getBoard('hx8k'), () => true)).toThrow(
      /has 104090 bytes, a HX8K bitstream has 135100: built for another device/,
    );
    const missing = spinbit('flash', join(cwd, 'nothing.bin'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(
      /no bitstream at .*nothing.bin \(spinbit build <design> --board icebreaker writes one\)/,
    );
    const noBoard = spinbit('demo', '--port', 'auto');
    expect(noBoard.code).toBe(2);
    expect(noBoard.err).toMatch(
      new RegExp(
        'no FTDI board found on USB \\(spinbit ports lists serial ports\\): plug the board in, ' +
          'or give --port PATH; without a board, use the virtual board',
      ),
    );
    const ports = spinbit('ports', '--json', '-');
    expect(ports.code, ports.err).toBe(0);
    expect(Array.isArray(JSON.parse(ports.out))).toBe(true);
  });

  it('wrong board, unknown design, unknown option, bad number: exit 2 naming the valid choices', () => {
    const board = spinbit('build', 'loopback', '--board', 'icebraker');
    expect(board.code).toBe(2);
    expect(board.err).toMatch(/Allowed choices are icebreaker, upduino3, icestick, hx8k/);
    const design = spinbit('build', 'isingg');
    expect(design.code).toBe(2);
    expect(design.err).toMatch(/designs: loopback/);
    const option = spinbit('build', 'loopback', '--fifo', '8');
    expect(option.code).toBe(2);
    expect(option.err).toMatch(
      /options of 'spinbit build loopback': --board, --mode, --clock-mhz, --baud, --scratch-words/,
    );
    const number = spinbit('build', 'loopback', '--baud', 'fast');
    expect(number.code).toBe(2);
    expect(number.err).toMatch(/--baud <n>' argument 'fast' is invalid/);
  });

  it('a memory too large for the device: exit 2 with the numbers, no output folder', () => {
    const { code, err } = spinbit('build', 'loopback', '--board', 'icebreaker', '--scratch-words', '1048576');
    expect(code).toBe(2);
    expect(err.trim()).toBe(
      'spinbit: --scratch-words 1048576 needs 16777216 bits but iCEBreaker has 1048576 bits of SPRAM ' +
        '(4 × 256 Kbit): over by 15728640 bits',
    );
    expect(existsSync(join(cwd, 'build', 'loopback-icebreaker'))).toBe(false);
  });

  it('info on a port that is missing or does not answer: exit 2 and what to do', () => {
    const missing = spinbit('info', '--port', '/dev/ttyNOPE');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no serial port at \/dev\/ttyNOPE \(is the board plugged in/);
    // A pty nobody serves: opens fine, never answers.
    const silent = spinbit('info', '--port', '/dev/ptmx', '--timeout', '200');
    expect(silent.code).toBe(2);
    expect(silent.err).toMatch(/does not answer as a spinbit board: .*no reply within 200 ms/);
  });

  it('run ising --ref: a small scan, its JSON, and bad input refused with exit 2', () => {
    const json = join(cwd, 'scan.json');
    const plot = join(cwd, 'scan.png');
    const picture = join(cwd, 'lattice.png');
    const ok = spinbit(
      'run',
      'ising',
      '--ref',
      '--L',
      '16',
      '--lanes',
      '4',
      '--T',
      '2.0:3.0:0.5',
      '--sweeps',
      '256',
      '--burn-in',
      '64',
      '--json',
      json,
      '--plot',
      plot,
      '--lattice',
      picture,
    );
    expect(ok.code, ok.err).toBe(0);
    for (const [file, width, height] of [
      [plot, 1120, 460],
      [picture, 512, 512],
    ] as const) {
      const png = readFileSync(file);
      expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([width, height]);
    }
    expect(ok.out).toMatch(/Ising 16×16, 4 lanes, metropolis/);
    const scan = JSON.parse(readFileSync(json, 'utf8'));
    expect(scan.schema).toBe('spinbit.ising.scan/1');
    expect(scan.results.map((r: { T: number }) => r.T)).toEqual([2, 2.5, 3]);
    for (const r of scan.results) {
      expect(r.energyPerSpin.error).toBeGreaterThan(0);
      expect(r.idealClocksPerSweep).toBe(64);
      expect(r.clocksPerSweep).toBeGreaterThanOrEqual(64);
    }
    for (const [args, message] of [
      [['--T', '0'], /temperatures must be > 0, got 0/],
      [['--T', '-1,2'], /temperatures must be > 0, got -1/],
      [['--T', '2', '--L', '48'], /--L must be a power of two from 8 to 1024, got 48/],
      [['--T', '2', '--L', '16', '--lanes', '16'], /--lanes 16 is more than L\/2 = 8/],
      [['--T', '2', '--lanes', '3'], /--lanes must be a power of two, got 3/],
    ] as const) {
      const bad = spinbit('run', 'ising', '--ref', ...args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.err).toMatch(message);
    }
    expect(existsSync(join(cwd, 'never'))).toBe(false);
  });

  it('B-DCGAN: random model, info, reference generation to PNG and raw bytes; bad models and labels exit 2', () => {
    const model = join(cwd, 'random.sbgan');
    const made = spinbit('model', 'random', '--preset', 'mnist-up5k', '--seed', '3', '--model', model);
    expect(made.code, made.err).toBe(0);
    const info = spinbit('model', 'info', model);
    expect(info.out).toMatch(/mnist-up5k, 3 layers, 366592 binary weights \+ 672 8-bit, sha256 [0-9a-f]{64}/);
    const grid = join(cwd, 'digits.png');
    const raw = join(cwd, 'digits.bin');
    const run = spinbit(
      'run',
      'bdcgan',
      '--ref',
      '--model',
      model,
      '--labels',
      '3,7',
      '--n',
      '6',
      '--grid',
      grid,
      '--raw',
      raw,
    );
    expect(run.code, run.err).toBe(0);
    expect(readFileSync(raw).length).toBe(6 * 784);
    const png = readFileSync(grid);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const bytes = readFileSync(model);
    bytes[1000] ^= 1;
    const corrupt = join(cwd, 'corrupt.sbgan');
    writeFileSync(corrupt, bytes);
    for (const [args, message] of [
      [
        ['run', 'bdcgan', '--ref', '--model', corrupt],
        /corrupt.sbgan: corrupt or truncated: SHA-256 checksum does not match/,
      ],
      [['run', 'bdcgan', '--ref', '--model', model, '--labels', '5-12'], /--labels '5-12': labels run from 0 to 9/],
      [
        ['run', 'bdcgan', '--ref', '--check', '--model', model],
        /--check compares the generator with the reference: use it with --sim or --port/,
      ],
      [['run', 'bdcgan', '--model', model], /say where to run with exactly one of --ref, --sim, --port/],
      [
        [
          'model',
          'import',
          join(cwd, 'missing.safetensors'),
          '--preset',
          'mnist-up5k',
          '--model',
          join(cwd, 'x.sbgan'),
        ],
        /cannot read .*missing.safetensors: ENOENT/,
      ],
      // weights that do not fit: the numbers (3152640 = 49260 rows × 64 bits; 4 SPRAM = 1048576 bits)
      [
        ['build', 'bdcgan', '--board', 'icebreaker', '--preset', 'paper', '--out', join(cwd, 'never')],
        new RegExp(
          'need 3152640 bits of model memory \\(49260 rows of 64\\) ' +
            'but iCEBreaker has 1048576 \\(4 SPRAM × 256 Kbit\\): over by 2104064 bits',
        ),
      ],
      [
        ['build', 'bdcgan', '--board', 'hx8k', '--out', join(cwd, 'never')],
        new RegExp(
          'kept in SPRAM, which iCE40-HX8K breakout does not have .*' +
            'over by 410880 bits — use --board icebreaker or upduino3',
        ),
      ],
    ] as const) {
      const bad = spinbit(...args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.err).toMatch(message);
    }
  });

  it('lint and sim run from the command line', () => {
    const lintRun = spinbit('lint', 'loopback', '--board', 'icestick');
    expect(lintRun.code, lintRun.err).toBe(0);
    expect(lintRun.out).toMatch(/lint clean/);
    const simRun = spinbit('sim', 'loopback', '--seed', '9');
    expect(simRun.code, simRun.err).toBe(0);
    expect(simRun.out).toMatch(/self-check passed.*"memoryBytes":65536/);
    // The iCEstick's default is the link too (12 MHz, 1 Mbaud, 1024-word scratch memory in block RAM).
    const stickRun = spinbit('sim', 'loopback', '--board', 'icestick');
    expect(stickRun.code, stickRun.err).toBe(0);
    expect(stickRun.out).toMatch(/self-check passed.*"memoryBytes":2048/);
  });
});
