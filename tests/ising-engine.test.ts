/**
 * The Ising engine's RTL in Verilator against the reference model, bit for bit: four configurations (bins, on-chip
 * and host replica exchange) ×
 * three or four temperatures × 100 sweeps through `spinbit run ising --sim --check` (host ↔ pty ↔ virtual board);
 * host lattice writes and reads from a random lattice; the table checks; lattices too big for a board.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBoard } from '../src/boards/index.ts';
import { elaborate, type DesignOptions, type Elaborated } from '../src/design/design.ts';
import { runIsing } from '../src/cores/ising/run.ts';
import { ising, type IsingDesignConfig } from '../src/cores/ising/index.ts';
import { packLattice, unpackLattice } from '../src/cores/ising/layout.ts';
import { IsingLattice } from '../src/cores/ising/reference.ts';
import { ReferenceEngine } from '../src/cores/ising/scan.ts';
import { checkTableFits, flipThresholds } from '../src/cores/ising/tables.ts';
import { SpinbitBoard } from '../host/board.ts';
import { IsingBoard } from '../src/cores/ising/driver.ts';
import { VirtualBoard } from '../sim/virtual-board.ts';
import { seededRandom } from './helpers.ts';
import { spinbitIn } from './helpers.ts';

const cwd = mkdtempSync(join(tmpdir(), 'spinbit-ising-'));

const spinbit = (...args: string[]) => spinbitIn(cwd, ...args);

describe('Ising engine RTL = reference model, bit for bit', () => {
  // Records per temperature: by default bins of 12 sweeps (the link at 1 Mbaud wants 31, and a default bin leaves
  // at least 8 analysis bins: 100 / 8 = 12; 8 full and one of 4), or of the given bin (7: 14 full, one of 2);
  // replicas with a field measure every sweep (the host decides their swaps).
  const configs: { name: string; design: DesignOptions; T: number[]; h?: number; bin?: number; records: number }[] = [
    { name: 'L=16 P=4 Metropolis', design: { L: 16, lanes: 4 }, T: [1.5, 2.269, 3.0], records: 3 * 9 },
    {
      name: 'L=64 P=16 heat-bath, bins of 7',
      design: { L: 64, lanes: 16, algorithm: 'heatbath' },
      T: [1.5, 2.269, 3.0],
      bin: 7,
      records: 3 * 15,
    },
    {
      name: 'L=16 P=4, 3 replicas, field h=0.1, 8-bit chunks',
      design: { L: 16, lanes: 4, replicas: 3, 'rng-bits': '8' },
      T: [1.8, 2.3, 2.8],
      h: 0.1,
      records: 300,
    },
    {
      // Swaps on the engine: bins of 12 per temperature slot, every decision checked through the swap counts
      // and the placement.
      name: 'L=16 P=4, 4 replicas exchanging on the engine, heat-bath',
      design: { L: 16, lanes: 4, replicas: 4, algorithm: 'heatbath' },
      T: [1.8, 2.1, 2.4, 2.7],
      records: 4 * 9,
    },
  ];
  for (const config of configs) {
    it(`${config.name}: runIsing on the virtual board with check, ${config.T.length} temperatures × 100 sweeps`, async () => {
      const scan = { temperatures: config.T, sweeps: 100, burnIn: 0, seed: 7, field: config.h, bin: config.bin };
      const run = await runIsing({ target: { kind: 'virtual' }, design: config.design, scan, check: true });
      expect(run.check).toMatchObject({
        records: config.records,
        replicas: config.design.replicas ?? 1,
        lattices: 'identical',
      });
      expect(run.scan.points).toHaveLength(config.T.length);
      for (const point of run.scan.points)
        expect(point.clocksPerSweep).toBeGreaterThanOrEqual(point.idealClocksPerSweep);
    });
  }

  it('run ising --sim --check through the CLI writes a passing JSON (the field given as --h)', () => {
    const json = join(cwd, 'cli-field.json');
    const args = [
      '--L',
      '16',
      '--lanes',
      '4',
      '--replicas',
      '2',
      '--h',
      '0.1',
      '--T',
      '2.0,2.5',
      '--sweeps',
      '64',
      '--burn-in',
      '0',
    ];
    const run = spinbit('run', 'ising', '--sim', '--check', ...args, '--json', json);
    expect(run.code, run.err + run.out).toBe(0);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect([result.mode, result.check.verdict, result.field, result.results.length]).toEqual(['sim', 'pass', 0.1, 2]);
  });

  it(
    'host writes lattices, reads them back, and the engine continues from them exactly as the reference: ' +
      'per-sweep and binned records, the sums at their extremes (all spins −1 frozen: E = −2N, M = −N)',
    async () => {
      const design = (await elaborate(ising, getBoard('icebreaker'), {
        L: 32,
        lanes: 8,
        replicas: 2,
        baud: 3_000_000,
      })) as Elaborated<IsingDesignConfig>;
      const config = design.config;
      const virtual = await VirtualBoard.start(design);
      const link = await SpinbitBoard.open(virtual.path, {
        expect: { design: 'ising', configHash: design.configHash },
      });
      try {
        const board = new IsingBoard(link, config);
        await board.verify();
        const random = seededRandom(11);
        const reference = new ReferenceEngine(config, 99);
        await board.seed(99);
        for (let r = 0; r < 2; r++) {
          // Replica 0: every spin −1 at T = 0.01, where no spin ever flips; replica 1: random at T = 2.6.
          const spins = Int8Array.from({ length: 32 * 32 }, () => (r === 0 || random() < 0.5 ? -1 : 1));
          const lattice = new IsingLattice(32, spins);
          reference.lattices[r] = new IsingLattice(32, spins);
          await board.writeLattice(r, lattice);
          const back = await board.readLattice(r);
          expect(Array.from(back.spins)).toEqual(Array.from(spins));
          const table = flipThresholds('metropolis', r === 0 ? 0.01 : 2.6, 24);
          await board.setTable(r, table);
          await reference.setTable(r, table);
          expect(await board.readTable(r)).toEqual(table);
        }
        const records = await board.run(25);
        expect(records).toEqual(await reference.run(25));
        await board.setBin(4);
        await reference.setBin(4);
        const bins = await board.run(10); // bins of 4, 4 and 2 sweeps, two slots each
        expect(bins.map((b) => b.sweeps)).toEqual([4, 4, 4, 4, 2, 2]);
        expect(bins).toEqual(await reference.run(10));
        const N = 32 * 32;
        expect(bins[0]).toMatchObject({ sumE: BigInt(-8 * N), sumM: BigInt(-4 * N), sumAbsM: BigInt(4 * N) });
        expect(bins[0]!.sumM4).toBe(4n * BigInt(N) ** 4n);
        for (let r = 0; r < 2; r++)
          expect(Array.from((await board.readLattice(r)).spins)).toEqual(Array.from(reference.lattices[r]!.spins));
        expect((await board.counters()).tieClocks).toBe((await reference.counters()).tieClocks);
      } finally {
        await link.close();
        await virtual.stop();
      }
    },
  );
});

describe('Ising engine configuration', () => {
  it('lattice layout: pack and unpack are inverse for every host word width', () => {
    const random = seededRandom(3);
    for (const [size, lanes] of [
      [8, 2],
      [16, 8],
      [32, 16],
      [64, 32],
    ] as const) {
      const spins = Int8Array.from({ length: size * size }, () => (random() < 0.5 ? 1 : -1));
      const wordBytes = Math.min(lanes, 16) > 8 ? 2 : 1;
      const packed = packLattice({ size, lanes }, spins, wordBytes);
      expect(packed.length).toBe(((size * size) / Math.min(lanes, 16)) * wordBytes);
      expect(Array.from(unpackLattice({ size, lanes }, packed, wordBytes))).toEqual(Array.from(spins));
    }
  });

  it('tables are checked against what the engine stores', () => {
    expect(() => checkTableFits('metropolis', flipThresholds('metropolis', 2.2, 24))).not.toThrow();
    expect(() => checkTableFits('metropolis', flipThresholds('heatbath', 2.2, 24))).toThrow(
      /Metropolis without a field/,
    );
    expect(() => checkTableFits('symmetric', flipThresholds('heatbath', 2.2, 24))).not.toThrow();
    expect(() => checkTableFits('symmetric', flipThresholds('heatbath', 2.2, 24, 0.3))).toThrow(
      /entries 0 and 9 differ/,
    );
    expect(() => checkTableFits('full', flipThresholds('heatbath', 2.2, 24, 0.3))).not.toThrow();
  });

  it('bad engine configurations exit 2 with the numbers', () => {
    for (const [args, message] of [
      [
        ['--L', '1024', '--lanes', '64'],
        new RegExp(
          'L=1024 × 1 replica\\(s\\) with 64 lanes needs 265 block RAMs .* ' +
            'but iCEBreaker has 26 left after the link .*over by 239 blocks',
        ),
      ],
      [['--L', '48'], /--L must be a power of two from 8 to 1024, got 48/],
      [['--L', '16', '--lanes', '16'], /--lanes 16 is more than L\/2 = 8/],
      [
        ['--L', '256', '--replicas', '2', '--lanes', '64'],
        /L=256 × 2 replica\(s\) with 64 lanes needs 43 block RAMs .*over by 17 blocks/,
      ],
    ] as const) {
      const run = spinbit('build', 'ising', ...args, '--out', join(cwd, 'never'));
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err).toMatch(message);
    }
    const sim = spinbit('run', 'ising', '--sim', '--T', '0', '--L', '16');
    expect(sim.code).toBe(2);
    expect(sim.err).toMatch(/temperatures must be > 0/);
    const silent = spinbit(
      'run',
      'ising',
      '--port',
      '/dev/ptmx',
      '--T',
      '2',
      '--L',
      '16',
      '--lanes',
      '4',
      '--sweeps',
      '64',
    );
    expect(silent.code).toBe(2);
    expect(silent.err).toMatch(
      new RegExp(
        '/dev/ptmx does not answer as a spinbit board: .*no reply within 1000 ms ' +
          '\\(flashed with `spinbit build ising` and the same options\\? baud 1000000\\?\\)',
      ),
    );
    const noEngine = spinbit('run', 'ising', '--ref', '--check', '--T', '2');
    expect(noEngine.code).toBe(2);
    expect(noEngine.err).toMatch(/--check compares an engine with the reference model/);
  });
});
