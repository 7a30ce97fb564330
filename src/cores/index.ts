/** The design registry: every design the CLI and the library can build, lint and simulate, with its self-check. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerDesign, type RegisteredDesign } from '../design/design.ts';
import { UserError } from '../errors.ts';
import { bdcgan } from './bdcgan/index.ts';
import { selfCheckBdcgan } from './bdcgan/run.ts';
import { isOwnDesign, type OwnDesign } from './define.ts';
import { ising } from './ising/index.ts';
import { selfCheckIsing } from './ising/run.ts';
import { selfCheckLoopback } from './loopback/check.ts';
import { loopback } from './loopback/index.ts';

export const DESIGNS: Record<string, RegisteredDesign> = {
  loopback: registerDesign(loopback, selfCheckLoopback),
  ising: registerDesign(ising, selfCheckIsing),
  bdcgan: registerDesign(bdcgan, selfCheckBdcgan),
};

/** Whether a design argument names a file rather than a built-in design. */
export function looksLikePath(argument: string): boolean {
  return /[/\\]/.test(argument) || /\.(ts|mts|js|mjs)$/.test(argument);
}

/**
 * A built-in design by name, or a design of your own by the path of its module (default export, or an export
 * named `design`, made by `defineDesign`). One-line errors for an unknown name, a missing file, a module
 * that does not load or exports no design.
 */
export async function resolveDesign(nameOrPath: string): Promise<RegisteredDesign> {
  if (!looksLikePath(nameOrPath)) {
    const design = DESIGNS[nameOrPath];
    if (!design) {
      throw new UserError(
        `unknown design '${nameOrPath}': ${Object.keys(DESIGNS).join(', ')}, or the path of a design module`,
      );
    }
    return design;
  }
  return loadDesign(nameOrPath);
}

/** The design module at `path`. */
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
