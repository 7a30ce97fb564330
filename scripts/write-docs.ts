/** Regenerates the contract tables in docs/ (src/cores/docs.ts); tests/docs.test.ts checks they are current. */
import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_FILES, GENERATED_SECTIONS, regenerate } from '../src/cores/docs.ts';

for (const file of Object.keys(GENERATED_SECTIONS)) {
  const url = new URL(`../${file}`, import.meta.url);
  const before = readFileSync(url, 'utf8');
  const after = regenerate(file, before);
  if (after !== before) writeFileSync(url, after);
  console.log(`${file}${after === before ? ' (unchanged)' : ''}`);
}

for (const [file, make] of Object.entries(GENERATED_FILES)) {
  const url = new URL(`../${file}`, import.meta.url);
  let before = '';
  try {
    before = readFileSync(url, 'utf8');
  } catch {
    // not written yet
  }
  const after = make();
  if (after !== before) writeFileSync(url, after);
  console.log(`${file}${after === before ? ' (unchanged)' : ''}`);
}
