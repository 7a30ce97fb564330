/** Every test file belongs to exactly one tier of vitest.config.ts, so `npm test` (all tiers) runs each once. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TIERS } from '../vitest.config.ts';

describe('test tiers', () => {
  it('name every test file once', () => {
    const files = readdirSync(new URL('.', import.meta.url))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.test\.ts$/, ''))
      .sort();
    const listed = Object.values(TIERS).flat();
    expect([...listed].sort()).toEqual(files);
    expect(new Set(listed).size).toBe(listed.length);
  });
});
