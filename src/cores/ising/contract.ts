/**
 * The Ising engine's registers, memory and record stream: the one description hdl/ising_engine.v (through the
 * generated include ising_map.vh), the host driver (driver.ts) and docs/ising.md are generated from.
 */
import { defineContract, idValue } from '../../link/contract.ts';

export const isingContract = defineContract({
  design: 'ising',
  id: 'ISNG',
  registers: {
    ID: { address: 0, kind: 'constant', value: idValue('ISNG'), doc: 'reads "ISNG"' },
    SHAPE: { address: 1, kind: 'status', doc: 'what the bitstream was built for (fields below)' },
    RUN: {
      address: 2,
      kind: 'action',
      readBack: true,
      doc: 'write N: run N sweeps (every replica once each); read: sweeps left',
    },
    STOP: { address: 3, kind: 'action', doc: 'write: stop after the current sweep' },
    SEED: {
      address: 4,
      kind: 'action',
      readBack: true,
      doc: 'write: restart the lane generator from this seed (129 clocks), reads it back; reset seeds with 0',
    },
    STATUS: { address: 5, kind: 'status', width: 3, doc: 'bit 0 running, bit 1 seeding, bit 2 stop requested' },
    CLOCKS: {
      address: 6,
      kind: 'action',
      readBack: true,
      doc: 'engine clocks while running (stream-full waits excluded); any write clears CLOCKS, TIES and SWEEPS',
    },
    TIES: { address: 7, kind: 'status', doc: 'extra clocks spent on comparison ties' },
    SWEEPS: { address: 8, kind: 'status', doc: 'replica sweeps completed' },
    TABLE: {
      address: 16,
      kind: 'storage',
      width: 25,
      block: '16·R',
      stride: 16,
      doc:
        'replica r, threshold k at 16 + 16r + k (tables.ts order), 0 … 2²⁴; writes are ignored while running; ' +
        'reads give the implied value of entries the engine does not store',
    },
  },
  memories: {
    lattice: {
      index: 0,
      wordBits: 'H = min(P, 16)',
      depth: 'R·L²/H',
      doc: 'the spins of every replica, H per word (layout below); BUSY while the engine runs or seeds',
    },
  },
  stream: {
    doc: 'one record per replica sweep; a full stream buffer stalls the engine (nothing is lost).',
    record: {
      name: 'sweep',
      doc: 'written after each replica sweep',
      fields: [
        { name: 'energy', bits: 32, signed: true, doc: 'bond energy E = −Σ s_i s_j' },
        { name: 'magnetization', bits: 24, signed: true, doc: 'M = Σ s_i' },
        { name: 'replica', bits: 8, doc: 'which replica' },
      ],
    },
  },
  fields: {
    SHAPE: [
      { name: 'L_LOG2', bits: 8, doc: 'log2 L' },
      { name: 'P_LOG2', bits: 8, doc: 'log2 lanes' },
      { name: 'R', bits: 8, doc: 'replicas' },
      { name: 'MODE', bits: 2, doc: 'stored table: 0 Metropolis, 1 symmetric, 2 full' },
      { name: 'CHUNK', bits: 6, doc: 'random bits per lane per clock' },
    ],
  },
});
