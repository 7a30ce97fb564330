/**
 * The bitstream flow with the real YoWASP tools: loopback for every board, report.json contents, the cache,
 * and failures that must leave nothing half-written (does not fit, misses timing).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOARDS, getBoard } from '../src/boards/index.ts';
import { elaborate } from '../src/design/design.ts';
import { loopback } from '../src/cores/loopback/index.ts';
import { BuildFailure, buildBitstream, PLACEMENT_SEEDS } from '../src/flow/build.ts';

const work = mkdtempSync(join(tmpdir(), 'spinbit-flow-'));

describe('bitstream flow (YoWASP)', () => {
  for (const board of Object.values(BOARDS)) {
    it(`builds loopback for ${board.name}: bitstream, report.json with timing met, logs, sources`, async () => {
      const elaborated = await elaborate(loopback, board, {});
      const outDir = join(work, `loopback-${board.name}`);
      const stages: string[] = [];
      const result = await buildBitstream(elaborated, {
        outDir,
        onEvent: (e) => e.kind === 'stage-done' && stages.push(e.stage),
      });
      // Place and route runs again with the next seed when the placer finds no legal placement (the HX1K, 95 % full).
      expect(stages.filter((stage, i) => stages[i - 1] !== stage)).toEqual(['yosys', 'nextpnr', 'icepack']);
      expect(result.cached).toBe(false);

      const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8'));
      expect(report).toMatchObject({
        design: 'loopback',
        board: board.name,
        device: board.device,
        config_hash: elaborated.configHash,
        timing_ok: true,
        target_mhz: 12,
      });
      expect(PLACEMENT_SEEDS).toContain(report.seed);
      expect(stages.filter((stage) => stage === 'nextpnr')).toHaveLength(PLACEMENT_SEEDS.indexOf(report.seed) + 1);
      // The wrapper's reset hold: ≥ 15 µs after configuration (block RAM reads 0 for ~3 µs), counted in clocks.
      expect(report.reset).toMatchObject({ required_us: 15, after: 'configuration' });
      expect(report.reset.cycles / report.clock.mhz).toBeGreaterThanOrEqual(15);
      expect(report.reset.hold_us).toBeCloseTo(report.reset.cycles / report.clock.mhz, 2);
      expect(report.resources.lc.total).toBe(board.resources.lc);
      expect(report.resources.ebr.total).toBe(board.resources.ebr);
      expect(report.resources.ebr.used).toBeGreaterThanOrEqual(1);
      // link mode on the UP5K keeps its 64 KiB scratch memory in two SPRAMs
      expect(report.resources.spram.used).toBe(board.device === 'up5k' ? 2 : 0);
      expect(report.resources.lc.used).toBeGreaterThan(50);
      expect(report.fmax_mhz).toBeGreaterThanOrEqual(12);
      const bitstream = readFileSync(join(outDir, `loopback-${board.name}.bin`));
      // An iCE40 bitstream starts with the 0x7EAA997E sync word (after an optional comment block).
      expect(bitstream.includes(Buffer.from([0x7e, 0xaa, 0x99, 0x7e]))).toBe(true);
      expect(readdirSync(join(outDir, 'logs')).sort()).toEqual(['icepack.log', 'nextpnr.log', 'yosys.log']);
      expect(readdirSync(join(outDir, 'rtl'))).toContain('loopback_core.v');
      expect(readdirSync(work).filter((n) => n.includes('.tmp-'))).toEqual([]);
      // The config hash as docs/protocol.md defines it, recomputed without spinbit's code: SHA-256 of
      // config.json, which is the canonical JSON of report.json's design, board, clock and config.
      const configJson = readFileSync(join(outDir, 'config.json'), 'utf8');
      expect(createHash('sha256').update(configJson).digest('hex')).toBe(report.config_hash);
      expect(JSON.parse(configJson)).toEqual({
        board: report.board,
        clock: report.clock,
        config: report.config,
        design: report.design,
      });
      expect(Object.keys(JSON.parse(configJson))).toEqual(['board', 'clock', 'config', 'design']);
      expect(configJson).not.toMatch(/\s/);
    });
  }

  it('an unchanged rebuild is served from the cache; a changed option rebuilds', async () => {
    const board = getBoard('icebreaker');
    const outDir = join(work, 'loopback-icebreaker');
    const again = await buildBitstream(await elaborate(loopback, board, {}), { outDir });
    expect(again.cached).toBe(true);
    const changed = await elaborate(loopback, board, { 'scratch-words': 1024 });
    const events: string[] = [];
    const rebuilt = await buildBitstream(changed, {
      outDir: join(work, 'changed'),
      onEvent: (e) => events.push(e.kind),
    });
    expect(rebuilt.cached).toBe(false);
    expect(events).not.toContain('cached');
  });

  it('a design that misses timing fails with the numbers and leaves the previous good build untouched', async () => {
    const board = getBoard('icebreaker');
    const outDir = join(work, 'loopback-icebreaker');
    const before = readFileSync(join(outDir, 'report.json'), 'utf8');
    const tooFast = await elaborate(loopback, board, { 'clock-mhz': 200, baud: 12_500_000 });
    const failure = await buildBitstream(tooFast, { outDir, seed: 3 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(BuildFailure);
    expect((failure as Error).message).toMatch(
      /timing not met on iCEBreaker: clock core_clk reaches [\d.]+ MHz, needs 20\d\.\d+ MHz \(placement seed 3\); lower --clock-mhz or try another --seed/,
    );
    expect(readFileSync(join(outDir, 'report.json'), 'utf8')).toBe(before);
    expect(existsSync(join(`${outDir}.failed`, 'logs', 'nextpnr.log'))).toBe(true);
  });
});
