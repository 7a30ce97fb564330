import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Verilator model builds and YoWASP syntheses take tens of seconds on 2 cores.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Two cores: two test files at a time; the Verilator cache lock keeps them from compiling one model twice.
    maxWorkers: 2,
  },
});
