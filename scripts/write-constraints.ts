/** Regenerates constraints/<board>.pcf from the board definitions (tests/boards.test.ts checks they match). */
import { writeFileSync } from 'node:fs';
import { BOARDS, pcfText } from '../src/boards/index.ts';

for (const board of Object.values(BOARDS)) {
  writeFileSync(new URL(`../constraints/${board.name}.pcf`, import.meta.url), pcfText(board));
  console.log(`constraints/${board.name}.pcf`);
}
