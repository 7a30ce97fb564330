/**
 * Designs by path on the command line: `spinbit build ./my-design.ts` loads the module (src/cores/index.ts
 * loadDesign), and the command line then offers it like a built-in design, under the path as typed.
 */
import { looksLikePath } from '../cores/index.ts';

/** The verbs that take a design: `spinbit <verb> <design> …`. */
const DESIGN_VERBS = new Set(['build', 'lint', 'sim', 'board-sim', 'run']);

/** The design path in `argv` (`spinbit <verb> <path> …`), if there is one. */
export function designPathIn(argv: string[]): string | undefined {
  const [verb, design] = argv;
  return verb && design && DESIGN_VERBS.has(verb) && looksLikePath(design) ? design : undefined;
}
