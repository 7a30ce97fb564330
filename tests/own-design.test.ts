/**
 * A design of your own: `spinbit init` makes the template project (examples/own-design), which passes its own
 * test after `npm install && npm test` (the engine in Verilator on the virtual board, against its reference);
 * the design verbs take it by path; a reference that disagrees fails the check; bad input gets one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templateFiles, TEMPLATE_DIR } from '../src/cli/init.ts';
import { REPO_ROOT, spinbit, spinbitIn, SPINBIT_BIN } from './helpers.ts';

const project = join(mkdtempSync(join(tmpdir(), 'spinbit-own-')), 'mine');
// The project's Verilator models go to the repository's cache: `npm run examples` has built the same one.
const env = { ...process.env, SPINBIT_SIM_CACHE: join(REPO_ROOT, 'build', 'sim-cache') };

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('a design of your own', () => {
  it('spinbit init copies the template with spinbit as a file dependency, and refuses a non-empty folder', () => {
    const made = spinbit('init', project);
    expect(made.code, made.err).toBe(0);
    expect(readdirSync(project).sort()).toEqual(templateFiles());
    for (const file of templateFiles().filter((f) => f !== 'package.json'))
      expect(readFileSync(join(project, file), 'utf8')).toBe(readFileSync(join(TEMPLATE_DIR, file), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(manifest.dependencies.spinbit).toBe(`file:${REPO_ROOT.replace(/\/$/, '')}`);
    expect(manifest.name).toBe('mine');

    const again = spinbit('init', project);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/exists and is not empty: give a new folder \(nothing was written\)/);
  });

  it('passes its own test: npm install && npm test', { timeout: 900_000 }, () => {
    const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
    expect(install.code, install.out).toBe(0);
    const test = run('npm', ['test'], project);
    expect(test.code, test.out).toBe(0);
    expect(test.out).toMatch(/2 passed/);
  });

  it('the verbs take it by path; a disagreement with the reference fails the check', { timeout: 900_000 }, () => {
    const lint = spinbitIn(project, 'lint', './design.ts', '--width', '24');
    expect(lint.code, lint.err).toBe(0);
    expect(lint.out).toMatch(/lint clean .*neuron_core\.v.*xnor_neuron\.v/);
    const ran = run(
      process.execPath,
      [SPINBIT_BIN, 'run', './design.ts', '--sim', '--width', '24', '--seed', '3'],
      project,
    );
    expect(ran.code, ran.out).toBe(0);
    expect(ran.out).toMatch(/neuron check on sim passed in [\d.]+ s: \{"operations":400,"readbacks":50,"seed":3\}/);

    // A reference that counts the positions where weight and activation differ instead of agree: the check must
    // see the engine disagree (the engine's Verilator model is the cached one).
    const reference = join(project, 'reference.ts');
    const source = readFileSync(reference, 'utf8');
    writeFileSync(
      reference,
      source.replace(
        'const agree = this.bits(~(this.weights ^ word));',
        'const agree = this.bits(this.weights ^ word);',
      ),
    );
    try {
      const broken = run(process.execPath, [SPINBIT_BIN, 'sim', './design.ts', '--width', '24'], project);
      expect(broken.code).not.toBe(0);
      expect(broken.out).toMatch(/SUM, COUNT, OUTPUT read .*; the reference says/);
    } finally {
      writeFileSync(reference, source);
    }
  });

  it('bad input: a missing module, a module without a design, an engine port the link does not know', () => {
    const missing = spinbitIn(project, 'build', './nothing.ts');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^spinbit: no design module at \.\/nothing\.ts\n$/);

    writeFileSync(join(project, 'plain.ts'), 'export const answer = 42;\n');
    const plain = spinbitIn(project, 'build', './plain.ts');
    expect(plain.code).toBe(2);
    expect(plain.err).toMatch(/plain\.ts exports no design: export default defineDesign/);

    const engine = join(project, 'xnor_neuron.v');
    const source = readFileSync(engine, 'utf8');
    writeFileSync(
      engine,
      source.replace('input  wire        rst,', 'input  wire        rst,\n    input  wire        go,'),
    );
    try {
      const foreign = spinbitIn(project, 'lint', './design.ts');
      expect(foreign.code).toBe(2);
      expect(foreign.err).toMatch(/port 'go' is neither a link-bus signal nor one of clk, rst, busy, led/);
    } finally {
      writeFileSync(engine, source);
    }
    expect(existsSync(join(project, 'build', 'neuron-icebreaker'))).toBe(false);
  });
});
