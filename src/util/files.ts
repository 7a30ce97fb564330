/** Output files that are never half-written: a temporary file beside the target, renamed over it when complete. */
import { accessSync, constants, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.ts';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

/**
 * Checks, before any work starts, that `file` can be written: its folder exists and is writable, and the file
 * is not a folder. `flag` names the option in the error.
 */
export function checkWritable(file: string, flag: string): void {
  if (file === '-') return;
  const folder = dirname(resolve(file));
  if (!existsSync(folder)) throw new UserError(`${flag} ${file}: the folder ${folder} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UserError(`${flag} ${file} is a folder, not a file`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new UserError(`${flag} ${file}: the folder ${folder} is not writable`);
  }
}
