/**
 * The parts of docs/ that are generated from the contracts — each design's register, memory and record tables,
 * and the link bus — and from bench/results.json: the Ising flagship and rate tables (issue 26). A doc holds them between `<!-- generated: NAME -->` and `<!-- /generated -->`; the text
 * around them is written by hand. `npm run docs` rewrites them (scripts/write-docs.ts); tests/docs.test.ts
 * fails when a committed doc differs from what the contracts say.
 */
import { readFileSync } from 'node:fs';
import { LINK_BUS } from '../link/bus.ts';
import { markdownTables } from '../link/contract.ts';
import { commandTable, identityTable, protocolVerilogInclude, statusTable } from '../link/protocol.ts';
import { bdcganContract } from './bdcgan/contract.ts';
import { isingContract } from './ising/contract.ts';
import { loopbackContract } from './loopback/contract.ts';

function linkBusTable(): string {
  const rows = Object.entries(LINK_BUS).map(
    ([name, s]) => `| \`${name}\` | ${s.width} | ${s.driver} | ${'comment' in s ? s.comment : ''} |`,
  );
  return ['| signal | bits | driven by | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The parts of bench/results.json (`npm run bench`) the docs quote. */
interface FlagshipEntry {
  board: string;
  options: { L: number; lanes: number; 'clock-mhz': number };
  simulation: {
    clocks_per_sweep: number;
    ideal_clocks_per_sweep: number;
    tie_clocks_per_sweep: number;
    efficiency: number;
  };
  build: {
    failed?: string;
    logic_cells: { used: number; total: number };
    ebr: { used: number; total: number };
    fmax_mhz: number;
  };
  flips_per_ns?: number;
}
interface RateEntry {
  board: string;
  L: number;
  lanes: number;
  clock_mhz: number;
  bin: number;
  clocks_per_sweep: number;
  ideal_clocks_per_sweep: number;
  elapsed_clocks_per_sweep: number;
  engine_flips_per_ns: number;
  end_to_end_flips_per_ns: number;
}
interface BenchResults {
  spine: { yowasp_cold_build_s: number; cached_rebuild_s: number };
  link: { rates: Record<string, { baud: number; read_payload_bytes_per_s_on_hardware: number }> };
  ising: { engines: Record<string, FlagshipEntry> };
  ising_rates: { sizes: RateEntry[] };
  bdcgan: {
    preset: string;
    build: {
      logic_cells: { used: number; total: number };
      spram: { used: number; total: number };
      timing_ok: boolean;
      clock_mhz: number;
      fmax_mhz: number;
    };
    clocks_per_image: number;
    icebreaker: {
      end_to_end_images_per_s_estimate: number;
      compute_images_per_s: number;
      link_images_per_s: number;
      baud: number;
      upload_bytes: number;
      upload_seconds_estimate: number;
    };
  };
  netlist: { rtl_clocks_per_s: number; netlist_clocks_per_s: number; netlist_slowdown: number };
}

function benchResults(): BenchResults {
  return JSON.parse(readFileSync(new URL('../../bench/results.json', import.meta.url), 'utf8')) as BenchResults;
}

const BOARD_NAMES: Record<string, string> = { icebreaker: 'iCEBreaker', hx8k: 'HX8K' };

const thousands = (n: number) => n.toLocaleString('en-US').replaceAll(',', ' ');

/** The B-DCGAN generator on the iCEBreaker as bench `bdcgan` measured it (a sentence for the card and the docs). */
function bdcganBenchLine(): string {
  const { preset, build: b, clocks_per_image, icebreaker: i } = benchResults().bdcgan;
  return (
    `On the iCEBreaker (\`npm run bench -- bdcgan\`, ${preset}): ${thousands(clocks_per_image)} clocks per image at ` +
    `${b.clock_mhz} MHz (PLL; ${thousands(b.logic_cells.used)} / ${thousands(b.logic_cells.total)} logic cells, ` +
    `${b.spram.used} / ${b.spram.total} SPRAM, Fmax ${b.fmax_mhz} MHz, timing ${b.timing_ok ? 'met' : 'NOT met'}) = ` +
    `**${i.compute_images_per_s} images/s** of compute, under the ${i.baud / 1e6} Mbaud link's ` +
    `${i.link_images_per_s} images/s (the FIFOs overlap the two); the model upload is ` +
    `${thousands(i.upload_bytes)} bytes (≈ ${i.upload_seconds_estimate} s, written and read back).`
  );
}

/** README's headline figures: what `npm run bench` measured, one row per claim. */
function headlineTable(): string {
  const r = benchResults();
  const rows = Object.values(r.ising.engines).map((e) => {
    const b = e.build;
    const what = `Ising engine, ${BOARD_NAMES[e.board] ?? e.board}, L = ${e.options.L}, ${e.options.lanes} lanes`;
    return b.failed
      ? `| ${what} | build failed: ${b.failed} |`
      : `| ${what} | ${b.logic_cells.used}/${b.logic_cells.total} logic cells, Fmax ${b.fmax_mhz} MHz, run at ` +
          `${e.options['clock-mhz']} MHz, efficiency ${e.simulation.efficiency}: **${e.flips_per_ns} flips/ns** |`;
  });
  const g = r.bdcgan;
  const link = r.link.rates['3Mbaud_12MHz'];
  return [
    '| what | measured (bench/results.json) |',
    '| --- | --- |',
    ...rows,
    `| B-DCGAN generator, iCEBreaker, ${g.preset} | ${g.build.logic_cells.used}/${g.build.logic_cells.total} logic ` +
      `cells, ${g.build.spram.used} SPRAM, Fmax ${g.build.fmax_mhz} MHz, run at ${g.build.clock_mhz} MHz, ` +
      `${g.clocks_per_image} clocks an image: **${g.icebreaker.end_to_end_images_per_s_estimate} images/s** |`,
    ...(link
      ? [
          `| the link at ${link.baud / 1e6} Mbaud | ${Math.round(link.read_payload_bytes_per_s_on_hardware / 1000)} ` +
            'kB/s of payload read |',
        ]
      : []),
    `| loopback build (YoWASP, cold / cached) | ${r.spine.yowasp_cold_build_s} s / ${r.spine.cached_rebuild_s} s |`,
    `| routed-netlist simulation | ${(r.netlist.netlist_clocks_per_s / 1e6).toFixed(2)} M clocks/s, ` +
      `${r.netlist.netlist_slowdown}× slower than the RTL's ${(r.netlist.rtl_clocks_per_s / 1e6).toFixed(1)} M |`,
  ].join('\n');
}

/** The Ising flagships as bench `ising` measured them: build, efficiency, flips/ns. */
function isingFlagshipTable(): string {
  const rows = Object.values(benchResults().ising.engines).map((e) => {
    const b = e.build;
    const cells = b.failed ? `(${b.failed})` : `${b.logic_cells.used} / ${b.logic_cells.total}`;
    const ebr = b.failed ? '—' : `${b.ebr.used} / ${b.ebr.total}`;
    const fmax = b.failed ? '—' : `${b.fmax_mhz} MHz`;
    const s = e.simulation;
    return (
      `| ${BOARD_NAMES[e.board] ?? e.board}, L = ${e.options.L}, ${e.options.lanes} lanes | ${cells} | ${ebr} | ` +
      `${fmax} | ${e.options['clock-mhz']} MHz | ${s.clocks_per_sweep} (${s.ideal_clocks_per_sweep}) | ` +
      `${s.tie_clocks_per_sweep} | ${s.efficiency} | **${e.flips_per_ns ?? '—'}** |`
    );
  });
  return [
    '| build | logic cells | EBR | Fmax | clock | clocks/sweep (ideal) | tie stall clocks/sweep | efficiency | flips/ns |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The Ising rates at every L, engine and end to end, as bench `ising_rates` measured them. */
function isingRatesTable(): string {
  const rows = benchResults().ising_rates.sizes.map(
    (s) =>
      `| ${BOARD_NAMES[s.board] ?? s.board} | ${s.L} | ${s.lanes} | ${s.clock_mhz} MHz | ${s.bin} | ` +
      `${s.clocks_per_sweep} (${s.ideal_clocks_per_sweep}) | ${s.elapsed_clocks_per_sweep} | ` +
      `${s.engine_flips_per_ns} | ${s.end_to_end_flips_per_ns} |`,
  );
  return [
    '| board | L | lanes | clock | bin | clocks/sweep (ideal) | with link waits | flips/ns engine | end to end |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Generated section name → its text, by doc file (relative to the repository root). */
export const GENERATED_SECTIONS: Record<string, Record<string, () => string>> = {
  'README.md': { 'headline figures (bench)': headlineTable },
  'docs/ising.md': {
    'ising contract': () => markdownTables(isingContract),
    'ising flagships (bench)': isingFlagshipTable,
    'ising rates (bench)': isingRatesTable,
  },
  'docs/bdcgan-model.md': {
    'bdcgan contract': () => markdownTables(bdcganContract),
    'bdcgan on the iCEBreaker (bench)': bdcganBenchLine,
  },
  'models/mnist-up5k.md': { 'bdcgan on the iCEBreaker (bench)': bdcganBenchLine },
  'docs/protocol.md': {
    'protocol commands': commandTable,
    'protocol statuses': statusTable,
    'identity layout': identityTable,
    'loopback contract': () => markdownTables(loopbackContract),
  },
  'docs/architecture.md': { 'link bus': linkBusTable },
};

/** Whole files generated from the tables (not docs): `npm run docs` writes them, tests/docs.test.ts checks them. */
export const GENERATED_FILES: Record<string, () => string> = {
  'hdl/link_protocol.vh': protocolVerilogInclude,
};

/** `text` with every generated section replaced by its current contents; an unknown or unclosed marker is an error. */
export function regenerate(file: string, text: string): string {
  const sections = GENERATED_SECTIONS[file] ?? {};
  const found = new Set<string>();
  const out = text.replace(/<!-- generated: ([^>]+?) -->\n[\s\S]*?<!-- \/generated -->/g, (_, name: string) => {
    const make = sections[name];
    if (!make) throw new Error(`${file}: unknown generated section '${name}'`);
    found.add(name);
    return `<!-- generated: ${name} -->\n${make()}\n<!-- /generated -->`;
  });
  const missing = Object.keys(sections).filter((name) => !found.has(name));
  if (missing.length) {
    throw new Error(`${file}: no '<!-- generated: ${missing[0]} -->' … '<!-- /generated -->' block`);
  }
  return out;
}
