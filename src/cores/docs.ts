/**
 * The parts of docs/ that are generated from the contracts: each design's register, memory and record tables,
 * and the link bus. A doc holds them between `<!-- generated: NAME -->` and `<!-- /generated -->`; the text
 * around them is written by hand. `npm run docs` rewrites them (scripts/write-docs.ts); tests/docs.test.ts
 * fails when a committed doc differs from what the contracts say.
 */
import { LINK_BUS } from '../link/bus.ts';
import { markdownTables } from '../link/contract.ts';
import { bdcganContract } from './bdcgan/contract.ts';
import { isingContract } from './ising/contract.ts';
import { loopbackContract } from './loopback/contract.ts';

function linkBusTable(): string {
  const rows = Object.entries(LINK_BUS).map(
    ([name, s]) => `| \`${name}\` | ${s.width} | ${s.driver} | ${'comment' in s ? s.comment : ''} |`,
  );
  return ['| signal | bits | driven by | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Generated section name → its text, by doc file (relative to the repository root). */
export const GENERATED_SECTIONS: Record<string, Record<string, () => string>> = {
  'docs/ising.md': { 'ising contract': () => markdownTables(isingContract) },
  'docs/bdcgan-model.md': { 'bdcgan contract': () => markdownTables(bdcganContract) },
  'docs/protocol.md': { 'loopback contract': () => markdownTables(loopbackContract) },
  'docs/architecture.md': { 'link bus': linkBusTable },
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
