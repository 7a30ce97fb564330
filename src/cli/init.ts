/**
 * `spinbit init DIR`: a project of your own, ready to test. It is a copy of examples/own-design (the template
 * CI builds, simulates and checks), with its spinbit dependency pointed at this copy of spinbit. Written to a
 * staging folder and renamed into place, so a failure leaves nothing half-made; an existing non-empty DIR is
 * refused rather than overwritten.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';

const SPINBIT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TEMPLATE_DIR = join(SPINBIT_ROOT, 'examples', 'own-design');

/** The template's files (what a project needs; never installed packages or build output). */
export function templateFiles(): string[] {
  return readdirSync(TEMPLATE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'package-lock.json')
    .map((entry) => entry.name)
    .sort();
}

export function initProject(dir: string): { dir: string; files: string[] } {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0)
    throw new UserError(`${dir} exists and is not empty: give a new folder (nothing was written)`);
  const name =
    basename(target)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'own-design';
  const staging = join(dirname(target), `.${basename(target)}.spinbit-init-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const files = templateFiles();
    for (const file of files) cpSync(join(TEMPLATE_DIR, file), join(staging, file));
    const manifest = JSON.parse(readFileSync(join(staging, 'package.json'), 'utf8'));
    manifest.name = name;
    manifest.dependencies.spinbit = `file:${SPINBIT_ROOT.replace(/\/$/, '')}`;
    writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameSync(staging, target);
    return { dir: target, files };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
