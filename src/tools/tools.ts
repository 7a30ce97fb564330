/**
 * The FPGA tools behind one interface: YoWASP (WebAssembly from npm, the default: nothing to install) or
 * native binaries from PATH (opt-in, faster). Files go in as a name → contents map and come back the same way.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.ts';

export type ToolName = 'yosys' | 'nextpnr-ice40' | 'icepack' | 'icepll';
export type ToolchainKind = 'yowasp' | 'native';
export type FileMap = Record<string, string | Uint8Array>;

export interface ToolResult {
  code: number;
  /** Files the tool wrote (its inputs included). */
  files: FileMap;
  /** stdout and stderr, interleaved as they came. */
  log: string;
}

export interface Toolchain {
  kind: ToolchainKind;
  /** Name → version string; part of every build's cache key. */
  versions(): Record<string, string>;
  run(tool: ToolName, args: string[], files: FileMap, onOutput?: (text: string) => void): Promise<ToolResult>;
}

export function getToolchain(kind: string): Toolchain {
  if (kind === 'yowasp') return yowasp;
  if (kind === 'native') return native;
  throw new UserError(`unknown toolchain '${kind}'; choose one of: yowasp, native`);
}

const require = createRequire(import.meta.url);

function yowaspPackageVersion(name: string): string {
  // The packages' `exports` hide package.json, so find it next to the resolved entry point (gen/bundle.js).
  const entry = require.resolve(name);
  return JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')).version;
}

const yowasp: Toolchain = {
  kind: 'yowasp',
  versions() {
    return {
      yosys: `@yowasp/yosys ${yowaspPackageVersion('@yowasp/yosys')}`,
      'nextpnr-ice40': `@yowasp/nextpnr-ice40 ${yowaspPackageVersion('@yowasp/nextpnr-ice40')}`,
    };
  },
  run(tool, args, files, onOutput) {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./tool-worker.mjs', import.meta.url), {
        workerData: { tool, args, files },
      });
      const decoder = new TextDecoder();
      let log = '';
      let settled = false;
      worker.on('message', (message) => {
        if (message.kind === 'output') {
          const text = decoder.decode(message.bytes, { stream: true });
          log += text;
          onOutput?.(text);
        } else if (message.kind === 'exit') {
          settled = true;
          resolve({ code: message.code, files: flattenTree(message.files), log });
          void worker.terminate();
        } else {
          // A WebAssembly trap (e.g. nextpnr aborting on a design that cannot be placed): report it as a
          // failed run so the caller quotes the tool's own last ERROR line.
          settled = true;
          log += `\n${tool} (YoWASP) stopped abnormally: ${String(message.message).split('\n')[0]}\n`;
          resolve({ code: -1, files: {}, log });
          void worker.terminate();
        }
      });
      worker.on('error', (error) => {
        if (!settled) reject(error);
      });
      worker.on('exit', (code) => {
        if (!settled) reject(new Error(`${tool} (YoWASP) worker exited with code ${code} before finishing`));
      });
    });
  },
};

const nativeVersionArgs: Record<string, string[]> = { yosys: ['-V'], 'nextpnr-ice40': ['--version'] };
let nativeVersionCache: Record<string, string> | undefined;

/** True when `name` can be started from PATH. */
export function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

const native: Toolchain = {
  kind: 'native',
  versions() {
    if (nativeVersionCache) return nativeVersionCache;
    const versions: Record<string, string> = {};
    for (const tool of ['yosys', 'nextpnr-ice40', 'icepack']) {
      if (!onPath(tool)) {
        throw new UserError(
          `--toolchain native needs '${tool}' on PATH ` +
            '(Debian: apt-get install yosys nextpnr-ice40 fpga-icestorm), or use --toolchain yowasp',
        );
      }
      const args = nativeVersionArgs[tool];
      const result = args ? spawnSync(tool, args, { encoding: 'utf8' }) : undefined;
      versions[tool] = result ? `${(result.stdout + result.stderr).trim().split('\n')[0]}` : `${tool} (native)`;
    }
    nativeVersionCache = versions;
    return versions;
  },
  async run(tool, args, files, onOutput) {
    const dir = mkdtempSync(join(tmpdir(), `spinbit-${tool}-`));
    try {
      for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
      let log = '';
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(tool, args, { cwd: dir });
        const collect = (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          log += text;
          onOutput?.(text);
        };
        child.stdout.on('data', collect);
        child.stderr.on('data', collect);
        child.on('error', reject);
        child.on('close', (status) => resolve(status ?? 1));
      });
      const out: FileMap = {};
      for (const name of readdirSync(dir)) out[name] = new Uint8Array(readFileSync(join(dir, name)));
      return { code, files: out, log };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

type Tree = { [name: string]: Tree | string | Uint8Array };

/** YoWASP returns a nested tree; builds only use the top level. */
function flattenTree(tree: Tree): FileMap {
  const out: FileMap = {};
  for (const [name, value] of Object.entries(tree))
    if (typeof value !== 'object' || value instanceof Uint8Array) out[name] = value;
  return out;
}

export function fileText(files: FileMap, name: string): string | undefined {
  const value = files[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : new TextDecoder().decode(value);
}
