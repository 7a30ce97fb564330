/**
 * Post-route simulation: the loopback link check on the routed netlist of its build (nextpnr's output,
 * simulated with yosys's iCE40 cell models, sim/netlist.ts), through the CLI as a user runs it — and a netlist
 * with one LUT changed must fail that check, naming the first value that differs. (The Ising and B-DCGAN routed
 * netlists: tests/netlist-ising.test.ts, tests/netlist-bdcgan.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { getBoard } from '../src/boards/index.ts';
import { elaborate, type Elaborated } from '../src/design/design.ts';
import { checkLoopback } from '../src/cores/loopback/check.ts';
import { loopback, type LinkLoopbackConfig } from '../src/cores/loopback/index.ts';
import { routedNetlistOf } from '../src/flow/netlist.ts';
import { spinbit } from './helpers.ts';

// A small scratch memory keeps the check short (a routed netlist simulates ≈ 9× slower than the RTL); both tests
// share its build.
const SCRATCH_WORDS = '2048';
// A build plus a netlist model takes 1–2 min alone; on a loaded 2-core machine it took 7 min (measured).
const NETLIST_TIMEOUT_MS = 600_000;

describe('routed netlist co-simulation', () => {
  it(
    'loopback: the link self-check passes on the routed netlist',
    () => {
      const run = spinbit('sim', 'loopback', '--netlist', '--board', 'icebreaker', '--scratch-words', SCRATCH_WORDS);
      expect(run.code, run.err + run.out).toBe(0);
      expect(run.out).toMatch(/loopback self-check \(routed netlist\) passed/);
    },
    NETLIST_TIMEOUT_MS,
  );

  it(
    'a netlist with one LUT changed fails the check and names the first value that differs',
    async () => {
      const design = (await elaborate(loopback, getBoard('icebreaker'), {
        'scratch-words': Number(SCRATCH_WORDS),
      })) as Elaborated<LinkLoopbackConfig>;
      const netlist = await routedNetlistOf(design, () => {});
      // The logic cell whose flip-flop holds bit 3 of the link's data word (memory and register writes, reads):
      // invert its LUT, as a synthesis or place-and-route fault would.
      const cell = /ICESTORM_LC #\(([^;]*?)\.LUT_INIT\(16'h([0-9a-f]{4})\)([^;]*?)\.O\(\\u_core\.mem_wdata\[3\] \)/s;
      const match = cell.exec(netlist.verilog);
      expect(match, 'no logic cell drives mem_wdata[3]').not.toBeNull();
      const flipped = (~Number.parseInt(match![2]!, 16) & 0xffff).toString(16).padStart(4, '0');
      const broken = netlist.verilog.replace(match![0], match![0].replace(`16'h${match![2]}`, `16'h${flipped}`));
      expect(broken).not.toBe(netlist.verilog);
      const check = checkLoopback(design, { seed: 3 }, { kind: 'virtual', netlist: { ...netlist, verilog: broken } });
      // Whichever check meets the broken bit first says which value differed: the ID register, SCRATCH or a byte.
      await expect(check).rejects.toThrow(
        /ID register 0x[0-9a-f]+, expected 0x4c4f4f50|SCRATCH register reads 0x[0-9a-f]+ after writing 0x[0-9a-f]+|scratch memory differs at byte \d+/,
      );
    },
    NETLIST_TIMEOUT_MS,
  );
});
