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
  dut->rst = 1; dut->start = 0; dut->pixel_ready = 1; dut->model_write = 0;
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

  for (const [preset, images] of [['mnist-up5k', 8], ['paper', 2]] as const) it(`${preset}, random weights: ${images} random (z, label) images identical`, async () => {
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
