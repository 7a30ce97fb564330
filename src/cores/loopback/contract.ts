/** The loopback design's registers, memory and stream: the one description everything else is generated from. */
import { defineContract, idValue } from '../../link/contract.ts';

export const loopbackContract = defineContract({
  design: 'loopback',
  id: 'LOOP',
  registers: {
    ID: { address: 0, kind: 'constant', value: idValue('LOOP'), doc: 'reads "LOOP"' },
    SCRATCH: { address: 1, kind: 'storage', doc: 'read/write, no effect (register round-trip tests)' },
    STREAM_SEED: { address: 2, kind: 'storage', width: 8, doc: 'first byte of the next generated stream' },
    STREAM_COUNT: {
      address: 3,
      kind: 'action',
      readBack: true,
      doc:
        'write N: stream N bytes seed, seed + 1, … (mod 256); ' +
        'read: bytes still to generate (0 once the stream is done)',
    },
    LOCK: {
      address: 4,
      kind: 'storage',
      width: 1,
      doc: 'bit 0 set: the core claims its memory, memory commands answer BUSY',
    },
    HEARTBEAT: {
      address: 5,
      kind: 'status',
      doc:
        'the free-running heartbeat counter ' +
        '(⌈log2 clock Hz⌉ bits, wraps about once a second; LED 0 is its top bit)',
    },
  },
  memories: {
    scratch: {
      index: 0,
      wordBits: 16,
      depth: '--scratch-words',
      doc: 'scratch memory (SPRAM on the UP5K, block RAM elsewhere)',
    },
  },
  stream: { doc: 'the bytes STREAM_COUNT asks for: seed, seed + 1, … (mod 256).' },
});
