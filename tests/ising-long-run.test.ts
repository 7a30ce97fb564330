/**
 * Runs of any length: scans stream their records in chunks instead of keeping them, --check compares records
 * as they arrive (and can fail), --records writes a .npy file that is valid at any moment, Ctrl-C ends a run
 * with the finished temperatures written.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseNpy } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { CheckedEngine, CheckFailure } from '../src/cores/ising/check.ts';
import { validateIsingConfig } from '../src/cores/ising/config.ts';
import { engineSweep, IsingLattice, type SweepRecord } from '../src/cores/ising/reference.ts';
import { laneStreams, THRESHOLD_BITS } from '../src/cores/ising/rng.ts';
import { exchangeTables } from '../src/cores/ising/exchange.ts';
import { CHUNK_SWEEPS, ReferenceEngine, scan } from '../src/cores/ising/scan.ts';
import { flipThresholds } from '../src/cores/ising/tables.ts';
import { NpyInt32Writer } from '../src/util/npy.ts';

const work = mkdtempSync(join(tmpdir(), 'spinbit-long-'));
const config = { ...validateIsingConfig({ size: 16, lanes: 4 }), chunkBits: 12 };

const readNpy = (file: string) => {
  const bytes = readFileSync(file);
  return parseNpy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

describe('runs of any length', () => {
  it('a scan hands every record on in chunks, in the order the engine produces them, and keeps none', async () => {
    const sweeps = CHUNK_SWEEPS + 300; // more than one chunk per temperature
    const temperatures = [2.0, 2.5];
    const seen: { record: SweepRecord; T: number; measured: boolean }[] = [];
    const result = await scan(new ReferenceEngine(config, 7), config, {
      temperatures,
      sweeps,
      burnIn: 50,
      seed: 7,
      onRecords: (records, temperatureOf, measured) => {
        for (const record of records) seen.push({ record, T: temperatureOf(record.replica), measured });
      },
    });
    expect(result.records).toBe(temperatures.length * (sweeps + 50));
    expect(result.interrupted).toBe(false);
    expect(Object.keys(result)).not.toContain('recordList');
    // The same sweeps driven directly, one at a time (no scan, no chunks).
    const lattice = new IsingLattice(16);
    const streams = laneStreams(4, 7, 12);
    let i = 0;
    for (const [t, T] of temperatures.entries()) {
      const table = flipThresholds('metropolis', T, THRESHOLD_BITS, 0);
      for (let s = 0; s < sweeps + 50; s++, i++) {
        const [want] = engineSweep([lattice], [table], streams, 4);
        expect(seen[i]!.record, `record ${i}`).toEqual(want);
        expect([seen[i]!.T, seen[i]!.measured]).toEqual([t, s >= 50]);
      }
    }
    expect(seen.length).toBe(i);
  });

  it('replica exchange streams records with the temperature each replica ran at', async () => {
    const replicas = { ...validateIsingConfig({ size: 16, lanes: 4, replicas: 3 }), chunkBits: 12 };
    const seen: number[][] = [];
    const result = await scan(new ReferenceEngine(replicas, 3), replicas, {
      temperatures: [1.8, 2.3, 2.8],
      sweeps: 200,
      burnIn: 20,
      seed: 3,
      swapEvery: 3,
      onRecords: (records, temperatureOf) => {
        for (const r of records) seen.push([r.replica, temperatureOf(r.replica)]);
      },
    });
    expect(seen.length).toBe(3 * 220);
    // Within every sweep the three replicas hold the three temperatures, each once.
    for (let s = 0; s < 220; s++)
      expect(
        seen
          .slice(3 * s, 3 * s + 3)
          .map(([, t]) => t)
          .sort(),
      ).toEqual([0, 1, 2]);
    expect(result.swaps!.accepted.some((a) => a > 0)).toBe(true);
    expect(seen.some(([replica, t]) => replica !== t)).toBe(true); // swaps did move temperatures
  });

  it('an abort signal stops at the next chunk and keeps the finished temperatures', async () => {
    const controller = new AbortController();
    const result = await scan(new ReferenceEngine(config, 1), config, {
      temperatures: [2.0, 2.2, 2.4],
      sweeps: 2 * CHUNK_SWEEPS,
      burnIn: 0,
      seed: 1,
      signal: controller.signal,
      onProgress: (done) => done === 1 && controller.abort(),
    });
    expect(result.interrupted).toBe(true);
    expect(result.points.map((p) => p.T)).toEqual([2.0]);
    expect(result.replicaSweeps).toBe(2 * CHUNK_SWEEPS);
    expect(result.records).toBe(32); // the default bin: sweeps / 32, so one bin record per 64 sweeps
  });

  it('the lockstep check passes an identical engine and names the first differing record of another', async () => {
    const options = { temperatures: [2.1, 2.6], sweeps: 100, burnIn: 10, seed: 5 };
    const same = new CheckedEngine(new ReferenceEngine(config, 5), config, 5);
    await scan(same, config, options);
    // Per temperature: the burn-in as one bin, then 100 sweeps in bins of 3 (33 full, 1 of one sweep).
    expect(await same.finish()).toMatchObject({ records: 70, replicas: 1, lattices: 'identical' });

    const other = new CheckedEngine(new ReferenceEngine(config, 6), config, 5); // another seed: other random numbers
    await expect(scan(other, config, options)).rejects.toThrow(CheckFailure);
    await expect(scan(new CheckedEngine(new ReferenceEngine(config, 6), config, 5), config, options)).rejects.toThrow(
      /bin record \d+ \(slot 0, \d+ sweeps\): sum\w+ -?\d+, expected -?\d+/,
    );
  });

  it('the .npy writer gives a file numpy readers load after every append, even with a torn last write', () => {
    const file = join(work, 'rows.npy');
    const writer = new NpyInt32Writer(file, 3);
    expect(readNpy(file).shape).toEqual([0, 3]);
    writer.append(Int32Array.of(1, -2, 3, 4, 5, -2147483648));
    writer.append(Int32Array.of(7, 8, 2147483647));
    let array = readNpy(file);
    expect([array.dtype, array.shape, Array.from(array.data as Int32Array)]).toEqual([
      'i4',
      [3, 3],
      [1, -2, 3, 4, 5, -2147483648, 7, 8, 2147483647],
    ]);
    expect(() => writer.append(Int32Array.of(1, 2))).toThrow(/whole rows of 3/);
    writer.close();
    // A run killed while appending leaves part of a row after the data the header counts: the header still
    // counts the whole rows, which is what numpy.load reads (it reads shape-many items and ignores the rest).
    appendFileSync(file, Buffer.from([1, 2, 3, 4, 5]));
    const counted = readFileSync(file).subarray(0, 128 + 3 * 3 * 4);
    array = parseNpy(counted.buffer.slice(counted.byteOffset, counted.byteOffset + counted.byteLength));
    expect([array.shape, Array.from(array.data as Int32Array).slice(-1)]).toEqual([[3, 3], [2147483647]]);
  });

  // Refused up front: the scan asked for (11 temperatures × 10^7 sweeps) would outlast the test's timeout.
  it('an unwritable --records or --json path is refused before any work (exit 2, nothing written)', () => {
    const bin = join(import.meta.dirname, '..', 'bin', 'spinbit.mjs');
    for (const [flag, file] of [
      ['--records', '/nonexistent/records.npy'],
      ['--json', '/nonexistent/scan.json'],
      ['--records', work], // a folder
    ]) {
      const run = spawnSync(process.execPath, [
        bin,
        ...['run', 'ising', '--ref', '--L', '64', '--T', '2.0:3.0:0.1', '--sweeps', '10000000', flag!, file!],
      ]);
      expect(run.status, `${flag} ${file}`).toBe(2);
      expect(run.stderr.toString()).toMatch(new RegExp(`${flag} ${file}.*(does not exist|is a folder)`));
    }
    // Options refused after the paths were checked leave no records file either.
    const npy = join(work, 'refused.npy');
    const refused = spawnSync(process.execPath, [
      bin,
      'run',
      'ising',
      '--ref',
      '--T',
      '2',
      '--sweeps',
      '10',
      '--records',
      npy,
    ]);
    expect(refused.status).toBe(2);
    expect(existsSync(npy)).toBe(false);
  });

  it('Ctrl-C ends a CLI run cleanly: exit 130, finished temperatures in the JSON, a valid records file', async () => {
    const json = join(work, 'scan.json');
    const npy = join(work, 'scan.npy');
    const bin = join(import.meta.dirname, '..', 'bin', 'spinbit.mjs');
    // Ctrl-C as soon as the first of three temperatures is done (each takes about a second)
    const child = spawn(process.execPath, [
      bin,
      ...['run', 'ising', '--ref', '--L', '32', '--lanes', '4', '--T', '2.0,2.2,2.4', '--burn-in', '0'],
      ...['--sweeps', '50000', '--json', json, '--records', npy],
    ]);
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (stderr.includes('[1/3]') && !stderr.includes('stopping')) child.kill('SIGINT');
      });
      child.once('exit', (c) => resolve(c));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/stopping after the current chunk/);
    expect(stdout).toMatch(/interrupted: 1 of 3 temperatures finished/);
    const document = JSON.parse(readFileSync(json, 'utf8'));
    expect(document.interrupted).toBe(true);
    expect(document.results.map((r: { T: number }) => r.T)).toEqual([2.0]);
    const records = readNpy(npy);
    expect(records.shape[0]).toBe(document.records);
    expect(records.shape[0]).toBeGreaterThanOrEqual(50000);
    expect(records.shape[1]).toBe(5);
  }, 60_000);
});

describe('replica exchange on the engine', () => {
  it('swap rates agree with the exact min(1, exp(Δβ·ΔE)) of every attempt (reference model, 4 replicas)', async () => {
    const config = { ...validateIsingConfig({ size: 8, lanes: 4, replicas: 4 }), chunkBits: 12 };
    const temperatures = [2.0, 2.2, 2.4, 2.6];
    const expected = [0, 0, 0];
    const variance = [0, 0, 0];
    const accepted = [0, 0, 0];
    const engine = new ReferenceEngine(
      config,
      9,
      (pair, exact, accept) => {
        expected[pair]! += exact;
        variance[pair]! += exact * (1 - exact);
        if (accept) accepted[pair]!++;
      },
      temperatures,
    );
    const result = await scan(engine, config, { temperatures, sweeps: 20_000, burnIn: 100, seed: 9 });
    expect(result.swaps!.accepted).toEqual(accepted); // the scan reports the engine's counts
    for (let i = 0; i < 3; i++) {
      // Rounded tables move each rate by < 10⁻⁶; the sampling error of ~10⁴ attempts is ~0.5 %.
      expect(Math.abs(accepted[i]! - expected[i]!), `pair ${i}`).toBeLessThan(4 * Math.sqrt(variance[i]!));
      expect(expected[i]! / result.swaps!.attempted[i]!).toBeGreaterThan(0.2); // the test has power
    }
  });

  it('the acceptance tables: p_b = exp(−4|Δβ|·2^b) in 24 bits, and the sure sign follows Δβ', () => {
    const [up, down] = exchangeTables([2.0, 2.5, 2.2]);
    expect(up!.sure).toBe(1); // β falls from 2.0 to 2.5: ΔE ≥ 0 is always taken
    expect(down!.sure).toBe(0);
    const deltaBeta = 1 / 2.0 - 1 / 2.5;
    for (const b of [0, 1, 5]) expect(up!.p[b]).toBe(Math.round(Math.exp(-4 * deltaBeta * 2 ** b) * 2 ** 24));
    expect(up!.p[30]).toBe(0);
  });
});
