/**
 * Cycle-accurate vector simulation: any module with one clock, driven and observed from TypeScript.
 *
 * The C++ harness is generated from the port list. It reads steps from stdin, one per line:
 *     <cycles> <input 1> <input 2> …        (hex values, held for <cycles> clock cycles)
 * and writes a line whenever an output changes:
 *     <cycle> <output 1> <output 2> …      (hex; cycle 0 is always printed)
 * then `end <cycles>`. Within cycle k the harness applies the inputs with the clock low, lets combinational
 * logic settle, samples the outputs, then makes the rising edge. So a ready/valid handshake "happens in cycle
 * k" when both are seen high on line k's values, exactly as the RTL sees it.
 * `--trace FILE` writes an FST waveform; `+verilator+…` plusargs (random reset, seed) pass through.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildModel, run } from './verilator.ts';

export interface VectorPort {
  name: string;
  width: number;
}

export interface Step {
  cycles: number;
  /** One value per input port, in `inputs` order. */
  values: (number | bigint)[];
}

export interface Change {
  cycle: number;
  values: bigint[];
}

export class VectorTrace {
  constructor(
    readonly outputs: VectorPort[],
    readonly changes: Change[],
    readonly cycles: number,
  ) {}

  /** [cycle, value] at every change of one output. */
  waveform(name: string): [number, bigint][] {
    const index = this.outputs.findIndex((p) => p.name === name);
    if (index < 0) throw new Error(`no output '${name}'`);
    const out: [number, bigint][] = [];
    for (const change of this.changes) {
      const value = change.values[index]!;
      if (out.length === 0 || out[out.length - 1]![1] !== value) out.push([change.cycle, value]);
    }
    return out;
  }

  /** Values of all outputs at every cycle where `name` equals `value` (e.g. a valid strobe). */
  whenHigh(name: string): Change[] {
    const index = this.outputs.findIndex((p) => p.name === name);
    if (index < 0) throw new Error(`no output '${name}'`);
    const hits: Change[] = [];
    this.changes.forEach((change, i) => {
      if (change.values[index] === 0n) return;
      const until = this.changes[i + 1]?.cycle ?? this.cycles;
      for (let cycle = change.cycle; cycle < until; cycle++) hits.push({ cycle, values: change.values });
    });
    return hits;
  }
}

export interface VectorSimSpec {
  sources: Record<string, string>;
  top: string;
  clock?: string;
  inputs: VectorPort[];
  outputs: VectorPort[];
  /** Extra Verilator flags (a routed netlist's, sim/netlist.ts). */
  flags?: string[];
  /** Waveform support (default on; a routed netlist's model goes without, sim/netlist.ts). */
  trace?: boolean;
}

export interface RunOptions {
  /** Seed for `+verilator+rand+reset+2`: every x starts as a random value. */
  randomResetSeed?: number;
  traceFile?: string;
}

export class VectorSim {
  private constructor(
    readonly spec: VectorSimSpec,
    readonly binary: string,
  ) {}

  static async create(spec: VectorSimSpec): Promise<VectorSim> {
    for (const port of [...spec.inputs, ...spec.outputs]) {
      if (port.width > 64) throw new Error(`vector harness handles ports up to 64 bits; ${port.name} is ${port.width}`);
    }
    const binary = await buildModel({
      sources: spec.sources,
      top: spec.top,
      harness: vectorHarness(spec),
      flags: spec.flags,
      ...(spec.trace === false ? { trace: false } : {}),
    });
    return new VectorSim(spec, binary);
  }

  async run(steps: Step[], options: RunOptions = {}): Promise<VectorTrace> {
    const lines: string[] = [];
    for (const step of steps) {
      if (step.values.length !== this.spec.inputs.length)
        throw new Error(`step has ${step.values.length} values, expected ${this.spec.inputs.length}`);
      if (step.cycles > 0) lines.push(`${step.cycles} ${step.values.map((v) => v.toString(16)).join(' ')}`);
    }
    const args: string[] = [];
    if (options.traceFile) {
      mkdirSync(resolve(options.traceFile, '..'), { recursive: true });
      args.push('--trace', options.traceFile);
    }
    if (options.randomResetSeed !== undefined)
      args.push('+verilator+rand+reset+2', `+verilator+seed+${options.randomResetSeed}`);
    const result = await run(this.binary, args, { stdin: `${lines.join('\n')}\n` });
    if (result.code !== 0)
      throw new Error(`simulation of ${this.spec.top} exited with ${result.code}: ${result.stderr.trim()}`);
    return parseTrace(this.spec.outputs, result.stdout);
  }

  /**
   * Runs and hands the trace to `check`; when the check throws, runs again with an FST waveform and adds its
   * path to the error so the failure can be looked at in GTKWave.
   */
  async runChecked<T>(
    steps: Step[],
    check: (trace: VectorTrace) => T,
    options: RunOptions & { name?: string } = {},
  ): Promise<T> {
    const trace = await this.run(steps, options);
    try {
      return check(trace);
    } catch (error) {
      const traceFile = join(resolve('build', 'sim-traces'), `${options.name ?? this.spec.top}.fst`);
      await this.run(steps, { ...options, traceFile });
      if (error instanceof Error) error.message += ` (waveform: ${traceFile})`;
      throw error;
    }
  }
}

function parseTrace(outputs: VectorPort[], stdout: string): VectorTrace {
  const changes: Change[] = [];
  let cycles = -1;
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    if (fields[0] === 'end') {
      cycles = Number(fields[1]);
      continue;
    }
    changes.push({ cycle: Number(fields[0]), values: fields.slice(1).map((h) => BigInt(`0x${h}`)) });
  }
  if (cycles < 0) throw new Error('simulation output ended early (no `end` line)');
  return new VectorTrace(outputs, changes, cycles);
}

/** The generated C++ harness for `spec` (see the file comment for the line format). */
export function vectorHarness(spec: VectorSimSpec): string {
  const clock = spec.clock ?? 'clk';
  const n = spec.inputs.length;
  // Verilator requires the unused high bits of a narrow port to stay zero, hence the masks.
  const setInputs = spec.inputs
    .map(
      (p, i) => `            dut.${p.name} = value[${i}] & ${p.width === 64 ? '~0ULL' : `((1ULL << ${p.width}) - 1)`};`,
    )
    .join('\n');
  const readOutputs = spec.outputs.map((p, i) => `    out[${i}] = (uint64_t)dut.${p.name};`).join('\n');
  return `// Generated by spinbit sim/vectors.ts: cycle-accurate vector harness for ${spec.top}.
#include "Vdut.h"
#include "verilated.h"
#include "waveform.h"
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>

static const int N_IN = ${n};
static const int N_OUT = ${spec.outputs.length};

static void sample(Vdut& dut, uint64_t* out) {
${readOutputs}
}

int main(int argc, char** argv) {
    const char* trace_path = nullptr;
    for (int i = 1; i + 1 < argc; i++)
        if (std::strcmp(argv[i], "--trace") == 0) trace_path = argv[i + 1];
    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
    Vdut dut{context.get()};
    std::unique_ptr<Waveform> trace;
    if (!Waveform::open(trace, *context, dut, trace_path, argv[0])) return 2;
    static char out_buffer[1 << 16];
    std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);

    uint64_t cycle = 0;
    uint64_t last[N_OUT > 0 ? N_OUT : 1] = {0};
    uint64_t now[N_OUT > 0 ? N_OUT : 1] = {0};
    uint64_t value[N_IN > 0 ? N_IN : 1] = {0};
    char line[8192];
    dut.${clock} = 0;
    while (std::fgets(line, sizeof line, stdin)) {
        char* cursor = line;
        char* end = nullptr;
        uint64_t hold = std::strtoull(cursor, &end, 10);
        if (end == cursor) continue;
        for (int i = 0; i < N_IN; i++) {
            cursor = end;
            value[i] = std::strtoull(cursor, &end, 16);
            if (end == cursor) { std::fprintf(stderr, "bad input line: %s", line); return 2; }
        }
        for (uint64_t c = 0; c < hold; c++) {
${setInputs}
            dut.${clock} = 0;
            dut.eval();
            if (trace) trace->dump(2 * cycle);
            sample(dut, now);
            if (cycle == 0 || std::memcmp(now, last, sizeof now) != 0) {
                std::printf("%" PRIu64, cycle);
                for (int i = 0; i < N_OUT; i++) std::printf(" %" PRIx64, now[i]);
                std::printf("\\n");
                std::memcpy(last, now, sizeof now);
            }
            dut.${clock} = 1;
            dut.eval();
            if (trace) trace->dump(2 * cycle + 1);
            cycle++;
        }
    }
    std::printf("end %" PRIu64 "\\n", cycle);
    if (trace) trace->close();
    dut.final();
    return 0;
}
`;
}
