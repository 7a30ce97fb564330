/**
 * The diversity figures of `spinbit eval bdcgan` (src/train/diversity.ts): the definitions on hand-worked points,
 * real digits (MNIST train against test: all three high), a collapsed set (one digit repeated: no recall, no
 * spread), and the command's output and JSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { digitsByLabel, diversityByLabel, labelDiversity, manifoldRadii } from '../src/train/diversity.ts';
import { loadMnist } from '../src/train/mnist.ts';

/** A 784-pixel image that is a point on a line: pixel 0 holds the coordinate, the rest is 0. */
const point = (x: number) => {
  const image = new Uint8Array(784);
  image[0] = x;
  return image;
};

describe('k-NN precision and recall, spread: the definitions', () => {
  it('radii: k-th nearest neighbour in the own set, the sample itself excluded but its copies counted', () => {
    // points 0, 10, 30 and a copy of 0: squared distances by hand
    const within = Float64Array.from([0, 100, 900, 0, 100, 0, 400, 100, 900, 400, 0, 900, 0, 100, 900, 0]);
    expect(Array.from(manifoldRadii(within, 4, 1))).toEqual([0, 100, 400, 0]);
    expect(Array.from(manifoldRadii(within, 4, 2))).toEqual([100, 100, 900, 100]);
    expect(() => manifoldRadii(within, 4, 4)).toThrow(/needs more than 4 samples, got 4/);
  });

  it('points on a line, worked by hand (k = 1; a point exactly on a ball’s edge is inside)', () => {
    // real 0, 10, 20, 30, 40: every ball has radius 10. Generated 5, 50, 100: 5 is inside (5 from 0), 50 sits on
    // the edge of 40's ball, 100 is outside → precision 2/3. Generated balls: 5 → 45 (to 50), 50 → 45, 100 → 50;
    // every real point is within 45 of 5 or 50 → recall 1.
    const real = [0, 10, 20, 30, 40].map(point);
    const generated = [5, 50, 100].map(point);
    const figures = labelDiversity(generated, real, 1);
    expect(figures.precision).toBeCloseTo(2 / 3, 12);
    expect(figures.recall).toBe(1);
    // mean pairwise distance: generated (45 + 95 + 50) / 3, real (10·4 + 20·3 + 30·2 + 40) / 10 = 20
    expect(figures.spread).toBeCloseTo(190 / 3 / 20, 12);
    // generated 0 and 100 only (k = 1): balls of radius 100 hold every real point; 100 is outside real's balls
    expect(labelDiversity([0, 100].map(point), real, 1)).toMatchObject({ precision: 0.5, recall: 1 });
  });
});

describe('on MNIST', () => {
  const train = digitsByLabel(loadMnist('train'), 200);
  const testSet = loadMnist('t10k');
  const test = digitsByLabel(testSet, 200);

  it('picks the first digits of each label from the set, at most what it has', () => {
    const all = digitsByLabel(testSet, 10000);
    const fives = testSet.labels.filter((l) => l === 5).length;
    expect(all[5]!.length).toBe(fives); // the test set has fewer than 1000 fives
    expect(fives).toBeLessThan(1000);
    expect(test.map((digits) => digits.length)).toEqual(new Array(10).fill(200));
    const firstSeven = testSet.labels.indexOf(7);
    expect(Array.from(test[7]![0]!)).toEqual(
      Array.from(testSet.images.subarray(firstSeven * 784, (firstSeven + 1) * 784)),
    );
  });

  it('real digits (200 train against 200 test per label): precision and recall high, spread ≈ 1', () => {
    const images = train.flat();
    const labels = train.flatMap((digits, d) => digits.map(() => d));
    const started = performance.now();
    const figures = diversityByLabel(images, labels, test);
    const seconds = (performance.now() - started) / 1000;
    expect(figures.k).toBe(3);
    expect(figures.perLabel.map((l) => [l.label, l.generated, l.real])).toEqual(
      Array.from({ length: 10 }, (_, d) => [d, 200, 200]),
    );
    expect(figures.precision).toBeGreaterThan(0.7);
    expect(figures.recall).toBeGreaterThan(0.7);
    expect(figures.spread).toBeGreaterThan(0.85);
    expect(figures.spread).toBeLessThan(1.15);
    for (const l of figures.perLabel) {
      expect(l.precision, `label ${l.label}`).toBeGreaterThan(0.5);
      expect(l.recall, `label ${l.label}`).toBeGreaterThan(0.5);
      expect(l.spread, `label ${l.label}`).toBeGreaterThan(0.75);
      expect(l.spread, `label ${l.label}`).toBeLessThan(1.3);
    }
    expect(seconds).toBeLessThan(15); // ≈ 1 s on one core
  });

  it('a collapsed set (one digit repeated 100 times) has no recall and no spread; precision does not see it', () => {
    for (const d of [1, 4, 8]) {
      // a training digit: real digits lie outside a ball of radius 0 around it
      const collapsed = labelDiversity(new Array(100).fill(train[d]![0]!), test[d]!);
      expect(collapsed.recall, `label ${d}`).toBeLessThan(0.05);
      expect(collapsed.spread, `label ${d}`).toBe(0);
      // one of the test digits itself: precision is full and recall counts exactly that one digit
      const copied = labelDiversity(new Array(100).fill(test[d]![0]!), test[d]!);
      expect(copied).toMatchObject({ precision: 1, recall: 1 / 200, spread: 0 });
    }
    // half the set collapsed: recall falls, spread falls, against the same digits uncollapsed
    const varied = labelDiversity(train[3]!.slice(0, 100), test[3]!);
    const half = labelDiversity([...train[3]!.slice(0, 50), ...new Array(50).fill(train[3]![0]!)], test[3]!);
    expect(half.recall).toBeLessThan(varied.recall);
    expect(half.spread).toBeLessThan(varied.spread);
  });
});

describe('spinbit eval bdcgan', () => {
  it('reports precision, recall and spread with k and the counts, per label and overall, also in --json', () => {
    const bin = fileURLToPath(new URL('../bin/spinbit.mjs', import.meta.url));
    const model = fileURLToPath(new URL('../models/mnist-up5k.sbgan', import.meta.url));
    const json = join(mkdtempSync(join(tmpdir(), 'spinbit-eval-')), 'eval.json');
    const args = ['eval', 'bdcgan', '--model', model, '--n', '50', '--real-per-label', '30', '--json', json];
    const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/conditional 1-NN accuracy [\d.]+ % on 50 images/);
    expect(run.stdout).toMatch(
      /k = 3, 5 generated \/ 30 MNIST test per label.*precision [\d.]+, recall [\d.]+, spread [\d.]+/,
    );
    for (const figure of ['precision', 'recall', 'spread'])
      expect(run.stdout).toMatch(new RegExp(`${figure} per label: 0: [\\d.]+, 1: .*9: [\\d.]+`));
    const result = JSON.parse(readFileSync(json, 'utf8'));
    expect(result.diversity.k).toBe(3);
    expect(result.diversity.perLabel).toHaveLength(10);
    for (const l of result.diversity.perLabel) {
      expect([l.generated, l.real]).toEqual([5, 30]);
      // Precision counts generated images (5), recall real ones (30): each is a whole share of its count.
      for (const [figure, count] of [
        ['precision', 5],
        ['recall', 30],
      ] as const) {
        const hits = l[figure] * count;
        expect(Math.abs(hits - Math.round(hits)), `${figure} ${l[figure]}`).toBeLessThan(1e-9);
        expect(hits).toBeGreaterThanOrEqual(0);
        expect(hits).toBeLessThanOrEqual(count);
      }
      expect(l.spread).toBeGreaterThan(0);
    }
    const mean = (key: string) =>
      result.diversity.perLabel.reduce((s: number, l: Record<string, number>) => s + l[key]!, 0) / 10;
    for (const figure of ['precision', 'recall', 'spread'])
      expect(result.diversity[figure]).toBeCloseTo(mean(figure), 12);
  }); // the default timeout: ≈ 14 s alone, 90 s measured on a loaded 2-core machine
});
