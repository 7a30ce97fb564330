/**
 * The Verilator runner: lint, build (cached by content hash, shared between tests and runs), run.
 *
 * A build is keyed by the sources, the C++ harness, the flags and the Verilator version; the model lands in
 * build/sim-cache/<key>/ and any later request for the same key reuses it. Concurrent requests (vitest runs
 * test files in parallel) wait on a lock directory instead of compiling the same model twice.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../src/util/canonical-json.ts';
import { UserError } from '../src/errors.ts';
import { verilogFiles } from '../src/hdl/sources.ts';

/** The waveform helper every harness includes (sim/waveform.h), written beside it in each build. */
const WAVEFORM_HEADER = readFileSync(new URL('./waveform.h', import.meta.url), 'utf8');

/** build/sim-cache of the working folder, or SPINBIT_SIM_CACHE (one cache for several projects, e.g. in CI). */
export const SIM_CACHE_DIR = resolve(process.env.SPINBIT_SIM_CACHE ?? join('build', 'sim-cache'));

let cachedVersion: string | undefined;

/** `Verilator 5.006 2023-01-22 …`, or a UserError that says how to install it. */
export function verilatorVersion(): string {
  if (cachedVersion) return cachedVersion;
  const result = spawnSync('verilator', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new UserError(
      'Verilator not found on PATH: run `npm run setup` ' +
        '(Debian/Ubuntu: sudo apt-get install -y verilator; macOS: brew install verilator)',
    );
  }
  cachedVersion = result.stdout.trim();
  return cachedVersion;
}

export class LintError extends UserError {
  constructor(
    readonly top: string,
    readonly output: string,
  ) {
    const first = output.split('\n').find((l) => l.startsWith('%')) ?? output.split('\n')[0];
    super(`verilator -Wall reports problems in ${top}: ${first}`);
  }
}

/** `verilator --lint-only -Wall` over the given sources; throws LintError with the full output. */
export async function lint(sources: Record<string, string>, top: string, flags: string[] = []): Promise<void> {
  verilatorVersion();
  const dir = mkdtempSync(join(tmpdir(), 'spinbit-lint-'));
  try {
    for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, name), text);
    const result = await run(
      'verilator',
      ['--lint-only', '-Wall', '--top-module', top, ...flags, ...verilogFiles(sources)],
      { cwd: dir },
    );
    if (result.code !== 0 || result.stderr.trim()) throw new LintError(top, result.stderr + result.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ModelSpec {
  sources: Record<string, string>;
  top: string;
  /** C++ file with main(); the model class is always `Vdut` (Vdut.h). */
  harness: string;
  /** Extra verilator flags. */
  flags?: string[];
  /**
   * Waveform support (`--trace FILE` on the harnesses); default on. Off for routed netlists: tracing every net
   * of a flat netlist makes its compile ≈ 6× longer (85 s against 13 s for an Ising L = 16 netlist, measured).
   */
  trace?: boolean;
}

/** Builds (or reuses) a Verilator model with its harness; returns the executable's path. */
export async function buildModel(spec: ModelSpec): Promise<string> {
  const version = verilatorVersion();
  const flags = [
    '--cc',
    '--exe',
    '--build',
    '-j',
    '2',
    '--prefix',
    'Vdut',
    '--top-module',
    spec.top,
    ...(spec.trace === false ? [] : ['--trace-fst']),
    // Unknown (x) values become random per run, so `+verilator+rand+reset+2` exposes missing resets.
    '--x-assign',
    'unique',
    '--x-initial',
    'unique',
    '-Wno-fatal',
    '-CFLAGS',
    '-O1',
    ...(spec.flags ?? []),
  ];
  const key = createHash('sha256')
    .update(canonicalJson({ ...spec, flags, version, waveform: WAVEFORM_HEADER }))
    .digest('hex')
    .slice(0, 24);
  const dir = join(SIM_CACHE_DIR, key);
  const binary = join(dir, 'Vdut');
  if (existsSync(binary)) return binary;

  mkdirSync(SIM_CACHE_DIR, { recursive: true });
  const lock = `${dir}.lock`;
  while (!tryLock(lock)) {
    await sleep(250);
    if (existsSync(binary)) return binary;
  }
  try {
    if (existsSync(binary)) return binary;
    const staging = `${dir}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    for (const [name, text] of Object.entries(spec.sources)) writeFileSync(join(staging, name), text);
    writeFileSync(join(staging, 'harness.cpp'), spec.harness);
    writeFileSync(join(staging, 'waveform.h'), WAVEFORM_HEADER);
    const args = [...flags, '-Mdir', 'obj', '-o', '../Vdut', ...verilogFiles(spec.sources), 'harness.cpp'];
    const result = await run('verilator', args, { cwd: staging });
    writeFileSync(join(staging, 'build.log'), `$ verilator ${args.join(' ')}\n${result.stdout}${result.stderr}`);
    if (result.code !== 0 || !existsSync(join(staging, 'Vdut'))) {
      const log = `${dir}.failed.log`;
      renameSync(join(staging, 'build.log'), log);
      rmSync(staging, { recursive: true, force: true });
      throw new Error(`Verilator build of ${spec.top} failed (log: ${log}):\n${result.stderr.slice(-3000)}`);
    }
    rmSync(join(staging, 'obj'), { recursive: true, force: true }); // ~MBs of objects nobody reads again
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    return binary;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A lock directory holding the owner's pid; a lock whose owner has died (Ctrl-C mid-build) is taken over. */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return true;
  } catch {
    try {
      const owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      if (!processAlive(owner)) rmSync(lock, { recursive: true, force: true });
    } catch {
      // No pid yet (the owner is between mkdir and write) or the lock vanished: retry later. A lock with no
      // pid for a minute is abandoned.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone
      }
    }
    return false;
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; stdin?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({
        code: code ?? 1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    child.stdin.on('error', () => {}); // the model may exit before reading everything; its exit code tells
    child.stdin.end(options.stdin ?? '');
  });
}
