import { defineConfig } from 'vitest/config';

/**
 * Test tiers (README): `npm run test:fast` runs `fast` (pure TypeScript: reference models, formats, protocol,
 * docs), `npm run test:sim` runs `sim` (Verilator: cells, link, engines on the virtual board), `npm test` runs
 * every tier — `model` (long TypeScript runs: physics to 0.1 %, training, the shipped models' quality) and
 * `synth` (YoWASP builds and routed-netlist co-simulation) included — which is what CI runs.
 * tests/tiers.test.ts checks that every test file is in exactly one tier.
 */
export const TIERS: Record<string, string[]> = {
  fast: [
    'bdcgan-model',
    'bdcgan-reference',
    'boards',
    'docs',
    'ising-math',
    'ising-reference',
    'ising-rng',
    'protocol',
    'tiers',
  ],
  model: ['diversity', 'ising-physics', 'shipped-model', 'train'],
  sim: [
    'bdcgan-engine',
    'fifo',
    'hdl',
    'ising-engine',
    'ising-long-run',
    'ising-rng-rtl',
    'link',
    'loopback',
    'own-design',
    'reset',
    'selftest',
    'uart',
  ],
  synth: ['cells', 'cli', 'flow', 'netlist', 'netlist-bdcgan', 'netlist-ising'],
};

export default defineConfig({
  test: {
    // Verilator model builds and YoWASP syntheses take tens of seconds on 2 cores.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Two cores: two test files at a time; the Verilator cache lock keeps them from compiling one model twice.
    maxWorkers: 2,
    projects: Object.entries(TIERS).map(([name, files]) => ({
      extends: true,
      test: { name, include: files.map((f) => `tests/${f}.test.ts`) },
    })),
  },
});
