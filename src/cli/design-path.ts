/**
 * Designs by path: `spinbit build ./my-design.ts` loads a module whose default export (or `design` export) was
 * made by `defineDesign`, and the command line then offers it like a built-in design, under the path as typed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isOwnDesign, type OwnDesign } from '../cores/define.ts';
import { UserError } from '../errors.ts';

/** The verbs that take a design: `spinbit <verb> <design> …`. */
const DESIGN_VERBS = new Set(['build', 'lint', 'sim', 'board-sim', 'run']);

/** Whether a design argument names a file rather than a built-in design. */
export function looksLikePath(argument: string): boolean {
  return /[/\\]/.test(argument) || /\.(ts|mts|js|mjs)$/.test(argument);
}

/** The design path in `argv` (`spinbit <verb> <path> …`), if there is one. */
export function designPathIn(argv: string[]): string | undefined {
  const [verb, design] = argv;
  return verb && design && DESIGN_VERBS.has(verb) && looksLikePath(design) ? design : undefined;
}

/** Loads the design module at `path`; a clear one-line error when it is missing or exports no design. */
export async function loadDesign(path: string): Promise<OwnDesign> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UserError(`no design module at ${path}`);
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new UserError(`cannot load the design module ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  const design = [module.default, module.design].find(isOwnDesign);
  if (!design) {
    throw new UserError(
      `${path} exports no design: export default defineDesign({...}) (import { defineDesign } from 'spinbit')`,
    );
  }
  return design;
}
