/**
 * Post-route simulation of the Ising engine: `run ising --sim --netlist --check` on the routed netlists of two
 * small builds (L = 16, 4 lanes) — plain Metropolis on the iCEBreaker, and two replicas with the external field
 * and replica exchange on the HX8K — each bit-exact with the reference model, record by record. (Its own file so that vitest runs it
 * beside the other netlist tests: each build and netlist model takes a minute or two.)
 */
import { describe, expect, it } from 'vitest';
import { spinbit } from './helpers.ts';

const NETLIST_TIMEOUT_MS = 600_000;

describe('Ising routed netlist co-simulation', () => {
  it(
    'Metropolis, 3 temperatures: records, tie clocks and lattice identical to the reference',
    () => {
      const run = spinbit(
        ...['run', 'ising', '--sim', '--netlist', '--check', '--L', '16', '--lanes', '4'],
        ...['--T', '1.5,2.27,3', '--sweeps', '64', '--burn-in', '0'],
      );
      expect(run.code, run.err + run.out).toBe(0);
      expect(run.out).toMatch(
        /check: 24 bin records \(8 sweeps each\), \d+ tie clocks and 1 final lattice\(s\) identical .* pass/,
      );
    },
    NETLIST_TIMEOUT_MS,
  );

  // Two replicas with the field need ≈ 5400 logic cells at 4 lanes, more than the UP5K has: built for the HX8K.
  it(
    'HX8K, two replicas, field h = 0.1, replica exchange every 4 sweeps: identical to the reference',
    () => {
      const run = spinbit(
        ...['run', 'ising', '--sim', '--netlist', '--check', '--L', '16', '--lanes', '4', '--board', 'hx8k'],
        ...['--replicas', '2', '--field', 'on', '--T', '1.5,3', '--h', '0.1', '--swap-every', '4'],
        ...['--sweeps', '64', '--burn-in', '0'],
      );
      expect(run.code, run.err + run.out).toBe(0);
      expect(run.out).toMatch(/replica exchange acceptance \(decided on the host\): 0↔1/);
      expect(run.out).toMatch(
        /check: 128 bin records \(one per sweep\), \d+ tie clocks and 2 final lattice\(s\) identical .* pass/,
      );
    },
    NETLIST_TIMEOUT_MS,
  );
});
