/**
 * The B-DCGAN generator engine (hdl/bdcgan_engine.v, core level, no link yet) against the integer reference:
 * a random mnist-up5k model's memory image is written into the engine, then random (z, label) pairs must give
 * the reference's pixels bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PRESETS, type Architecture } from '../src/cores/bdcgan/arch.ts';
import { modelImage } from '../src/cores/bdcgan/image.ts';
import { generate, quantizeLatent } from '../src/cores/bdcgan/reference.ts';
import { activationBits, layersModule, modelRowBits } from '../src/cores/bdcgan/rtl.ts';
import { emitVerilog } from '../src/hdl/emit.ts';
import { HDL_DIR } from '../src/hdl/cells.ts';
import { buildModel, lint, run } from '../sim/verilator.ts';
import { randomModel, seededRandom } from './helpers.ts';

const WIDTH = 64;

// Drives the engine's host ports: model words, table words, then batches of jobs (16 words each), each batch
// started with its count; prints every image as hex pixels and the clock its last pixel left.
const HARNESS = String.raw`
#include "Vdut.h"
#include <cstdio>
#include <cstdint>
int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  Vdut *dut = new Vdut;
  unsigned long clocks = 0;
  auto tick = [&]() { dut->clk = 0; dut->eval(); dut->clk = 1; dut->eval(); clocks++; };
  dut->rst = 1; dut->start = 0; dut->pixel_ready = 1; dut->model_write = 0; dut->table_write = 0; dut->job_write = 0;
  dut->model_read = 0; dut->table_read = 0; dut->job_read = 0;
  tick(); tick(); dut->rst = 0;
  unsigned words; if (scanf("%u", &words) != 1) return 2;
  for (unsigned a = 0; a < words; a++) {
    unsigned v; if (scanf("%x", &v) != 1) return 2;
    dut->model_write = 1; dut->model_addr = a; dut->model_wdata = v; tick();
  }
  dut->model_write = 0;
  for (unsigned a = 0; a < 514; a++) {
    unsigned v; if (scanf("%x", &v) != 1) return 2;
    dut->table_write = 1; dut->table_addr = a; dut->table_wdata = v; tick();
  }
  dut->table_write = 0;
  unsigned batches; if (scanf("%u", &batches) != 1) return 2;
  for (unsigned n = 0; n < batches; n++) {
    unsigned jobs; if (scanf("%u", &jobs) != 1) return 2;
    for (unsigned a = 0; a < 16 * jobs; a++) {
      unsigned v; if (scanf("%x", &v) != 1) return 2;
      dut->job_write = 1; dut->job_addr = a; dut->job_wdata = v; tick();
    }
    dut->job_write = 0;
    dut->job_count = jobs; dut->start = 1; tick(); dut->start = 0;
    unsigned long begin = clocks;
    for (unsigned j = 0; j < jobs; j++) {
      unsigned got = 0;
      while (got < 784 && clocks - begin < 50000000UL) {
        // the consumer pauses now and then, as the link does
        dut->pixel_ready = (clocks % 7) != 3;
        dut->clk = 0; dut->eval();
        if (dut->pixel_valid && dut->pixel_ready) { printf("%02x", dut->pixel); got++; }
        dut->clk = 1; dut->eval(); clocks++;
      }
      printf(" %lu\n", clocks - begin);
    }
    for (unsigned long wait = 0; dut->busy && wait < 1000; wait++) tick();
    if (dut->busy) { printf("still busy\n"); return 3; }
  }
  delete dut;
  return 0;
}
`;

const sourcesFor = (arch: Architecture) => ({
  'bdcgan_engine.v': readFileSync(HDL_DIR + 'bdcgan_engine.v', 'utf8'),
  'sync_fifo.v': readFileSync(HDL_DIR + 'sync_fifo.v', 'utf8'),
  'bdcgan_layers.v': emitVerilog(layersModule(arch, WIDTH)),
});

const engineParams = (arch: Architecture) => ({ P: WIDTH, LANE_BITS: Math.log2(WIDTH / 16), ROW_BITS: modelRowBits(arch, WIDTH), ACT_BITS: activationBits(arch, WIDTH), Z_WORDS: Math.ceil(arch.latent / 16), JOB_BITS: 5 });

async function engine(arch: Architecture) {
  const flags = Object.entries(engineParams(arch)).map(([k, v]) => `-G${k}=${v}`);
  return buildModel({ sources: sourcesFor(arch), top: 'bdcgan_engine', harness: HARNESS, flags });
}

/** The 16 job words of one image: z values, z presence, label. */
function jobWords(arch: Architecture, z: Int8Array, label: number): number[] {
  const zWords = Math.ceil(arch.latent / 16);
  const pack = (bit: (i: number) => boolean) => Array.from({ length: zWords }, (_, w) => { let v = 0; for (let j = 0; j < 16; j++) if (bit(16 * w + j)) v |= 1 << j; return v; });
  const words = [...pack((i) => (z[i] ?? 0) > 0), ...pack((i) => (z[i] ?? 0) !== 0), label];
  return [...words, ...new Array(16 - words.length).fill(0)];
}

describe('B-DCGAN engine RTL = integer reference', () => {
  it('is lint-clean under verilator -Wall (both presets)', async () => {
    for (const preset of ['mnist-up5k', 'paper']) {
      const arch = PRESETS[preset]!;
      await lint(sourcesFor(arch), 'bdcgan_engine', Object.entries(engineParams(arch)).map(([k, v]) => `-G${k}=${v}`));
    }
  });

  for (const [preset, images] of [['mnist-up5k', 40], ['paper', 32]] as const) it(`${preset}, random weights: ${images} random (z, label) images identical`, async () => {
    const arch = PRESETS[preset]!;
    const model = randomModel(arch, 31);
    const { words, table } = modelImage(model, WIDTH);
    const exe = await engine(arch);
    const random = seededRandom(17);
    const cases = Array.from({ length: images }, () => ({ z: quantizeLatent(Array.from({ length: arch.latent }, () => random() * 2 - 1)), label: Math.floor(random() * 10) }));
    // batches of 1, then up to the engine's 32 jobs
    const batches = [cases.slice(0, 1), cases.slice(1, 33), cases.slice(33)].filter((b) => b.length > 0);
    const hex = (v: number) => v.toString(16);
    const input = [String(words.length), ...Array.from(words, hex), ...Array.from(table, hex), String(batches.length),
      ...batches.flatMap((batch) => [String(batch.length), ...batch.flatMap(({ z, label }) => jobWords(arch, z, label).map(hex))])].join('\n');
    const result = await run(exe, [], { stdin: input });
    expect(result.code, result.stderr + result.stdout.slice(-200)).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(cases.length);
    cases.forEach(({ z, label }, n) => {
      const expected = Buffer.from(generate(model, z, label)).toString('hex');
      const [pixels, clocks] = lines[n]!.split(' ');
      expect(pixels, `image ${n} (label ${label}), ${clocks} clocks`).toBe(expected);
      if (process.env.SHOW_CLOCKS) console.log(preset, n, clocks);
    });
  });
});

describe('B-DCGAN generator through the virtual board', () => {
  it('mnist-up5k, random weights: run bdcgan --sim --check, 32 random (z, label)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const { writeModelFile } = await import('../src/cores/bdcgan/format.ts');
    const bin = fileURLToPath(new URL('../bin/spinbit.mjs', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'spinbit-bdcgan-'));
    const file = join(dir, 'random.sbgan');
    writeModelFile(file, randomModel(PRESETS['mnist-up5k']!, 44));
    const run = spawnSync(process.execPath, [bin, 'run', 'bdcgan', '--sim', '--check', '--model', file, '--n', '32', '--seed', '9', '--baud', '3000000', '--out', join(dir, 'grid.png')], { encoding: 'utf8' });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/weights: 66500 bytes uploaded and read back/);
    expect(run.stdout).toMatch(/check: 32 images identical to the integer reference — pass/);
  });

  it('the weights upload is skipped when the board already holds the model, and forced on request', async () => {
    const { getBoard } = await import('../src/boards/index.ts');
    const { elaborate } = await import('../src/cores/design.ts');
    const { bdcgan } = await import('../src/cores/bdcgan/index.ts');
    const { encodeModel, decodeModel } = await import('../src/cores/bdcgan/format.ts');
    const { VirtualBoard } = await import('../sim/virtual-board.ts');
    const { SpinbitBoard } = await import('../host/board.ts');
    const { BdcganBoard } = await import('../host/bdcgan.ts');
    const design = await elaborate(bdcgan, getBoard('icebreaker'), { baud: 3_000_000 });
    const virtual = await VirtualBoard.start(design as never);
    const link = await SpinbitBoard.open(virtual.path, { expect: { design: 'bdcgan', configHash: design.configHash } });
    try {
      const board = new BdcganBoard(link, design.config);
      const { model, hash } = decodeModel(encodeModel(randomModel(PRESETS['mnist-up5k']!, 45)));
      expect((await board.upload(model, hash)).skipped).toBe(false);
      expect((await board.upload(model, hash)).skipped).toBe(true);
      expect((await board.upload(model, hash, true)).skipped).toBe(false);
      const z = quantizeLatent(Array.from({ length: 64 }, (_, i) => Math.cos(i * 1.7)));
      expect(Buffer.from(await board.generate(z, 5)).equals(Buffer.from(generate(model, z, 5)))).toBe(true);
      const other = decodeModel(encodeModel(randomModel(PRESETS.paper!, 1)));
      await expect(board.upload(other.model, other.hash)).rejects.toThrow(/the model is for 'paper', the engine is built for 'mnist-up5k'/);
    } finally {
      await link.close();
      await virtual.stop();
    }
  });
});
