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
    STATUS: {
      address: 5,
      kind: 'status',
      width: 4,
      doc: "the engine's state: running, seeding, stop requested, measuring (fields below)",
    },
    CLOCKS: {
      address: 6,
      kind: 'action',
      readBack: true,
      doc:
        'engine clocks while running (waits for the link to take bin records excluded); any write clears CLOCKS, ' +
        'TIES, SWEEPS and ELAPSED',
    },
    TIES: { address: 7, kind: 'status', doc: 'extra clocks spent on comparison ties' },
    SWEEPS: { address: 8, kind: 'status', doc: 'replica sweeps completed' },
    BIN: {
      address: 9,
      kind: 'storage',
      width: 22,
      reset: 1,
      doc:
        'sweeps per bin B (1 … 2²² − 1; 0 acts as 1): each slot streams one bin record per B engine sweeps, and ' +
        'one for the rest at the end of a run; writes are ignored while running',
    },
    ELAPSED: {
      address: 10,
      kind: 'status',
      doc: 'clocks while running, waits for the link included (CLOCKS plus those waits): the end-to-end time',
    },
    SWAP: {
      address: 11,
      kind: 'storage',
      width: 16,
      doc:
        'replica exchange: engine sweeps between swap rounds (0: none); a write also clears ROUNDS and the count ' +
        'to the next round; ignored while running',
    },
    ROUNDS: {
      address: 12,
      kind: 'status',
      doc: 'swap rounds done since SWAP was written (round n tries the pairs i ≡ n mod 2)',
    },
    TABLE: {
      address: 16,
      kind: 'storage',
      width: 25,
      block: '16·R',
      stride: 16,
      doc:
        'temperature slot t, threshold k at 16 + 16t + k (tables.ts order), 0 … 2²⁴; replica r sweeps with slot ' +
        'PLACE[r]; writes are ignored while running; ' +
        'reads give the implied value of entries the engine does not store',
    },
    PLACE: {
      address: 2048,
      kind: 'storage',
      width: 8,
      block: 'R',
      stride: 1,
      doc:
        "replica r's temperature slot at 2048 + r (reset: r); swaps move them; write while idle (the slot's " +
        'old replica takes the written one’s place only when the host writes both)',
    },
    EXCHANGE: {
      address: 4096,
      kind: 'storage',
      width: 32,
      block: '32·(R − 1) + R',
      stride: 32,
      doc:
        'R > 1: pair i (slots i, i + 1) at 4096 + 32i + b: b < 31 p_b = round(exp(−4|Δβ|·2^b)·2²⁴), b = 31 bit 0 ' +
        'the sure sign (1: Δβ > 0), bits 31:1 swaps accepted; then each replica’s last E; write while idle',
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
    doc:
      'bin records: when a bin of BIN sweeps ends (or a run ends inside one), one record per temperature slot, ' +
      'slot 0 first; a full stream buffer makes the engine wait (nothing is lost; CLOCKS excludes those waits).',
    record: {
      name: 'bin',
      doc:
        "a slot's exact sums over the sweeps of one bin, E and M taken after each of its sweeps, as bit planes: " +
        'byte 4 + j holds bit j of ΣE, ΣE², ΣM, Σ|M|, ΣM², ΣE·M, ΣM⁴ (bits 0 … 6); the signed sums are two’s ' +
        'complement over P = 8·log2 L + 24 planes, planes from P on are 0; ΣE·M is 0 without field support',
      fields: [
        { name: 'slot', bits: 8, doc: 'temperature slot: replica r sweeps with table r' },
        { name: 'sweeps', bits: 24, doc: 'sweeps in this bin (B, or fewer at the end of a run)' },
        { name: 'planes', bits: 1024, doc: 'bit planes 0 … 127 of the seven sums (bins.ts planesToBin)' },
      ],
    },
  },
  fields: {
    STATUS: [
      { name: 'RUNNING', bits: 1, doc: 'sweeping (RUN is counting down)' },
      { name: 'SEEDING', bits: 1, doc: 'restarting the lane generator (SEED)' },
      { name: 'STOP_REQUESTED', bits: 1, doc: 'STOP was written; the run ends after this sweep' },
      { name: 'MEASURING', bits: 1, doc: 'bin records still to stream' },
    ],
    SHAPE: [
      { name: 'L_LOG2', bits: 8, doc: 'log2 L' },
      { name: 'P_LOG2', bits: 8, doc: 'log2 lanes' },
      { name: 'R', bits: 8, doc: 'replicas' },
      { name: 'MODE', bits: 2, doc: 'stored table: 0 Metropolis, 1 symmetric, 2 full' },
      { name: 'CHUNK', bits: 6, doc: 'random bits per lane per clock' },
    ],
  },
});
