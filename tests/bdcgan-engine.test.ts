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
import { layersModule, modelAddressBits } from '../src/cores/bdcgan/rtl.ts';
import { emitVerilog } from '../src/hdl/emit.ts';
import { HDL_DIR } from '../src/hdl/cells.ts';
import { buildModel, lint, run } from '../sim/verilator.ts';
import { randomModel, seededRandom } from './helpers.ts';

const Z_WORDS = 7;

const HARNESS = String.raw`
#include "Vdut.h"
#include <cstdio>
#include <cstdint>
#include <vector>
int main(int argc, char **argv) {
  Verilated::commandArgs(argc, argv);
  Vdut *dut = new Vdut;
  auto tick = [&]() { dut->clk = 0; dut->eval(); dut->clk = 1; dut->eval(); };
  dut->rst = 1; dut->start = 0; dut->pixel_ready = 1; dut->model_write = 0; dut->model_read_host = 0;
  tick(); tick(); dut->rst = 0;
  unsigned words; if (scanf("%u", &words) != 1) return 2;
  for (unsigned a = 0; a < words; a++) {
    unsigned v; if (scanf("%x", &v) != 1) return 2;
    dut->model_write = 1; dut->model_addr = a; dut->model_wdata = v; tick();
  }
  dut->model_write = 0;
  unsigned images; if (scanf("%u", &images) != 1) return 2;
  for (unsigned n = 0; n < images; n++) {
    for (int i = 0; i < ${Z_WORDS}; i++) { unsigned v; if (scanf("%x", &v) != 1) return 2; dut->z_value[i / 2] = (dut->z_value[i / 2] & (i % 2 ? 0x0000ffffu : 0xffff0000u)) | (v << (16 * (i % 2))); }
    for (int i = 0; i < ${Z_WORDS}; i++) { unsigned v; if (scanf("%x", &v) != 1) return 2; dut->z_present[i / 2] = (dut->z_present[i / 2] & (i % 2 ? 0x0000ffffu : 0xffff0000u)) | (v << (16 * (i % 2))); }
    unsigned label; if (scanf("%u", &label) != 1) return 2;
    for (unsigned long wait = 0; dut->busy && wait < 1000; wait++) tick();
    dut->label = label; dut->start = 1; tick(); dut->start = 0;
    unsigned got = 0; unsigned long cycles = 0;
    while (got < 784 && cycles < 20000000UL) {
      dut->clk = 0; dut->eval();
      if (dut->pixel_valid) { printf("%02x", dut->pixel); got++; }
      dut->clk = 1; dut->eval(); cycles++;
    }
    printf(" %lu\n", cycles);
  }
  delete dut;
  return 0;
}
`;

const sourcesFor = (arch: Architecture) => ({
  'bdcgan_engine.v': readFileSync(HDL_DIR + 'bdcgan_engine.v', 'utf8'),
  'bdcgan_layers.v': emitVerilog(layersModule(arch)),
});

async function engine(arch: Architecture) {
  const sources = sourcesFor(arch);
  const bits = modelAddressBits(arch);
  return buildModel({ sources, top: 'bdcgan_engine', harness: HARNESS, flags: [`-GZ_WORDS=${Z_WORDS}`, `-GMODEL_BITS=${bits}`, `-GMODEL_WORDS=${2 ** bits}`] });
}

describe('B-DCGAN engine RTL = integer reference', () => {
  it('is lint-clean under verilator -Wall (mnist-up5k program)', async () => {
    await lint(sourcesFor(PRESETS['mnist-up5k']!), 'bdcgan_engine');
  });

  for (const [preset, images] of [['mnist-up5k', 32], ['paper', 32]] as const) it(`${preset}, random weights: ${images} random (z, label) images identical`, async () => {
    const arch = PRESETS[preset]!;
    const model = randomModel(arch, 31);
    const { words } = modelImage(model);
    const exe = await engine(arch);
    const random = seededRandom(17);
    const cases = Array.from({ length: images }, () => ({ z: quantizeLatent(Array.from({ length: arch.latent }, () => random() * 2 - 1)), label: Math.floor(random() * 10) }));
    const pack = (bits: (i: number) => number) => Array.from({ length: Z_WORDS }, (_, w) => { let v = 0; for (let j = 0; j < 16; j++) v |= (bits(16 * w + j) ? 1 : 0) << j; return (v >>> 0).toString(16); });
    const input = [String(words.length), ...Array.from(words, (w) => w.toString(16)), String(cases.length),
      ...cases.flatMap(({ z, label }) => [...pack((i) => (z[i] ?? 0) > 0 ? 1 : 0), ...pack((i) => (z[i] ?? 0) !== 0 ? 1 : 0), String(label)])].join('\n');
    const result = await run(exe, [], { stdin: input });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(cases.length);
    cases.forEach(({ z, label }, n) => {
      const expected = Buffer.from(generate(model, z, label)).toString('hex');
      const [pixels, cycles] = lines[n]!.split(' ');
      expect(pixels, `image ${n} (label ${label}), ${cycles} cycles`).toBe(expected);
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
    expect(run.stdout).toMatch(/weights: 50852 bytes uploaded and read back/);
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
