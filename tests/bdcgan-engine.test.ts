/**
 * The B-DCGAN generator engine (hdl/bdcgan_engine.v, core level, no link yet) against the integer reference:
 * a random mnist-up5k model's memory image is written into the engine, then random (z, label) pairs must give
 * the reference's pixels bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMAGE_PIXELS, PRESETS, type Architecture } from '../src/cores/bdcgan/arch.ts';
import { modelImage, TABLE_WORDS } from '../src/cores/bdcgan/image.ts';
import { generate, quantizeLatent } from '../src/cores/bdcgan/reference.ts';
import { activationBits, layersModule, modelRowBits } from '../src/cores/bdcgan/rtl.ts';
import { emitVerilog } from '../src/hdl/emit.ts';
import { HDL_DIR } from '../src/hdl/cells.ts';
import { buildModel, lint, run } from '../sim/verilator.ts';
import { getBoard } from '../src/boards/index.ts';
import { elaborate, type Elaborated } from '../src/design/design.ts';
import { bdcgan, bdcganContract, JOB_WORDS, type BdcganConfig } from '../src/cores/bdcgan/index.ts';
import { decodeModel, encodeModel, writeModelFile } from '../src/cores/bdcgan/format.ts';
import { Command, encodeFrame, FrameDecoder, SYNC_REQUEST } from '../src/link/protocol.ts';
import { VirtualBoard } from '../sim/virtual-board.ts';
import { SpinbitBoard } from '../host/board.ts';
import { BdcganBoard, packJob } from '../src/cores/bdcgan/driver.ts';
import { openSerial } from '../host/serial.ts';
import type { Transport } from '../host/link.ts';
import { randomModel, seededRandom } from './helpers.ts';

const WIDTH = 64;

// Drives the engine's host ports: model words, table words, then batches of jobs (JOB_WORDS each), each batch
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
  for (unsigned a = 0; a < ${TABLE_WORDS}; a++) {
    unsigned v; if (scanf("%x", &v) != 1) return 2;
    dut->table_write = 1; dut->table_addr = a; dut->table_wdata = v; tick();
  }
  dut->table_write = 0;
  unsigned batches; if (scanf("%u", &batches) != 1) return 2;
  for (unsigned n = 0; n < batches; n++) {
    unsigned jobs; if (scanf("%u", &jobs) != 1) return 2;
    for (unsigned a = 0; a < ${JOB_WORDS} * jobs; a++) {
      unsigned v; if (scanf("%x", &v) != 1) return 2;
      dut->job_write = 1; dut->job_addr = a; dut->job_wdata = v; tick();
    }
    dut->job_write = 0;
    dut->job_count = jobs; dut->start = 1; tick(); dut->start = 0;
    unsigned long begin = clocks;
    for (unsigned j = 0; j < jobs; j++) {
      unsigned got = 0;
      while (got < ${IMAGE_PIXELS} && clocks - begin < 50000000UL) {
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
  'bdcgan_engine.v': readFileSync(`${HDL_DIR}bdcgan_engine.v`, 'utf8'),
  'sync_fifo.v': readFileSync(`${HDL_DIR}sync_fifo.v`, 'utf8'),
  'bdcgan_layers.v': emitVerilog(layersModule(arch, WIDTH)),
});

const engineParams = (arch: Architecture) => ({
  P: WIDTH,
  LANE_BITS: Math.log2(WIDTH / 16),
  ROW_BITS: modelRowBits(arch, WIDTH),
  ACT_BITS: activationBits(arch, WIDTH),
  Z_WORDS: Math.ceil(arch.latent / 16),
  JOB_BITS: 5,
});

async function engine(arch: Architecture) {
  const flags = Object.entries(engineParams(arch)).map(([k, v]) => `-G${k}=${v}`);
  return buildModel({ sources: sourcesFor(arch), top: 'bdcgan_engine', harness: HARNESS, flags });
}

/** The job words of one image, packed as the driver packs them. */
const jobWords = (arch: Architecture, z: Int8Array, label: number): number[] =>
  Array.from(packJob(arch.latent, { z, label }));

describe('B-DCGAN engine RTL = integer reference', () => {
  it('is lint-clean under verilator -Wall (both presets)', async () => {
    for (const preset of ['mnist-up5k', 'paper']) {
      const arch = PRESETS[preset]!;
      await lint(
        sourcesFor(arch),
        'bdcgan_engine',
        Object.entries(engineParams(arch)).map(([k, v]) => `-G${k}=${v}`),
      );
    }
  });

  for (const [preset, images] of [
    ['mnist-up5k', 40],
    ['paper', 32],
  ] as const)
    it(`${preset}, random weights: ${images} random (z, label) images identical`, async () => {
      const arch = PRESETS[preset]!;
      const model = randomModel(arch, 31);
      const { words, table } = modelImage(model, WIDTH);
      const exe = await engine(arch);
      const random = seededRandom(17);
      const cases = Array.from({ length: images }, () => ({
        z: quantizeLatent(Array.from({ length: arch.latent }, () => random() * 2 - 1)),
        label: Math.floor(random() * 10),
      }));
      // batches of 1, then up to the engine's 32 jobs
      const batches = [cases.slice(0, 1), cases.slice(1, 33), cases.slice(33)].filter((b) => b.length > 0);
      const hex = (v: number) => v.toString(16);
      const input = [
        String(words.length),
        ...Array.from(words, hex),
        ...Array.from(table, hex),
        String(batches.length),
        ...batches.flatMap((batch) => [
          String(batch.length),
          ...batch.flatMap(({ z, label }) => jobWords(arch, z, label).map(hex)),
        ]),
      ].join('\n');
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
  for (const [preset, uploaded] of [
    ['mnist-up5k', 52388],
    ['paper', 395108],
  ] as const)
    it(`${preset}, random weights: run bdcgan --sim --check, 32 random (z, label)`, async () => {
      const bin = fileURLToPath(new URL('../bin/spinbit.mjs', import.meta.url));
      const dir = mkdtempSync(join(tmpdir(), 'spinbit-bdcgan-'));
      const file = join(dir, 'random.sbgan');
      writeModelFile(file, randomModel(PRESETS[preset]!, 44));
      const run = spawnSync(
        process.execPath,
        [
          bin,
          'run',
          'bdcgan',
          '--sim',
          '--check',
          '--model',
          file,
          '--n',
          '32',
          '--seed',
          '9',
          '--grid',
          join(dir, 'grid.png'),
        ],
        { encoding: 'utf8' },
      );
      expect(run.status, run.stderr + run.stdout).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`weights: ${uploaded} bytes uploaded and read back`));
      expect(run.stdout).toMatch(/check: 32 images identical to the integer reference — pass/);
    });

  it('the weights upload is skipped when the board already holds the model, and forced on request', async () => {
    const { board: link, design, virtual } = await virtualGenerator();
    try {
      const board = new BdcganBoard(link, design.config);
      await board.verify();
      const { model, hash } = decodeModel(encodeModel(randomModel(PRESETS['mnist-up5k']!, 45)));
      expect((await board.upload(model, hash)).skipped).toBe(false);
      expect((await board.upload(model, hash)).skipped).toBe(true);
      expect((await board.upload(model, hash, true)).skipped).toBe(false);
      const z = quantizeLatent(Array.from({ length: model.arch.latent }, (_, i) => Math.cos(i * 1.7)));
      expect(Buffer.from(await board.generate(z, 5)).equals(Buffer.from(generate(model, z, 5)))).toBe(true);
      // the CLOCKS register holds the batch's engine clocks: one image here
      const clocks = await board.clocks();
      expect(clocks).toBeGreaterThan(60_000);
      expect(clocks).toBeLessThan(100_000);
      const other = decodeModel(encodeModel(randomModel(PRESETS.paper!, 1)));
      await expect(board.upload(other.model, other.hash)).rejects.toThrow(
        /the model is for 'paper', the engine is built for 'mnist-up5k'/,
      );
      // same name, older architecture (one copy of each label): refused before anything is written
      const oneCopy = {
        ...PRESETS['mnist-up5k']!,
        layers: PRESETS['mnist-up5k']!.layers.map((layer) => ({ ...layer, labelCopies: undefined })),
      };
      const old = decodeModel(encodeModel(randomModel(oneCopy, 2)));
      await expect(board.upload(old.model, old.hash)).rejects.toThrow(
        new RegExp(
          "the model's 'mnist-up5k' architecture \\(58→2352, 58→32, 42→1, label copies 1/1/1\\) " +
            'is not the one the engine is built for \\(128→2352, 128→32, 42→1, label copies 8/8/1\\)',
        ),
      );
    } finally {
      await link.close();
      await virtual.stop();
    }
  });

  it(
    'a model memory that reads back wrong is reported with the word, ' + 'and the model is not marked as held',
    async () => {
      // A bit error the link CRC cannot see (as from a faulty memory on the board): one WRITE_MEM frame to the
      // model memory gets a data bit flipped and its CRC recomputed on the way, so the board stores a wrong word.
      const { design, virtual } = await virtualGenerator(false);
      const real = await openSerial(virtual.path, 3_000_000);
      const requests = new FrameDecoder(SYNC_REQUEST, 4096);
      let corrupted = false;
      const faulty: Transport = {
        write(bytes) {
          for (const event of requests.push(bytes)) {
            if (event.kind !== 'frame') continue;
            const frame = event.frame;
            if (
              !corrupted &&
              frame.cmd === Command.WRITE_MEM &&
              frame.payload[0] === bdcganContract.memories.model.index &&
              frame.payload.length > 100
            ) {
              corrupted = true;
              const payload = frame.payload.slice();
              payload[4 + 2 * 37]! ^= 0x04; // word 37 of this frame, bit 2
              real.write(encodeFrame({ ...frame, payload }));
            } else real.write(encodeFrame(frame));
          }
        },
        onData: (listener) => real.onData(listener),
        onClose: (listener) => real.onClose(listener),
        close: () => real.close(),
      };
      const link = await SpinbitBoard.connect(faulty, virtual.path, {
        expect: { design: 'bdcgan', configHash: design.configHash },
      });
      try {
        const board = new BdcganBoard(link, design.config);
        const { model, hash } = decodeModel(encodeModel(randomModel(PRESETS['mnist-up5k']!, 46)));
        const words = modelImage(model, design.config.width).words;
        await expect(board.upload(model, hash)).rejects.toThrow(
          new RegExp(
            `the model memory reads back wrong at word 37: ` +
              `wrote 0x${words[37]!.toString(16)}, read 0x${(words[37]! ^ 4).toString(16)}`,
          ),
        );
        expect(corrupted).toBe(true);
        expect(await board.regs.read('MODEL_TAG')).toBe(0); // not marked as held: the next upload is full
      } finally {
        await link.close();
        await virtual.stop();
      }
    },
  );
});

/** The mnist-up5k generator on a virtual board at 3 Mbaud, and (unless told not to) a host connected to it. */
async function virtualGenerator(connect = true) {
  const design = await elaborate(bdcgan, getBoard('icebreaker'), {});
  const virtual = await VirtualBoard.start(design as never);
  const board = connect
    ? await SpinbitBoard.open(virtual.path, { expect: { design: 'bdcgan', configHash: design.configHash } })
    : (undefined as never);
  return { design: design as Elaborated<BdcganConfig>, virtual, board };
}
