/** The contract tables in docs/ are what the contracts say (regenerate with `npm run docs`). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES, GENERATED_SECTIONS, regenerate } from '../src/cores/docs.ts';

describe('generated docs', () => {
  for (const file of Object.keys(GENERATED_SECTIONS)) {
    it(`${file}: the generated tables match the contracts (npm run docs rewrites them)`, () => {
      const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
      expect(regenerate(file, text), `${file} is stale: run npm run docs`).toBe(text);
    });
  }

  for (const [file, make] of Object.entries(GENERATED_FILES)) {
    it(`${file} is what its table says (npm run docs rewrites it)`, () => {
      expect(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'), `${file} is stale: run npm run docs`).toBe(
        make(),
      );
    });
  }

  it('an edited table is caught', () => {
    const [file] = Object.keys(GENERATED_SECTIONS);
    const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
    const edited = text.replace(/(<!-- generated: [^>]+ -->\n)/, '$1| stale row |\n');
    expect(regenerate(file!, edited)).not.toBe(edited);
  });
});
